"""Generated sections inside a Markdown memory file, and merging new ones into a file a
person may have edited.

A generated section is the text between two marker lines with the same id::

    <!-- django-expert:begin overview -->
    ...regenerated on every engagement...
    <!-- django-expert:end overview -->

Merging replaces the text between the markers of each id it is given, adds the sections
it has not seen, and keeps every other byte of the file as it was. Broken markers never
fail a read: a begin marker without its end, or an end without its begin, is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTION_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_BEGIN = re.compile(rf"^[ \t]*<!--[ \t]*django-expert:begin[ \t]+({SECTION_ID})[ \t]*-->[ \t]*\r?\n?$")
_END = re.compile(rf"^[ \t]*<!--[ \t]*django-expert:end[ \t]+({SECTION_ID})[ \t]*-->[ \t]*\r?\n?$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*\r?\n?$")
_VALID_ID = re.compile(rf"^{SECTION_ID}$")


def split_lines(text: str) -> list[str]:
    """Lines with their endings kept; only '\\n' ends a line (so joining gives the text back)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def newline_of(text: str) -> str:
    """The file's line ending: '\\r\\n' when most of its lines end that way."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def begin_marker(section_id: str) -> str:
    return f"<!-- django-expert:begin {section_id} -->"


def end_marker(section_id: str) -> str:
    return f"<!-- django-expert:end {section_id} -->"


def valid_section_id(section_id: str) -> bool:
    return bool(_VALID_ID.match(section_id))


@dataclass(frozen=True)
class Section:
    """A well-formed generated section: marker lines `begin` and `end` (0-based line indexes)."""

    id: str
    begin: int
    end: int
    body: str


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    title: str


@dataclass
class Document:
    """A parsed memory file: its lines, well-formed sections, and what looked broken."""

    lines: list[str]
    sections: list[Section] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def first(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def generated_lines(self) -> set[int]:
        """Indexes of the lines inside generated sections, markers included."""
        inside: set[int] = set()
        for section in self.sections:
            inside.update(range(section.begin, section.end + 1))
        return inside

    def headings(self, *, outside_sections: bool = True) -> list[Heading]:
        skip = self.generated_lines() if outside_sections else set()
        found = []
        fenced = False
        for index, line in enumerate(self.lines):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                continue
            if fenced or index in skip:
                continue
            match = _HEADING.match(line)
            if match:
                found.append(Heading(index, len(match.group(1)), match.group(2).strip()))
        return found

    def area(self, heading: Heading) -> range:
        """The lines under `heading`, up to the next heading of the same or a higher level
        or the next generated section, whichever comes first."""
        stops = [h.line for h in self.headings() if h.line > heading.line and h.level <= heading.level]
        stops += [s.begin for s in self.sections if s.begin > heading.line]
        return range(heading.line + 1, min(stops, default=len(self.lines)))


def parse(text: str) -> Document:
    """Find the well-formed sections of `text`; never raises."""
    document = Document(split_lines(text))
    open_id: str | None = None
    open_at = 0
    for index, line in enumerate(document.lines):
        match = _BEGIN.match(line)
        if match:
            if open_id is not None:
                document.problems.append(
                    f"line {open_at + 1}: begin marker '{open_id}' has no end marker; kept as text"
                )
            open_id, open_at = match.group(1), index
            continue
        match = _END.match(line)
        if match:
            if open_id == match.group(1):
                body = "".join(document.lines[open_at + 1 : index])
                document.sections.append(Section(open_id, open_at, index, body))
                open_id = None
            else:
                document.problems.append(
                    f"line {index + 1}: end marker '{match.group(1)}' has no matching begin marker; kept as text"
                )
    if open_id is not None:
        document.problems.append(f"line {open_at + 1}: begin marker '{open_id}' has no end marker; kept as text")
    seen: dict[str, int] = {}
    for section in document.sections:
        seen[section.id] = seen.get(section.id, 0) + 1
    for section_id, count in seen.items():
        if count > 1:
            document.problems.append(
                f"section '{section_id}' appears {count} times; only the first is regenerated, the others are kept"
            )
    return document


def sections_of(text: str) -> dict[str, str]:
    """Section id -> body of the first section with that id."""
    found: dict[str, str] = {}
    for section in parse(text).sections:
        found.setdefault(section.id, section.body)
    return found


def _neutralise(body: str) -> str:
    # Generated text (a model's docstring, say) must not be able to close or open a section.
    return body.replace("django-expert:begin", "django-expert begin").replace("django-expert:end", "django-expert end")


def render_body(body: str, newline: str) -> str:
    body = _neutralise(body).replace("\r\n", "\n").strip("\n")
    if not body:
        return ""
    return body.replace("\n", newline) + newline


def render_section(section_id: str, body: str, newline: str) -> str:
    return begin_marker(section_id) + newline + render_body(body, newline) + end_marker(section_id) + newline


@dataclass
class MergeResult:
    text: str
    replaced: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The bodies that were replaced, so that the caller can rescue what must never be lost.
    old_bodies: dict[str, str] = field(default_factory=dict)


def merge(text: str, sections: Mapping[str, str], *, insert_before: str | None = None) -> MergeResult:
    """`text` with `sections` (id -> body) written into it.

    The first section with each id has its body replaced; ids not yet in the file are
    added before the first heading titled `insert_before` outside sections (when given and
    found), else at the end. Everything else is kept byte for byte.
    """
    for section_id in sections:
        if not valid_section_id(section_id):
            raise ValueError(f"invalid section id {section_id!r}")
    document = parse(text)
    newline = newline_of(text)
    result = MergeResult(text, problems=list(document.problems))
    replace_at: dict[int, Section] = {}
    for section_id in sections:
        existing = document.first(section_id)
        if existing is not None:
            replace_at[existing.begin] = existing
    out: list[str] = []
    index = 0
    lines = document.lines
    while index < len(lines):
        section = replace_at.get(index)
        if section is None:
            out.append(lines[index])
            index += 1
            continue
        new_body = render_body(sections[section.id], newline)
        if new_body != section.body:
            result.replaced.append(section.id)
            result.old_bodies[section.id] = section.body
        out.append(lines[index])
        out.append(new_body)
        out.append(lines[section.end])
        index = section.end + 1
    added = [sid for sid in sections if document.first(sid) is None]
    if added:
        block = newline.join(render_section(sid, sections[sid], newline) for sid in added)
        position = len(out)
        if insert_before is not None:
            for heading in document.headings():
                if heading.title.lower() == insert_before.lower():
                    position = _position_after_replacements(document, replace_at, heading.line)
                    break
        head = "".join(out[:position])
        tail = "".join(out[position:])
        if head and not head.endswith("\n"):
            head += newline
        if head and not head.endswith(newline * 2):
            head += newline
        if tail:
            block += newline
        out = [head, block, tail]
        result.added = added
    result.text = "".join(out)
    return result


def _position_after_replacements(document: Document, replace_at: Mapping[int, Section], line: int) -> int:
    """Where original line `line` sits in the output list, each replaced section being 3 items."""
    position = 0
    index = 0
    while index < line:
        section = replace_at.get(index)
        if section is not None:
            position += 3
            index = section.end + 1
        else:
            position += 1
            index += 1
    return position
