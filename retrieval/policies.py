"""Policies and FAQ: Markdown / text files split along headings into passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import InputError
from bot.language import detect_language
from retrieval.documents import Passage, RecordError
from retrieval.loading import LoadResult, read_text, safe_id
from retrieval.tables import is_table_paragraph, linearize_tables
from retrieval.text import is_cjk

SUFFIXES = {".md", ".markdown", ".txt", ".text"}
MAX_WORDS = 160  # passage size; CJK characters count as half a word
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(={3,}|-{3,})\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_FAQ_Q = re.compile(r"^\s*(?:\*\*)?(?:Q|Question|问)\s*[:：.]\s*(.+?)(?:\*\*)?\s*$", re.IGNORECASE)
# A question set in bold on a line of its own ("**Can I pay by invoice?**") opens an FAQ entry.
_BOLD_Q = re.compile(r"^\s*(?:\*\*|__)(.+?[?？])(?:\*\*|__)\s*$")
# Latin sentence ends need a space after them: "€3.95" and "3.5 kg" are not two sentences.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")


@dataclass
class Section:
    path: list[str]
    lines: list[str] = field(default_factory=list)


def split_sections(text: str) -> list[Section]:
    """Sections with their heading path (ATX ``#`` and setext headings; code fences kept)."""
    sections = [Section([])]
    stack: list[tuple[int, str]] = []
    lines = text.splitlines()
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
        heading: tuple[int, str] | None = None
        if not in_fence:
            if m := _ATX.match(line):
                heading = (len(m.group(1)), m.group(2).strip())
            elif (
                line.strip()
                and i + 1 < len(lines)
                and _SETEXT.match(lines[i + 1])
                and not (sections[-1].lines[-1:] or [""])[0].strip()
            ):
                heading = (1 if lines[i + 1].strip().startswith("=") else 2, line.strip())
                i += 1
        if heading:
            level, title = heading
            title = re.sub(r"[*_`]+", "", title).strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append(Section([t for _, t in stack]))
        else:
            sections[-1].lines.append(line)
        i += 1
    return sections


def _size(text: str) -> float:
    cjk = sum(1 for ch in text if is_cjk(ch))
    return len(text.split()) + cjk / 2


def _units(paragraph: str) -> tuple[list[str], str]:
    """A long paragraph's pieces and how they join: table rows by line, prose by sentence."""
    if is_table_paragraph(paragraph):
        return paragraph.splitlines(), "\n"
    return _SENTENCE.split(paragraph), " "


def chunk(paragraphs: list[str], limit: float = MAX_WORDS) -> list[str]:
    """Group paragraphs into chunks of about `limit` words; split long ones at sentences
    (tables between rows)."""
    pieces: list[str] = []
    for para in paragraphs:
        if _size(para) <= limit:
            pieces.append(para)
            continue
        current = ""
        units, joint = _units(para)
        for unit in units:
            if current and _size(current + joint + unit) > limit:
                pieces.append(current.strip())
                current = ""
            glue = joint if current and (joint == "\n" or not is_cjk(unit[:1])) else ""
            current += glue + unit
        if current.strip():
            pieces.append(current.strip())
    chunks: list[str] = []
    for piece in pieces:
        if chunks and _size(chunks[-1]) + _size(piece) <= limit:
            chunks[-1] += "\n\n" + piece
        else:
            chunks.append(piece)
    return chunks


def _paragraphs(lines: list[str]) -> list[str]:
    paras: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paras.append("\n".join(current).strip())
            current = []
    return paras


def _faq_sections(section: Section) -> list[Section]:
    """Split a section of 'Q: ... / A: ...' pairs into one section per question."""
    out: list[Section] = []
    for line in section.lines:
        if m := _FAQ_Q.match(line) or _BOLD_Q.match(line):
            question = re.sub(r"^(?:Q|Question|问)\s*[:：.]\s*", "", m.group(1).strip(), flags=re.I)
            out.append(Section([*section.path, question], [line]))
        elif out:
            out[-1].lines.append(line)
        else:
            out.append(Section(section.path, [line]))
    return out if len(out) > 1 else [section]


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
STAFF = ("staff", "internal", "agents", "agent")


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """(``key: value`` pairs of a leading ``---`` block, the text after it)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    fields = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[m.end() :]


def file_passages(text: str, rel: str) -> list[Passage]:
    """Passages of one policy file; `rel` is its path relative to the policies folder. A page
    whose front matter says ``audience: staff`` is for the store's people only: its passages
    are marked so and never quoted to a shopper."""
    fields, text = front_matter(text)
    staff_only = fields.get("audience", "").lower() in STAFF
    stem = Path(rel).stem.replace("_", " ").replace("-", " ").strip().capitalize()
    sections = [s for sec in split_sections(text) for s in _faq_sections(sec)]
    passages: list[Passage] = []
    used: dict[str, int] = {}
    doc_title = next((s.path[0] for s in sections if s.path), stem)
    for section in sections:
        paras = _paragraphs(linearize_tables(section.lines))
        if not paras:
            continue
        heading = " > ".join(section.path)
        base = f"policy:{rel}#{safe_id(heading.casefold()) if heading else 'top'}"
        for n, body in enumerate(chunk(paras)):
            pid = base if n == 0 else f"{base}~{n + 1}"
            used[pid] = used.get(pid, 0) + 1
            if used[pid] > 1:
                pid = f"{pid}-{used[pid]}"
            title = heading or doc_title
            context = doc_title if section.path[:1] != [doc_title] else ""
            passages.append(
                Passage(
                    id=pid,
                    source="policy",
                    title=title,
                    text=body,
                    doc_key=rel,
                    metadata={
                        "path": rel,
                        "heading": heading,
                        "chunk": n,
                        "language": detect_language(body),
                        **({"audience": "staff"} if staff_only else {}),
                    },
                    embed_text=f"{context + ': ' if context else ''}{title}\n{body}",
                )
            )
    return passages


def load_policies(folder: Path) -> LoadResult:
    """Every ``.md``/``.txt`` file under `folder` (recursively)."""
    if not folder.exists():
        raise InputError("policies folder not found", path=str(folder))
    if not folder.is_dir():
        raise InputError("expected a folder of .md/.txt files", path=str(folder))
    result = LoadResult()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SUFFIXES or path.name.startswith("."):
            continue
        rel = path.relative_to(folder).as_posix()
        result.records += 1
        try:
            result.passages.extend(file_passages(read_text(path), rel))
        except InputError as exc:
            result.errors.append(RecordError(str(path), exc.line, str(exc.args[0]), rel))
    return result
