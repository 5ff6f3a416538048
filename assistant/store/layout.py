"""An index folder on disk: builds made aside and swapped in by one atomic rename, old builds pruned.

    current -> builds/<id>          symlink; readers follow it, a rebuild repoints it atomically
    previous -> builds/<id>         the build `current` pointed to before; kept by pruning for readers still on it
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
    """Repoint index/current with rename(2): readers see the old build or the new one, never a mix.

    index/previous is pointed at the build being replaced first, so pruning keeps it (a server may still be reading
    it) even after a crash between the two steps (then `previous` equals `current`, and pruning falls back to the
    newest build older than the live one, never to a newer orphan)."""
    link = index_dir / "current"
    live = current_path(index_dir)
    if live is not None and live != Path(target).resolve():
        _point(index_dir, "previous", live)
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    _point(index_dir, "current", target)


def _point(index_dir: Path, name: str, target: Path) -> None:
    """index/<name> -> target, replaced in one rename (a kill leaves the old link or the new one, and at worst a
    `.<name>-<pid>` link that prune_builds removes)."""
    tmp_link = index_dir / f".{name}-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(os.path.relpath(target, index_dir), tmp_link)
    os.replace(tmp_link, index_dir / name)


def previous_path(index_dir: Path) -> Path | None:
    """The build `current` pointed to before the last swap, when it is still there."""
    link = Path(index_dir) / "previous"
    if link.is_symlink():
        target = link.resolve()
        if target.is_dir():
            return target
    return None


def build_pid(name: str) -> int:
    """The process that made a build or a temporary link: builds '[.tmp-]<time>-<pid>-<n>', links '.<name>-<pid>'."""
    parts = name.removeprefix(".tmp-").lstrip(".").split("-")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1


def prune_builds(index_dir: Path, keep: int = 2) -> None:
    """Keep the live build and the one `current` pointed to before it (a server may still be reading it); drop
    older builds, orphans (finished but never made live, by a process that is gone), half-written `.tmp-*` builds
    and `.current-<pid>` links left by a killed build.  Nothing a running build of another process owns is touched."""
    index_dir = Path(index_dir)
    builds = index_dir / "builds"
    if not builds.is_dir():
        return
    live = current_path(index_dir)
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    kept = {live.name} if live is not None else set()
    before = previous_path(index_dir)
    if before is None or before == live:  # no record (older index, or a crash mid-swap): the newest older build
        older = [p for p in done if live is None or p.name < live.name]
        before = older[-1] if older else None
    if before is not None and keep > 1:
        kept.add(before.name)
    for old in done:
        if old.name not in kept and not _in_use(old.name, finished=True):
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob(".tmp-*"):
        if not _in_use(tmp.name):
            shutil.rmtree(tmp, ignore_errors=True)
    for link in [*index_dir.glob(".current-*"), *index_dir.glob(".previous-*")]:
        if link.is_symlink() and not _in_use(link.name):
            link.unlink(missing_ok=True)


def _in_use(name: str, finished: bool = False) -> bool:
    """Whether a running process may still need this build or link: one being written by this process or a live
    one, or a finished build another live process is about to make current."""
    pid = build_pid(name)
    if pid == os.getpid():
        return not finished  # this process's finished builds are live, previous or orphans of a failed swap
    return pid_alive(pid)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
