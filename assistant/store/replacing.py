"""Putting a reply into corpus/ so that a kill at any instant leaves the old reply or the new one, never neither
and never both once the next build has run.

Hidden names (no reader takes a file whose name starts with "." for a reply), T = '<pid>-<nanoseconds>':

    .incoming-T-<new>     the new file being copied in; it becomes <new> by one rename
    .replaced-T-<old>     the reply it replaces (and .replaced-T-metadata.json, the corrections before), kept until
                          the build with the new reply is live, so a failure can put everything back

Steps, in this order:
    1. copy the new file to .incoming-T-<new> and flush it to disk
    2. keep metadata.json aside as .replaced-T-metadata.json (an empty file when there was none), then write the
       new corrections
    3. keep the old reply aside as .replaced-T-<old>: a hard link when <old> is <new> (it stays visible, and step 4
       replaces it in one rename), else a rename (for the instant between steps 3 and 4 neither name is visible)
    4. rename .incoming-T-<new> to <new>: from here on the new reply is the visible one
    5. the caller builds; then `commit` deletes the .replaced-T-* files, or `undo` renames <new> back to
       .incoming-T-<new>, puts the .replaced-T-* files back and deletes the incoming one.

The invariant, which makes recovery a matter of the file names alone: while any .incoming-T-* exists, the new reply
is not visible and the old one (and the old metadata.json) is either in place or held as .replaced-T-*; once no
.incoming-T-* is left, the new reply is in place.  So `recover` (run at the start of every build and `add`) does,
for each T whose process is gone:
    .incoming-T-* present  ->  put .replaced-T-* back, delete .incoming-T-*   (the old reply, as before the add)
    .incoming-T-* absent   ->  delete .replaced-T-*                           (the new reply, as the add left it)
and at every instant the corpus, after recovery, holds exactly one of the two replies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import OVERRIDES_FILE
from .layout import pid_alive

HIDDEN = re.compile(r"^\.(incoming|replaced)-(\d+)-(\d+)-(.+)$")
LEGACY = re.compile(r"^\.(incoming|replaced)-(.+)$")  # left by `add` before tokens: no process to ask


@dataclass
class Replacement:
    """One file going into corpus/ (replacing `old` when given); see the module's steps."""

    corpus: Path
    new: str
    old: str | None = None
    token: str = field(default_factory=lambda: f"{os.getpid()}-{time.time_ns()}")
    exposed: bool = False

    def hidden(self, kind: str, name: str) -> Path:
        return self.corpus / f".{kind}-{self.token}-{name}"

    def stage(self, source: Path) -> None:
        """Step 1: the complete new file beside the corpus files, under a hidden name."""
        incoming = self.hidden("incoming", self.new)
        shutil.copyfile(source, incoming)
        with open(incoming, "rb+") as f:
            os.fsync(f.fileno())

    def write_overrides(self, table: dict) -> None:
        """Step 2: metadata.json kept aside, then replaced by `table` in one rename."""
        meta = self.corpus / OVERRIDES_FILE
        aside = self.hidden("replaced", OVERRIDES_FILE)
        if meta.is_file():
            _link_or_copy(meta, aside)
        else:
            aside.write_bytes(b"")  # there was none: putting it back means deleting it
        incoming = self.hidden("incoming", OVERRIDES_FILE)
        incoming.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(incoming, meta)

    def expose(self) -> None:
        """Steps 3 and 4: the old reply aside, the new one visible."""
        target = self.corpus / self.new
        if self.old is not None:
            old, aside = self.corpus / self.old, self.hidden("replaced", self.old)
            if self.old == self.new:
                _link_or_copy(old, aside)
            else:
                os.replace(old, aside)
        os.replace(self.hidden("incoming", self.new), target)
        self.exposed = True
        _sync_dir(self.corpus)

    def commit(self) -> None:
        """The build with the new reply is live: the old reply and corrections go."""
        for path in self.corpus.glob(f".replaced-{self.token}-*"):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass  # the add is done; a later build's recovery removes what is left

    def undo(self) -> None:
        """Everything back as it was, in an order that recovery can finish if this, too, is interrupted."""
        if self.exposed:
            os.replace(self.corpus / self.new, self.hidden("incoming", self.new))
            self.exposed = False
        _restore(self.corpus, self.token)


def recover(corpus: Path) -> list[str]:
    """Finish or undo what a killed `add` left in corpus/ (see the module docstring); returns what was done."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        return []
    tokens: set[str] = set()
    done = []
    for path in corpus.iterdir():
        if m := HIDDEN.match(path.name):
            if not pid_alive(int(m.group(2))):
                tokens.add(f"{m.group(2)}-{m.group(3)}")
        elif (m := LEGACY.match(path.name)) and path.is_file():
            done.append(_recover_legacy(corpus, path, m.group(1), m.group(2)))
    for token in sorted(tokens):
        if any(corpus.glob(f".incoming-{token}-*")):
            done.extend(f"put back {name} (an interrupted `add`)" for name in _restore(corpus, token))
        else:
            for path in corpus.glob(f".replaced-{token}-*"):
                path.unlink(missing_ok=True)
    return done


def _restore(corpus: Path, token: str) -> list[str]:
    """Put the .replaced-T-* files back under their names, then delete .incoming-T-*."""
    restored = []
    for aside in corpus.glob(f".replaced-{token}-*"):
        name = aside.name[len(f".replaced-{token}-"):]
        if name == OVERRIDES_FILE and aside.stat().st_size == 0:
            (corpus / name).unlink(missing_ok=True)
            aside.unlink()
        elif (corpus / name).exists() and os.path.samefile(aside, corpus / name):
            aside.unlink()  # a hard link to the file still in place (rename(2) would leave both names)
        else:
            os.replace(aside, corpus / name)
            restored.append(name)
    for incoming in corpus.glob(f".incoming-{token}-*"):
        incoming.unlink(missing_ok=True)
    return restored


def _recover_legacy(corpus: Path, path: Path, kind: str, name: str) -> str:
    """A file an older `add` left: a half-copied new file goes; an old reply comes back unless its name is taken."""
    if kind == "replaced" and not (corpus / name).exists():
        os.replace(path, corpus / name)
        return f"put back {name} (an interrupted `add`)"
    path.unlink(missing_ok=True)
    return f"removed {path.name} (left by an interrupted `add`)"


def _link_or_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _sync_dir(folder: Path) -> None:
    """Make the renames durable (a power cut, not only a kill); best effort where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
