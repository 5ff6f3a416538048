"""Question files, one JSON object per line (`ask --batch`, `eval --questions`, `bench --questions`)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import QuestionFileError


def read_jsonl(path: Path | str, required: tuple[str, ...] = ("query",)) -> list[dict]:
    """Every non-blank line as an object with the `required` string fields; QuestionFileError naming the line."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise QuestionFileError(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise QuestionFileError(f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON lines") from exc
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            for key in required:
                if not isinstance(data.get(key), str):
                    raise ValueError(f'expected a "{key}" string')
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800") cannot be shown
        except (ValueError, UnicodeEncodeError, RecursionError) as exc:
            reason = ("a lone surrogate in the text" if isinstance(exc, UnicodeEncodeError)
                      else "nested too deeply" if isinstance(exc, RecursionError) else exc)
            raise QuestionFileError(f'{path.name} line {n}: {reason}; each line must be an object such as '
                                    f'{{"id": "q1", "query": "…"}}') from exc
        rows.append(data)
    return rows
