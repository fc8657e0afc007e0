"""Tables in policy pages, turned into rows that say what each value is.

A table row alone ("| 2 | Belgium, Germany | €5.95 | €79 |") answers nothing: which figure is
the price and which the free-shipping amount is in the header. Each row is written as one
line of "header: value" pairs, so that a passage, a sentence picked from it, and the model all
keep the meaning. Markdown pipe tables and plain-text tables aligned with spaces under a
dashed rule are read.
"""

from __future__ import annotations

import re

from retrieval.text import is_cjk

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SPACE_RULE = re.compile(r"^\s*-{3,}(\s{2,}-{3,})+\s*$")
_MARKUP = re.compile(r"\*\*|__|`")


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [_MARKUP.sub("", c).strip() for c in inner.split("|")]


def row_line(header: list[str], cells: list[str]) -> str:
    """One row as "header: value; header: value." (Chinese punctuation for Chinese)."""
    cjk = is_cjk(" ".join(header))
    colon, sep, end = ("：", "；", "。") if cjk else (": ", "; ", ".")
    pairs = []
    for name, value in zip(header, cells, strict=False):
        if not value or value in {"-", "–", "—"}:
            continue
        pairs.append(f"{name}{colon}{value}" if name else value)
    if not pairs:
        return ""
    line = sep.join(pairs)
    return line if line.endswith((".", "。", "!", "?", "！", "？")) else line + end


def _pipe_table(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """Rows of the pipe table starting at ``start`` and the index after it."""
    if start + 1 >= len(lines) or not _PIPE_ROW.match(lines[start]):
        return None
    if not _PIPE_RULE.match(lines[start + 1]):
        return None
    header = _cells(lines[start])
    end = start + 2
    rows = []
    while end < len(lines) and _PIPE_ROW.match(lines[end]):
        if line := row_line(header, _cells(lines[end])):
            rows.append(line)
        end += 1
    return rows, end


def _spans(rule: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"-{3,}", rule)]


def _slice(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """Cells of an aligned row: each column runs from its rule's start to the next's."""
    cells = []
    for i, (begin, _) in enumerate(spans):
        stop = spans[i + 1][0] if i + 1 < len(spans) else len(line)
        cells.append(_MARKUP.sub("", line[begin:stop]).strip())
    return cells


def _space_table(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """Rows of a plain-text table: a header line over a rule of dash groups."""
    if start + 1 >= len(lines) or not _SPACE_RULE.match(lines[start + 1]):
        return None
    if not lines[start].strip():
        return None
    spans = _spans(lines[start + 1])
    header = _slice(lines[start], spans)
    end = start + 2
    rows = []
    while end < len(lines) and lines[end].strip() and not _SPACE_RULE.match(lines[end]):
        if line := row_line(header, _slice(lines[end], spans)):
            rows.append(line)
        end += 1
    return rows, end


def linearize_tables(lines: list[str]) -> list[str]:
    """The lines with every table replaced by one self-describing line per row; a blank line
    before and after each table keeps it a paragraph of its own."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        found = _pipe_table(lines, i) or _space_table(lines, i)
        if found is None:
            out.append(lines[i])
            i += 1
            continue
        rows, i = found
        out.extend(["", *rows, ""])
    return out


def is_table_paragraph(paragraph: str) -> bool:
    """Whether a paragraph is rows written by `linearize_tables` (split by row, not sentence)."""
    rows = paragraph.splitlines()
    return len(rows) > 1 and all(re.search(r"[:：]", row) for row in rows)
