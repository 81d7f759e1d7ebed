"""Copy a store with its index, so benchmarks can modify a copy without a rebuild.

A copy of the Turtle file has a new inode and change time, so kgraph would (rightly)
treat the copied index as stale and rebuild it. Benchmarks know the copy is exact and
re-stamp it.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kgraph.store.files import FileState  # noqa: E402
from kgraph.store.index import Index


def copy_store(source: Path, target: Path) -> Path:
    """Copy ``source`` (a Turtle store) and its index to ``target``; returns ``target``."""
    src_index, dst_index = Index(source), Index(target)
    if target.exists():
        target.unlink()
    if dst_index.folder.exists():
        shutil.rmtree(dst_index.folder)
    shutil.copy2(source, target)
    if src_index.primary_matches():
        shutil.copytree(src_index.folder, dst_index.folder, symlinks=True)
        stamp = json.loads(dst_index.stamp_path.read_text(encoding="utf-8"))
        stamp["turtle"] = FileState.of(target).__dict__
        dst_index.stamp_path.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
    return target


if __name__ == "__main__":
    copy_store(Path(sys.argv[1]), Path(sys.argv[2]))
