"""Plain-text rendering of an infeasibility diagnosis for the console and ``diagnosis.txt``.

The diagnosis itself is a JSON-able mapping produced by ``fiscalshare.solve``; this module only
lays it out for a reader, so it knows nothing about how it was computed.
"""

from __future__ import annotations


def render_diagnosis(diagnosis: dict, indent: int = 0) -> str:
    """Nested mappings as indented ``key: value`` lines; lists of rows as bullet lines."""
    lines: list[str] = []
    pad = "  " * indent
    for key, value in diagnosis.items():
        label = str(key).replace("_", " ")
        if isinstance(value, dict):
            lines.append(f"{pad}{label}:")
            lines.append(render_diagnosis(value, indent + 1))
        elif isinstance(value, list):
            lines.append(f"{pad}{label}:" + (" none" if not value else ""))
            for row in value:
                if isinstance(row, dict):
                    lines.append(f"{pad}  - " + ", ".join(f"{k} {_fmt(v)}" for k, v in row.items()))
                else:
                    lines.append(f"{pad}  - {_fmt(row)}")
        else:
            lines.append(f"{pad}{label}: {_fmt(value)}")
    return "\n".join(line for line in lines if line)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
