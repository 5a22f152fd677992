"""Unified diffs that ``patch`` can apply.

``difflib.unified_diff`` leaves out the ``\\ No newline at end of file``
marker that ``patch`` needs when a text does not end in a newline; this adds
it, so every diff seedsift writes round-trips through ``patch -p1``.
"""

from __future__ import annotations

import difflib

NO_EOL = "\\ No newline at end of file\n"


def unified_diff(before: str, after: str, name: str, *, from_label: str = "a", to_label: str = "b") -> str:
    """Return a unified diff from ``before`` to ``after`` ('' when equal).

    >>> print(unified_diff("甲\\n乙\\n", "甲\\n丙\\n", "x.txt"), end="")
    --- a/x.txt
    +++ b/x.txt
    @@ -1,2 +1,2 @@
     甲
    -乙
    +丙
    """
    if before == after:
        return ""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(a, b, f"{from_label}/{name}", f"{to_label}/{name}", n=3):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_EOL)
    return "".join(out)
