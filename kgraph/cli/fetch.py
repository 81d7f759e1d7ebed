"""The ``kgraph fetch`` command (registered by :mod:`kgraph.cli`)."""
from __future__ import annotations

import sys
from contextlib import ExitStack

import click

from ..errors import KGraphError
from .options import fetch_options
from .sync import _progress


def read_url_list(name: str) -> list[str]:
    """The URLs of a list file (``-``: standard input): one a line, blank lines and
    ``#`` comments skipped."""
    try:
        with click.open_file(name, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise click.ClickException(f"{name}: cannot read the list of URLs: {reason}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def web_options(delay: float, timeout: float, retries: int, max_size: int | None = None):  # type: ignore[no-untyped-def]
    from ..read.web import WebOptions

    extra = {"max_bytes": max_size} if max_size is not None else {}
    return WebOptions(delay=delay, timeout=timeout, retries=retries, **extra)


def echo_fetch_outcomes(report, *, failures: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The lines of a fetch that need a reader's eye, on stderr: warnings, skipped pages
    and (with ``failures``) failed ones, each with its URL and reason."""
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for outcome in report.having("skipped"):
        click.echo(f"skipped: {outcome.source}: {outcome.reason}", err=True)
    for outcome in report.having("failed") if failures else ():
        click.echo(f"Error: {outcome.source}: {outcome.reason}", err=True)


@click.command("fetch")
@click.argument("sources", nargs=-1, metavar="[URL|FILE]...")
@click.option("--from", "from_file", metavar="FILE",
              help="Also fetch the URLs listed in FILE, one a line (- for standard input; "
                   "blank lines and # comments are skipped).")
@click.option("--feed", "feeds", multiple=True, metavar="FEED_URL",
              help="Fetch the reports an RSS or Atom feed lists, those not fetched before "
                   "(repeatable).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Only the feed entries published on or after this day.")
@click.option("--output", "-o", "out_dir", default="articles", show_default=True,
              type=click.Path(file_okay=False), help="The folder the article files go to.")
@fetch_options
@click.option("--max-size", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="Refuse pages larger than this [default: 10 MiB].")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links found inside directories of saved pages.")
def fetch_command(sources: tuple[str, ...], from_file: str | None, feeds: tuple[str, ...],
                  since, out_dir: str, delay: float, timeout: float, retries: int,  # type: ignore[no-untyped-def]
                  max_size: int | None, follow_symlinks: bool) -> None:
    """Download news pages and keep each report as a raw article file.

    SOURCES are http(s) URLs, or saved .html pages (and folders of them). Each page's
    main text (no menus, ads, related links or comments) and its metadata go into one
    file in the output folder, named after the page's canonical URL: front matter url,
    title, published, publisher, author and fetched, then the report. An AMP or
    tracking-parameter twin of a report is the same article. Review, annotate or ingest
    the files as usual. Pages and feed entries fetched before are not fetched again,
    and an article file is never overwritten.

    Polite by default: robots.txt is honoured, one request a second per host (--delay),
    retries with backoff on HTTP 429 and 5xx. A non-HTML answer (a PDF, an image) is
    skipped; a page that fails is reported and the others are kept (exit 1).

    \b
    Example:
        kgraph fetch https://news.example.id/daerah/2026/01/13/studi-banding -o articles/
        kgraph fetch --from urls.txt -o articles/
        kgraph fetch --feed https://news.example.id/rss --since 2026-01-01
        kgraph fetch saved-pages/ -o articles/
        kgraph ingest articles/
    """
    from ..fetch import fetch

    urls = list(sources)
    if from_file is not None:
        urls += read_url_list(from_file)
    if not urls and not feeds:
        raise click.UsageError("give URLs or saved pages, --from FILE or --feed FEED_URL")
    with ExitStack() as stack:
        progress = _progress(stack, "fetching")
        done = [0]
        total = [0]

        def started(count: int) -> None:
            total[0] = count
            if count > 1:
                progress(0, count)

        def finished(_outcome) -> None:  # type: ignore[no-untyped-def]
            done[0] += 1
            if total[0] > 1:
                progress(done[0], total[0])

        try:
            report = fetch(urls, feeds=feeds, out_dir=out_dir,
                           since=since.date() if since else None,
                           options=web_options(delay, timeout, retries, max_size),
                           follow_symlinks=follow_symlinks, on_total=started,
                           on_outcome=finished)
        except KGraphError as exc:
            raise click.ClickException(str(exc)) from None
    echo_fetch_outcomes(report)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)
