"""An index folder on disk: builds made aside and swapped in by one atomic rename, old builds pruned.

    current -> builds/<id>          symlink; readers follow it, a rebuild repoints it atomically
    builds/<id>/manifest.json       model, back end, corpus files with SHA-256, counts, version, time
    builds/<id>/passages.json       the passage store
    builds/<id>/replies.json        parsed replies (answer units), for references and comparison
    builds/<id>/dense.faiss         passage vectors (inner product over normalised vectors)
    builds/<id>/questions.npy       questionnaire-question vectors, one row per passage
    builds/<id>/bm25/               the lexical index
    builds/<id>/sentences.*         every passage sentence and its vector, for extractive answers
    builds/<id>/vectors/<key>.npz   per-file vectors, reused by the next build when the file is unchanged
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

MANIFEST = "manifest.json"


def current_path(index_dir: Path) -> Path | None:
    """The live build's folder, or None when there is none."""
    link = Path(index_dir) / "current"
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        if (target / MANIFEST).is_file():
            return target
    return None


def read_manifest(index_dir: Path) -> dict | None:
    """The live build's manifest; None when there is no build or the manifest is damaged (a rebuild repairs it)."""
    path = current_path(index_dir)
    if path is None:
        return None
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def new_build_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.perf_counter_ns() % 100000}"


def swap_current(index_dir: Path, target: Path) -> None:
    """Repoint index/current with rename(2): readers see the old build or the new one, never a mix."""
    link = index_dir / "current"
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(os.path.relpath(target, index_dir), tmp_link)
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp_link, link)


def prune_builds(index_dir: Path, keep: int = 2) -> None:
    """Keep the live build and the one before it (a server may still be reading it); drop older and failed ones."""
    builds = index_dir / "builds"
    live = current_path(index_dir)
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-keep]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob(".tmp-*"):
        try:
            pid = int(tmp.name.split("-")[2])
        except (IndexError, ValueError):
            pid = -1
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
