"""From claims to visits: claims about the same pair of sides make one visit.

- A pair only confirmed by anaphoric or support claims makes no visit of its own.
- Two directions of one pair in one report keep the better supported one, unless one of
  them is an earlier visit told as such (a return visit and the visit it returns).
- The same two regions with different bodies (DPRD X and Pemkab X) keep the better
  supported body.
- A province host detailed by regions inside it ("ke NTT ... Manggarai Timur") and a
  province written beside its own region are not sides of their own.
"""
from __future__ import annotations

from .claims import Claim
from .context import Party


def group_claims(claims: list[Claim]) -> dict[tuple[Party, Party, bool], list[Claim]]:
    """Claims by (visitor, host, past), with the filters above applied."""
    pairs: dict[tuple[Party, Party, bool], list[Claim]] = {}
    for c in claims:
        if c.visitor is None:
            continue
        key = (c.visitor, c.host, c.past and c.explicit)
        pairs.setdefault(key, []).append(c)
    # A past claim of a pair that is also told as happening now is the same visit.
    for key in [k for k in pairs if k[2]]:
        now = (key[0], key[1], False)
        if now in pairs:
            pairs[now].extend(pairs.pop(key))
    for key in [k for k in pairs if k[2]]:
        if not any(c.explicit and c.strength >= 0.7 for c in pairs[key]):
            del pairs[key]
    for key, cs in list(pairs.items()):
        if not any(c.explicit or c.strength >= 0.6 for c in cs if not c.support_only):
            del pairs[key]
    # Both directions at the same time: keep the stronger.
    for (v, h, past) in list(pairs):
        other = (h, v, past)
        if (v, h, past) in pairs and other in pairs:
            if score(pairs[(v, h, past)]) < score(pairs[other]):
                del pairs[(v, h, past)]
    # Same regions, different bodies: keep the best-supported.
    by_regions: dict[tuple[str, str, bool], tuple[Party, Party, bool]] = {}
    for key, cs in list(pairs.items()):
        regions = (key[0][0], key[1][0], key[2])
        other = by_regions.get(regions)
        if other is None:
            by_regions[regions] = key
            continue
        if score(cs) > score(pairs[other]):
            del pairs[other]
            by_regions[regions] = key
        else:
            del pairs[key]
    # A province host of a visitor who visits regions inside it is a container, not a host.
    for key in list(pairs):
        (v, h, past) = key
        if "." in h[0]:
            continue
        if any(k[0] == v and k[1][0].startswith(h[0] + ".") for k in pairs):
            del pairs[key]
    # A province visitor beside a region of it visiting the same host ("Kabupaten Siak,
    # Provinsi Riau"): the region is the visitor.
    for key in list(pairs):
        (v, h, past) = key
        if "." in v[0]:
            continue
        if any(k[1] == h and k[0][0].startswith(v[0] + ".") for k in pairs):
            del pairs[key]
    return pairs


def score(claims: list[Claim]) -> float:
    return sum(c.strength for c in claims if not c.support_only)


def confidence(claims: list[Claim], best: Claim, dated: bool, unresolved: bool) -> float:
    """How sure the extractor is of a visit, from what supports it."""
    strong = [c for c in claims if not c.support_only]
    value = 0.45 + 0.35 * min(1.0, best.strength)
    value += 0.05 * min(3, len({c.sentence.index for c in strong}) - 1)
    if best.explicit:
        value += 0.05
    if best.reader in ("receive", "go") and best.explicit:
        value += 0.04
    if all(c.sentence.headline for c in strong):
        value -= 0.15
    if best.past:
        value -= 0.1
    if not dated:
        value -= 0.05
    if unresolved:
        value -= 0.2
    return round(max(0.3, min(0.99, value)), 2)


__all__ = ["confidence", "group_claims", "score"]
