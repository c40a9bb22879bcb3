"""Paths into a document, printed the way error messages show them (§1).

`("pillars", 1, "dimensions", 0, "weight")` prints as `pillars[1].dimensions[0].weight`;
a key that is not a plain word (it holds a dot, a space...) prints quoted, `answers["a.b"]`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

__all__ = ["Path", "format_path"]

Path = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_path(parts: Sequence[str | int]) -> str:
    """Render a path; the empty path (the document itself) is `(document)`."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out) or "(document)"
