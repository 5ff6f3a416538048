"""One family of errors a user can act on: each message says what went wrong, with which file, and what to do.

The command line turns any of them (and an OSError naming a file, see os_error_message) into one line and exit
status 1; the page into one sentence.
Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


class AssistantError(Exception):
    """Base of every error the assistant reports to a user instead of a traceback."""


class ReadError(AssistantError):
    """A reply file could not be read: '<file>: <problem>; <remedy>'."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


class NotAReply(ReadError):
    """The file reads, but no questionnaire answers were found in it."""

    def __init__(self, path: Path | str, problem: str = ""):
        super().__init__(path, problem or "no questionnaire answers found; is this a reply to the Lanzarote "
                                          "Committee's questionnaire? Check the file, or its question numbering")


class CorpusError(AssistantError):
    """The corpus folder as a whole cannot be indexed (missing folder, clashing files, a broken metadata.json)."""


class IndexMissing(AssistantError):
    """There is no built index where one was asked for."""


class IndexCorrupt(AssistantError):
    """The index on disk cannot be read; rebuilding it repairs it."""


class EncoderError(AssistantError):
    """The sentence encoder could not be loaded or run."""


class UnknownQuestion(AssistantError):
    """A question number the questionnaire (as the indexed replies know it) does not have."""


class UnknownParty(AssistantError):
    """A Party asked for by name whose reply is not in the index."""


class UnknownPillar(AssistantError):
    """A pillar name that is not one of the questionnaire's four."""


class QuestionFileError(AssistantError):
    """A question file (`ask --batch`, `eval --questions`, `bench --questions`) has a bad line."""


def os_error_message(exc: OSError) -> str:
    """One line for an operating-system error on a named file: what, which file, what to do."""
    path = str(exc.filename)
    if exc.errno == errno.ENAMETOOLONG:
        name = Path(path).name
        return f"{name[:40]}…: file name too long ({len(name)} characters); rename the file and try again"
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        unreadable = Path(path).is_file() and not os.access(path, os.R_OK)
        verb = "read" if unreadable else "write to"
        return (f"cannot {verb} {path}: permission denied; check the permissions of that folder, or use another one "
                f"(--index, --corpus)")
    if exc.errno == errno.ENOSPC:
        return f"cannot write to {path}: no space left on the device; free some space and try again"
    reason = (exc.strerror or type(exc).__name__).lower()
    return f"{path}: {reason}; check the path and try again"
