"""The starting template an officer downloads to edit: a kind's built-in layout with its tags, its
loops and the conditions under which it prints a part (filled by documents.templating)."""

from __future__ import annotations

import copy
import dataclasses
import difflib
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document as open_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from documents import rules
from documents.blocks import Document, Grid, Labelled, Para, Title
from documents.registry import LOOP, Kind
from documents.templating import (
    Picture,
    fill,
    is_picture,
)

# --- the starting template ------------------------------------------------------------------------
#
# The built-in layout is built with a token standing for each value (private-use characters around
# three letters: short, like a real value, so the layout lays it out as it lays out the examples),
# a list with two rows, so that what the layout repeats per row can be found and made a loop. The
# layout is then built again with each value empty (a list without rows) and with each text the
# layout compares a value with, and whatever changes is put under {% if %}: the starting template
# prints what the layout prints, for whatever values, not just for the examples.

OPEN, CLOSE = "\ue000", "\ue001"
COUNTER = "\ue002"  # a table's cell the layout numbers itself (1, 2, 3 … down the rows)
_TOKEN = re.compile("\ue000([A-Za-z]{3})\ue001")
_P_FOR = re.compile(r"^\{%p for " + LOOP + r" in ([A-Za-z_][A-Za-z0-9_]*) %\}$")
_TR_FOR = re.compile(r"^\{%tr for " + LOOP + r" in ([A-Za-z_][A-Za-z0-9_]*) %\}")
_BLOCK = re.compile(r"^\{%p (for|if|endfor|endif) ")
P, TBL, TR, TC, R, T = (qn(tag) for tag in ("w:p", "w:tbl", "w:tr", "w:tc", "w:r", "w:t"))

Value = tuple[str, str]  # a field's key, and a list's column ("" for the field itself)
Clause = frozenset[str]  # conditions of which one suffices ("members", "not people")


@dataclass(frozen=True)
class _Slot:
    """What a token stands for: a field's value, or a value of a list's row (0 or 1)."""

    key: str
    child: str = ""
    row: int = 0

    @property
    def value(self) -> Value:
        return (self.key, self.child)

    @property
    def name(self) -> str:
        """How a template names the value: "cluster", "item.name"."""
        return f"{LOOP}.{self.child}" if self.child else self.key


@dataclass(frozen=True)
class _Variant:
    """A context of the starter's: every value a token but those in `empty` (made "", a list
    without rows) and those in `equal`, each made a text the layout compares it with."""

    empty: frozenset[Value] = frozenset()
    equal: frozenset[tuple[Value, str]] = frozenset()

    def text(self, value: Value) -> str | None:
        return next((text for v, text in self.equal if v == value), None)

    def project(self, text: str, tokens: _Tokens) -> str:
        """A text of the full starter as it prints this variant's context: the values left empty
        (and the loops over the lists left empty) print nothing, the compared value its text."""
        return self.indexed(text, tokens)[0]

    def indexed(self, text: str, tokens: _Tokens) -> tuple[str, list[int]]:
        """The text projected, and where each of its characters was in the text (-1: in a
        compared value's text)."""
        cuts: list[tuple[int, int, str]] = []
        for key, child in self.empty:
            if not child:
                loop = r"\{% for " + LOOP + " in " + re.escape(key) + r" %\}.*?\{% endfor %\}"
                cuts += [(m.start(), m.end(), "") for m in re.finditer(loop, text, flags=re.S)]
        for match in _TOKEN.finditer(text):
            slot = tokens.slot(match.group(0))
            if slot is None or any(a <= match.start() < b for a, b, _ in cuts):
                continue
            if slot.value in self.empty:
                cuts.append((*match.span(), ""))
            elif (value := self.text(slot.value)) is not None:
                cuts.append((*match.span(), value.upper() if match.group(1).isupper() else value))
        out: list[str] = []
        where: list[int] = []
        at = 0
        for a, b, value in sorted(cuts):
            out += [text[at:a], value]
            where += [*range(at, a), *[-1] * len(value)]
            at = b
        out.append(text[at:])
        where += range(at, len(text))
        return "".join(out), where

    def loop_emptied(self, key: str) -> bool:
        return (key, "") in self.empty


class _Recorded(str):
    """A token that notes the texts the layout compares it with (a unit's achievement report is
    laid out unlike a person's: `subject_kind == "tap_the"`)."""

    seen: set[str]

    def __new__(cls, text: str, seen: set[str]) -> _Recorded:
        token = super().__new__(cls, text)
        token.seen = seen
        return token

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str) and not isinstance(other, _Recorded) and other:
            self.seen.add(str(other))
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


class _Tokens:
    """The tokens of a kind's starter: which value each stands for, the placeholder pictures of
    the picture fields, and the texts the layout compared values with."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.slots: dict[str, _Slot] = {}
        self.texts: dict[_Slot, str] = {}
        self.pictures: dict[bytes, str] = {}
        self.placeholders: dict[str, Picture] = {}
        self.compared: dict[Value, set[str]] = {}

    def token(self, slot: _Slot) -> str:
        text = self.texts.get(slot)
        if text is None:
            n = len(self.slots)
            letters = "".join(chr(ord("a") + n // 26**i % 26) for i in (2, 1, 0))
            text = f"{OPEN}{letters}{CLOSE}"
            self.slots[letters] = slot
            self.texts[slot] = text
        return text

    def slot(self, token: str) -> _Slot | None:
        return self.slots.get(token[1:-1].lower())

    def tag(self, token: str) -> str:
        """The tag a token becomes; a token the layout put in capitals prints its value in
        capitals ("{{ issuer|upper }}": Decree 30 writes the issuing body in capitals)."""
        slot = self.slot(token)
        if slot is None:
            return token
        upper = token[1:-1].isupper()
        return f"{{{{ {slot.name}|upper }}}}" if upper else f"{{{{ {slot.name} }}}}"

    def _value(self, slot: _Slot, example: Any, variant: _Variant) -> Any:
        if slot.value in variant.empty:
            return ""
        text = variant.text(slot.value)
        if text is not None:
            return text
        token = self.token(slot)
        if is_picture(example):
            if token not in self.placeholders:
                self.placeholders[token] = _placeholder(token)
                self.pictures[bytes(self.placeholders[token])] = token
            return self.placeholders[token]
        return _Recorded(token, self.compared.setdefault(slot.value, set()))

    def context(self, variant: _Variant) -> dict[str, Any]:
        context: dict[str, Any] = {}
        for f in self.kind.fields:
            if not f.is_list:
                context[f.key] = self._value(_Slot(f.key), f.example, variant)
            elif variant.loop_emptied(f.key):
                context[f.key] = []
            else:
                context[f.key] = [
                    {
                        c.key: self._value(_Slot(f.key, c.key, row), c.example, variant)
                        for c in f.children
                    }
                    for row in (0, 1)
                ]
        return context

    def of_value(self, value: Value) -> list[str]:
        """The tokens of a value (a list's column: of both rows), as written and in capitals."""
        found = [t for slot, t in self.texts.items() if slot.value == value]
        return found + [t.upper() for t in found]


def _placeholder(token: str) -> Picture:
    """A picture standing for a picture field in the built-in layout, unlike every other one (a
    QR code of its token), so that the starting template can put the tag where it was drawn."""
    import segno

    out = io.BytesIO()
    segno.make(token, error="l").save(out, kind="png", scale=1, border=0)
    return Picture(out.getvalue())


def _pictures_as_tokens(doc: Any, pictures: Mapping[bytes, str]) -> None:
    """Each placeholder picture the layout drew replaced by its token, as text in its place."""
    part = doc.part
    dropped: set[str] = set()
    for drawing in list(doc.element.body.iter(qn("w:drawing"))):
        blip = next(drawing.iter(qn("a:blip")), None)
        rid = blip.get(qn("r:embed")) if blip is not None else None
        image = part.related_parts.get(rid) if rid else None
        token = pictures.get(image.blob) if image is not None else None
        if rid is None or token is None:
            continue
        drawing.addprevious(_t(token))
        drawing.getparent().remove(drawing)
        dropped.add(rid)
    still = {b.get(qn("r:embed")) for b in doc.element.body.iter(qn("a:blip"))}
    for rid in dropped - still:
        del part.rels[rid]


def _t(text: str) -> Any:
    element = OxmlElement("w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    return element


def _generic(kind: Kind, tokens: _Tokens) -> Document:
    """A plain starting document: each field as a labelled line, each list as a table."""
    blocks: list[Any] = [
        Title("Mẫu văn bản", str(kind.name)),
        Para(
            "Sửa mẫu này trong Word hoặc LibreOffice; giữ nguyên các thẻ trong ngoặc nhọn kép.",
            italic=True,
        ),
    ]
    for f in kind.fields:
        if not f.is_list:
            blocks.append(Labelled(f.label, tokens.token(_Slot(f.key))))
            continue
        width = rules.PORTRAIT_TEXT_CM / len(f.children)
        blocks.append(Para(f.label, bold=True, indent=False, align="left"))
        blocks.append(
            Grid(
                heads=[c.label for c in f.children],
                rows=[[tokens.token(_Slot(f.key, c.key)) for c in f.children]],
                widths_cm=[width] * len(f.children),
            )
        )
    return Document(kind=kind.key, filename=f"mau-{kind.key}", blocks=blocks)


def _text_set(paragraph: Paragraph, text: str) -> None:
    """One run holding `text`, keeping the first run's formatting."""
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(text)
        return
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def _tag_paragraph(model: Any, tag: str) -> Any:
    """A paragraph holding only `tag`, made from a copy of `model` (a w:p element)."""
    clone = copy.deepcopy(model)
    paragraph = Paragraph(clone, None)  # type: ignore[arg-type]
    _text_set(paragraph, tag)
    return clone


def _bare_paragraph(tag: str) -> Any:
    """A plain paragraph holding only `tag` (a {%p …%} line, gone once the template is filled)."""
    paragraph = OxmlElement("w:p")
    run = OxmlElement("w:r")
    run.append(_t(tag))
    paragraph.append(run)
    return paragraph


def _wrap_rows(first: _Row, last: _Row, key: str) -> None:
    """{%tr for item in key %} in a copy of the first row before it, {%tr endfor %} in a copy of
    the last one after it."""
    for tag, row, where in (
        (f"{{%tr for {LOOP} in {key} %}}", first, "addprevious"),
        ("{%tr endfor %}", last, "addnext"),
    ):
        clone = copy.deepcopy(row._tr)
        getattr(row._tr, where)(clone)
        extra = _Row(clone, row.table)
        for i, cell in enumerate(extra.cells):
            for j, p in enumerate(cell.paragraphs):
                if j > 0:
                    p._p.getparent().remove(p._p)
                    continue
                _text_set(p, tag if i == 0 else "")


def _text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(T))


def _elements(container: Any) -> list[Any]:
    """The paragraphs and tables of a body or a table's cell, in order."""
    return [c for c in container.iterchildren() if c.tag in (P, TBL)]


class _Rows:
    """Which rows of a list a text holds tokens of."""

    def __init__(self, tokens: _Tokens, key: str) -> None:
        self.tokens, self.key = tokens, key

    def of(self, text: str) -> set[int]:
        slots = (self.tokens.slot(m.group(0)) for m in _TOKEN.finditer(text))
        return {s.row for s in slots if s is not None and s.key == self.key and s.child}

    def as_first(self, text: str) -> str:
        """The text with the second row's tokens made the first row's."""

        def first(match: re.Match[str]) -> str:
            slot = self.tokens.slot(match.group(0))
            if slot is None or slot.key != self.key or slot.row != 1:
                return match.group(0)
            token = self.tokens.token(_Slot(slot.key, slot.child, 0))
            return token.upper() if match.group(1).isupper() else token

        return _TOKEN.sub(first, text)

    def spans(self, text: str, row: int) -> tuple[int, int] | None:
        found = [m.span() for m in _TOKEN.finditer(text) if self.of(m.group(0)) == {row}]
        return (found[0][0], found[-1][1]) if found else None


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _inline_loop(paragraph: Paragraph, rows: _Rows) -> bool:
    """A paragraph that prints both rows of a list in a line ("A: x (d); B: y (e).") made a loop
    inside the line: "{% for item in key %}…{% if not loop.last %}; {% endif %}{% endfor %}"."""
    text = paragraph.text
    first, second = rows.spans(text, 0), rows.spans(text, 1)
    if first is None or second is None or first[1] > second[0]:
        return False
    core = text[first[0] : first[1]]
    if rows.as_first(text[second[0] : second[1]]) != core:
        return False
    head, middle, tail = text[: first[0]], text[first[1] : second[0]], text[second[1] :]
    after = _common_prefix(middle, tail)  # what each row ends with: ")"
    before = _common_prefix(head[::-1], middle[len(after) :][::-1])[::-1]  # what each starts with
    if not before.strip():
        before = ""
    separator = middle[len(after) : len(middle) - len(before)]
    _text_set(
        paragraph,
        f"{head[: len(head) - len(before)]}{{% for {LOOP} in {rows.key} %}}{before}{core}{after}"
        f"{{% if not loop.last %}}{separator}{{% endif %}}{{% endfor %}}{tail[len(after) :]}",
    )
    return True


def _unit(children: list[Any], rows: _Rows) -> tuple[int, int, int, bool] | None:
    """The body elements [start, end) the layout wrote for a list's first row, how many of them
    at the end only separate a row from the next (a page break, which the last row lacks), and
    whether the second row's copy of them follows (a certificate's whole page, its title
    included); else just the span of the first row's paragraphs."""
    inline = f"{{% for {LOOP} in {rows.key} %}}"  # a line's own loop (`_inline_loop`)
    texts = [_text_of(c) if c.tag == P and inline not in _text_of(c) else "" for c in children]
    at_first = [i for i, text in enumerate(texts) if 0 in rows.of(text)]
    at_second = [i for i, text in enumerate(texts) if 1 in rows.of(text)]
    if not at_first:
        return None
    lo, hi = at_first[0], at_first[-1] + 1
    if not at_second or at_second[0] < hi:
        return lo, hi, 0, False
    shift = at_second[0] - lo

    def same(i: int) -> bool:
        j = i + shift
        return j < len(children) and rows.as_first(_text_of(children[j])) == _text_of(children[i])

    start = lo
    while start > 0 and start - 1 + shift >= hi and same(start - 1):
        start -= 1
    matched = [same(i) for i in range(start, start + shift)]
    apart = len(matched) - len(list(itertools.takewhile(bool, matched)))
    if apart > start + shift - hi or any(
        rows.of(_text_of(children[i])) for i in range(start + shift - apart, start + shift)
    ):
        return lo, hi, 0, False
    return start, start + shift, apart, True


def _loop(doc: Any, tokens: _Tokens, key: str) -> None:
    """Make what the layout repeats for each row of a list a loop over the list: table rows with
    {%tr …%}, a run of paragraphs (and tables) with {%p …%}, a row's part of a line with
    {% for %}; drop the second row's copy."""
    rows = _Rows(tokens, key)
    body = doc.element.body
    if not rows.of(_text_of(body)):
        return
    for p in body.iter(P):
        if rows.of(_text_of(p)) == {0, 1}:
            _inline_loop(Paragraph(p, None), rows)  # type: ignore[arg-type]
    for tbl in list(body.iterchildren(TBL)):
        table = Table(tbl, None)  # type: ignore[arg-type]
        table_rows = [_Row(tr, table) for tr in tbl.iterchildren(TR)]
        for row in table_rows:
            if 1 in rows.of(_text_of(row._tr)):
                tbl.remove(row._tr)
        if next(tbl.iterchildren(TR), None) is None:  # only the second row (signatures): it goes
            body.remove(tbl)
        marked = [row for row in table_rows if 0 in rows.of(_text_of(row._tr))]
        if marked:
            _wrap_rows(marked[0], marked[-1], key)
    children = _elements(body)
    found = _unit(children, rows)
    if found:
        start, end, apart, repeated = found
        model = children[start] if children[start].tag == P else _bare_paragraph("")
        last = children[end - 1]
        children[start].addprevious(_tag_paragraph(model, f"{{%p for {LOOP} in {key} %}}"))
        if apart:  # what separates the rows (a page break) is not printed after the last one
            children[end - apart].addprevious(_bare_paragraph("{%p if not loop.last %}"))
            last.addnext(_bare_paragraph("{%p endif %}"))
            last = last.getnext()
        last.addnext(_tag_paragraph(model, "{%p endfor %}"))
        if repeated:  # the second row's copy goes: the loop makes it again
            for element in children[end : end + (end - start) - apart]:
                body.remove(element)
    for element in [c for c in _elements(body) if 1 in rows.of(_text_of(c))]:
        body.remove(element)  # a second row the layout put apart from the first


def _counters(doc: Any, tokens: _Tokens) -> None:
    """A table's column the layout numbers itself down the lists' rows (1, 2, 3 …, not a value of
    the rows) marked COUNTER, to print each row's number from the loops (`_number_rows`)."""
    for tbl in doc.element.body.iterchildren(TBL):
        data = [
            list(tr.iterchildren(TC))
            for tr in tbl.iterchildren(TR)
            if any(
                (slot := tokens.slot(m.group(0))) is not None and slot.child
                for m in _TOKEN.finditer(_text_of(tr))
            )
        ]
        if len(data) < 2 or len({len(cells) for cells in data}) > 1:
            continue
        for column in range(len(data[0])):
            cells = [cells[column] for cells in data]
            if [_text_of(tc) for tc in cells] == [str(n) for n in range(1, len(data) + 1)]:
                for tc in cells:
                    texts = list(tc.iter(T))
                    texts[0].text = COUNTER
                    for t in texts[1:]:
                        t.text = ""


def _number_rows(doc: Any) -> None:
    """Each row's number where the layout numbers the rows: its place in its loop, after the
    rows of the lists before it in the same table."""
    for tbl in doc.element.body.iter(TBL):
        before: list[str] = []
        current = ""
        for tr in tbl.iterchildren(TR):
            text = _text_of(tr)
            started = _TR_FOR.match(text)
            if started:
                current = started.group(1)
            elif text.startswith("{%tr endfor %}"):
                before.append(current)
                current = ""
            for t in tr.iter(T):
                if t.text and COUNTER in t.text:
                    number = " + ".join([*(f"{key}|length" for key in before), "loop.index"])
                    t.text = t.text.replace(COUNTER, f"{{{{ {number} }}}}" if current else "")


def _built(kind: Kind, tokens: _Tokens, variant: _Variant) -> Document | None:
    """The built-in layout of a variant's context; None when it cannot be built from it."""
    try:
        return kind.build(tokens.context(variant))
    except Exception:  # a layout may compute with its values; tokens are not numbers
        return None


def _drafted(kind: Kind, tokens: _Tokens, variant: _Variant) -> tuple[Any, Document] | None:
    """The built-in layout of a variant's context as DOCX (python-docx), its pictures made
    tokens, its lists made loops; None when the layout cannot be built from it."""
    document = _built(kind, tokens, variant)
    return None if document is None else (_looped(document, tokens), document)


def _looped(document: Document, tokens: _Tokens) -> Any:
    from documents import render

    doc = open_docx(io.BytesIO(render.docx(document)))
    _pictures_as_tokens(doc, tokens.pictures)
    _counters(doc, tokens)
    for f in tokens.kind.fields:
        if f.is_list:
            _loop(doc, tokens, f.key)
    return doc


# --- comparing the layout's variants --------------------------------------------------------------


def _run_text(run: Any) -> str:
    parts = []
    for child in run.iterchildren():
        if child.tag == T:
            parts.append(child.text or "")
        elif child.tag == qn("w:br"):
            parts.append("\f" if child.get(qn("w:type")) == "page" else "\n")
        elif child.tag == qn("w:tab"):
            parts.append("\t")
        elif child.tag == qn("w:drawing"):
            parts.append("\ufffc")
    return "".join(parts)


def _runs(paragraph: Any, variant: _Variant | None, tokens: _Tokens) -> tuple[Any, ...]:
    """A paragraph's runs as (bold, italic, size, text), those with no text left out and runs
    alike joined: how it prints."""
    out: list[tuple[Any, Any, Any, str]] = []
    for r in paragraph.iter(R):
        text = _run_text(r)
        if variant is not None:
            text = variant.project(text, tokens)
        if not text:
            continue
        run = Run(r, None)  # type: ignore[arg-type]
        look = (run.bold, run.italic, run.font.size)
        if out and out[-1][:3] == look:
            out[-1] = (*look, out[-1][3] + text)
        else:
            out.append((*look, text))
    return tuple(out)


class _View:
    """A starter's elements as they print a variant's context, each with a key to compare them
    by: the full starter projected onto a variant (`variant` given), or a variant's starter as it
    is (`variant` None)."""

    def __init__(self, tokens: _Tokens, variant: _Variant | None) -> None:
        self.tokens, self.variant = tokens, variant

    def emptied(self, key: str) -> bool:
        return self.variant is not None and self.variant.loop_emptied(key)

    def items(self, container: Any) -> list[tuple[Any, Any]]:
        """The container's paragraphs and tables with their keys, but those inside the loop of
        a list the variant leaves empty."""
        out: list[tuple[Any, Any]] = []
        loops: list[str] = []
        skipping = 0
        for element in _elements(container):
            text = _text_of(element) if element.tag == P else ""
            started = _P_FOR.match(text)
            if skipping:
                skipping += 1 if started else -1 if text == "{%p endfor %}" else 0
                continue
            if started and self.emptied(started.group(1)):
                skipping = 1
                continue
            if started:
                loops.append(started.group(1))
                out.append((element, ("for", started.group(1))))
            elif text == "{%p endfor %}" and loops:
                out.append((element, ("endfor", loops.pop())))
            else:
                out.append((element, self.key(element)))
        return out

    def rows(self, table: Any) -> list[Any]:
        """A table's rows, but those of the loop of a list the variant leaves empty."""
        out, skipping = [], False
        for tr in table.iterchildren(TR):
            text = _text_of(tr)
            started = _TR_FOR.match(text)
            if started and self.emptied(started.group(1)):
                skipping = True
            if not skipping:
                out.append(tr)
            if skipping and text.startswith("{%tr endfor %}"):
                skipping = False
        return out

    def key(self, element: Any) -> Any:
        if element.tag == TBL:
            return (
                "tbl",
                tuple(
                    tuple(tuple(k for _, k in self.items(tc)) for tc in tr.iterchildren(TC))
                    for tr in self.rows(element)
                ),
            )
        return ("p", _setting(element), "\n".join(self.lines(element)))

    def looks(self, paragraph: Any) -> tuple[Any, ...]:
        """How a paragraph's text is set: its alignment, its runs' bold, italic and size."""
        return (
            _align(paragraph),
            *(run[:3] for run in _runs(paragraph, self.variant, self.tokens)),
        )

    def indexed(self, paragraph: Any) -> tuple[str, list[int]]:
        """A paragraph's text as it prints, and where each character was in its text."""
        text = "".join(_run_text(r) for r in paragraph.iter(R))
        if self.variant is None:
            return text, list(range(len(text)))
        return self.variant.indexed(text, self.tokens)

    def lines(self, paragraph: Any) -> list[str]:
        """A paragraph's lines, spaces at their ends left out and spaces in a row made one, to
        match paragraphs alike but for such spaces ("Bà Lan", and " Lan" for a unit)."""
        text = self.indexed(paragraph)[0]
        return [re.sub(" {2,}", " ", line).strip(" ") for line in text.split("\n")]


def _align(paragraph: Any) -> str | None:
    ppr = paragraph.find(qn("w:pPr"))
    jc = ppr.find(qn("w:jc")) if ppr is not None else None
    return jc.get(qn("w:val")) if jc is not None else None


def _setting(paragraph: Any) -> bytes:
    """A paragraph's properties (alignment, indents, borders: a header's rule is not a line)."""
    ppr = paragraph.find(qn("w:pPr"))
    return b"" if ppr is None else etree.tostring(ppr)


def _shape(key: Any) -> Any:
    """What two elements must share to be compared within: a paragraph, a table of as many rows
    and cells."""
    if key[0] == "tbl":
        return ("tbl", tuple(len(row) for row in key[1]))
    return key if key[0] in ("for", "endfor") else "p"


class _Conditions:
    """What the variants found: the conditions each element of the full starter prints under
    (all of its clauses must hold), the conditions of a paragraph's lines, and the elements of
    variants the full starter lacks, to be added with their condition."""

    def __init__(self) -> None:
        self.on: dict[Any, set[Clause]] = {}
        self.lines: dict[Any, dict[int, set[Clause]]] = {}
        self.added: list[tuple[Any, Any, str, list[Any], Clause]] = []
        self.spaces: dict[Any, dict[int, set[Clause]]] = {}

    def compare(
        self, full: _View, variant: _View, ours: Any, theirs: Any, gone: Clause, new: Clause
    ) -> None:
        """Compare a container of the full starter (projected onto the variant) with the
        variant's: what only the full one prints prints under `gone`, what only the variant
        prints is added under `new`."""
        mine, other = full.items(ours), variant.items(theirs)
        keys = [k for _, k in mine], [k for _, k in other]
        matcher = difflib.SequenceMatcher(None, *keys, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for (element, _k), (twin, _k2) in zip(mine[i1:i2], other[j1:j2], strict=True):
                    if element.tag == P:
                        self._spaces(full, variant, element, twin, gone)
                continue
            dropped, added = [], []
            inner = difflib.SequenceMatcher(
                None,
                [_shape(k) for k in keys[0][i1:i2]],
                [_shape(k) for k in keys[1][j1:j2]],
                autojunk=False,
            )
            for op2, a1, a2, b1, b2 in inner.get_opcodes():
                if op2 != "equal":
                    dropped += [e for e, _ in mine[i1 + a1 : i1 + a2]]
                    added += [e for e, _ in other[j1 + b1 : j1 + b2]]
                    continue
                pairs = zip(mine[i1 + a1 : i1 + a2], other[j1 + b1 : j1 + b2], strict=True)
                for (e, k), (e2, k2) in pairs:
                    if k != k2 and not self._within(full, variant, e, e2, gone, new):
                        dropped.append(e)
                        added.append(e2)
            for element in dropped:
                self.on.setdefault(element, set()).add(gone)
            if added and not any(next(e.iter(qn("w:drawing")), None) is not None for e in added):
                copies = [copy.deepcopy(e) for e in added]
                if dropped:
                    self.added.append((ours, dropped[-1], "after", copies, new))
                elif i2 < len(mine):
                    self.added.append((ours, mine[i2][0], "before", copies, new))
                elif i1 > 0:
                    self.added.append((ours, mine[i1 - 1][0], "after", copies, new))
                else:
                    self.added.append((ours, None, "end", copies, new))

    def _spaces(self, full: _View, variant: _View, mine: Any, other: Any, gone: Clause) -> None:
        """Spaces of a paragraph the variant does not print, at a line's ends or doubled, where
        the layout strips them ("Bà Lan" is " Lan" without "Bà" but for the space): printed
        under `gone`."""
        text, where = full.indexed(mine)
        theirs = variant.indexed(other)[0]
        if text == theirs:
            return
        extra: list[int] = []
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            lead, trail = len(line) - len(line.lstrip(" ")), len(line) - len(line.rstrip(" "))
            extra += range(start, start + lead) if lead < len(line) else range(start, end)
            if lead < len(line):
                extra += range(end - trail, end)
                extra += [
                    start + m.start() + i
                    for m in re.finditer(" {2,}", line.strip(" "))
                    for i in range(lead + 1, lead + len(m.group(0)))
                ]
            start = end + 1
        kept = "".join(c for i, c in enumerate(text) if i not in set(extra))
        if kept != theirs or any(where[i] < 0 for i in extra):
            return
        spaces = self.spaces.setdefault(mine, {})
        for i in extra:
            spaces.setdefault(where[i], set()).add(gone)

    def _within(
        self, full: _View, variant: _View, mine: Any, other: Any, gone: Clause, new: Clause
    ) -> bool:
        """Compare two elements alike in shape within: a table cell by cell, a paragraph line by
        line (a line only the full one prints, "KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH", prints under
        `gone`). False when they differ otherwise."""
        if mine.tag == TBL:
            for tr, tr2 in zip(full.rows(mine), variant.rows(other), strict=True):
                for tc, tc2 in zip(tr.iterchildren(TC), tr2.iterchildren(TC), strict=True):
                    self.compare(full, variant, tc, tc2, gone, new)
            return True
        if full.looks(mine) != variant.looks(other):
            return False
        ours, theirs = full.lines(mine), variant.lines(other)
        ops = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes()
        if any(op not in ("equal", "delete") for op, *_ in ops):
            return False
        lines = self.lines.setdefault(mine, {})
        for op, i1, i2, _j1, _j2 in ops:
            for i in range(i1, i2) if op == "delete" else ():
                lines.setdefault(i, set()).add(gone)
        return True


def _name(value: Value) -> str:
    key, child = value
    return f"{LOOP}.{child}" if child else key


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _condition(clauses: set[Clause] | frozenset[Clause]) -> str:
    """Clauses as a Jinja condition: each must hold, one of a clause's conditions suffices."""
    parts = [" or ".join(sorted(clause)) for clause in sorted(clauses, key=sorted)]
    return parts[0] if len(parts) == 1 else " and ".join(_grouped(p) for p in parts)


# Texts the renderer leaves out when they are empty (documents.render, core.decree30): a header's
# line, a signature's note. Any other text it prints, empty or not.
_LEFT_OUT_EMPTY = {("Header", "body"), ("Sign", "note")}


def _shapes(value: Any, drop: Sequence[str], left_out: bool = False) -> Any:
    """Blocks as plain values, with the tokens `drop` left out of their texts, to tell a layout
    that only prints a value from one that lays out otherwise without it. A text the renderer
    leaves out when empty and that was only such tokens becomes None."""
    if isinstance(value, str):
        text = str(value)
        for token in drop:
            text = text.replace(token, "")
        return None if left_out and value and not text else text
    if isinstance(value, bytes):
        return bytes(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        return (
            name,
            *(
                _shapes(getattr(value, f.name), drop, (name, f.name) in _LEFT_OUT_EMPTY)
                for f in dataclasses.fields(value)
            ),
        )
    if isinstance(value, list | tuple):
        return tuple(_shapes(v, drop, left_out) for v in value)
    return value


def _variants(kind: Kind) -> list[tuple[_Variant, Clause, Clause]]:
    """Each value made empty (a list without rows, a list's column empty in its rows): the
    variant, and the condition under which what only the full starter prints prints, and what
    only the variant prints."""
    out: list[tuple[_Variant, Clause, Clause]] = []
    values: list[Value] = []
    for f in kind.fields:
        values.append((f.key, ""))
        values += [(f.key, c.key) for c in f.children]
    for value in values:
        name = _name(value)
        out.append(
            (_Variant(empty=frozenset({value})), frozenset({name}), frozenset({f"not {name}"}))
        )
    return out


def _conditions(kind: Kind, tokens: _Tokens, doc: Any, document: Document) -> _Conditions:
    """What prints under which condition in the full starter `doc` (built from `document`)."""
    found = _Conditions()
    body = doc.element.body
    lists = [f.key for f in kind.fields if f.is_list]
    pictures = {(f.key, "") for f in kind.fields if is_picture(f.example)} | {
        (f.key, c.key) for f in kind.fields for c in f.children if is_picture(c.example)
    }
    loops = _loops(doc)
    for variant, gone, new in _variants(kind):
        blocks = _built(kind, tokens, variant)
        if blocks is None:
            continue
        quiet = not any(v in pictures or (v[0] in lists and not v[1]) for v in variant.empty)
        drop = [t for v in variant.empty for t in tokens.of_value(v)]
        if quiet and _shapes(blocks.blocks, ()) == _shapes(document.blocks, drop):
            continue  # the layout only prints the value: nothing to put under a condition
        other = _looped(blocks, tokens)
        emptied = {key for key, child in variant.empty if not child}
        if loops - _loops(other) - emptied:
            continue  # a list's rows left without any value: no loop to compare with
        found.compare(
            _View(tokens, variant), _View(tokens, None), body, other.element.body, gone, new
        )
    if len(lists) > 1:
        _either(kind, tokens, found, body, lists)
    _alternatives(kind, tokens, found, body)
    return found


def _loops(doc: Any) -> set[str]:
    """The lists a starter loops over."""
    text = "\n".join(_text_of(p) for p in doc.element.body.iter(P))
    return set(re.findall(r"\{%(?:p|tr)? ?for " + LOOP + r" in ([A-Za-z_][A-Za-z0-9_]*) %\}", text))


def _differences(kind: Kind, tokens: _Tokens, variant: _Variant, body: Any) -> _Conditions | None:
    """What changes in the layout between the full values (`body`) and `variant`; None when the
    layout cannot be laid out with the variant."""
    drafted = _drafted(kind, tokens, variant)
    if drafted is None:
        return None
    found = _Conditions()
    found.compare(
        _View(tokens, variant),
        _View(tokens, None),
        body,
        drafted[0].element.body,
        frozenset(),
        frozenset(),
    )
    return found


def _either(kind: Kind, tokens: _Tokens, found: _Conditions, body: Any, lists: list[str]) -> None:
    """What the layout prints when any of some lists has rows ("if a or b"): gone with every list
    empty though no list alone made it go; printed under the lists with which it prints alone."""
    none = _Variant(empty=frozenset((key, "") for key in lists))
    scratch = _differences(kind, tokens, none, body)
    if scratch is None:
        return
    names = set(lists)
    unexplained = [
        e for e in scratch.on if not any(clause <= names for clause in found.on.get(e, ()))
    ]
    if not unexplained:
        return
    alone: dict[str, set[Any]] = {}
    for key in lists:
        variant = _Variant(empty=frozenset((k, "") for k in lists if k != key))
        check = _differences(kind, tokens, variant, body)
        if check is None:
            continue
        alone[key] = set(check.on)
    for element in unexplained:
        clause = frozenset(key for key, gone in alone.items() if element not in gone)
        if clause:
            found.on.setdefault(element, set()).add(clause)


MAX_COMPARED = 4  # texts compared with, whose every combination is laid out (2⁴ layouts)


def _compared(tokens: _Tokens) -> list[tuple[Value, str]]:
    """The values the layout compared with a text, and the texts (one a {%p if %} can hold)."""
    pairs = [
        (value, text)
        for value, texts in sorted(tokens.compared.items())
        for text in sorted(texts)
        if not re.search(r"[{}%\n]", text)
    ]
    return pairs[:MAX_COMPARED]


def _alternatives(kind: Kind, tokens: _Tokens, found: _Conditions, body: Any) -> None:
    """What the layout prints when values are the texts it compares them with, each combination
    laid out ("đã phát động 0 phong trào" is never written: one sentence for no movement
    launched, another for none joined, a third for neither): each element printed under the
    combinations it prints in."""
    pairs = _compared(tokens)
    if not pairs:
        return
    names = [
        (f"{_name(value)} == {_quoted(text)}", f"{_name(value)} != {_quoted(text)}")
        for value, text in pairs
    ]
    every = list(itertools.product((False, True), repeat=len(pairs)))
    possible = {
        bits
        for bits in every
        if len({pairs[i][0] for i, bit in enumerate(bits) if bit}) == sum(bits)
    }  # a value equals one text at most
    gone: dict[Any, set[tuple[bool, ...]]] = {}
    lines_gone: dict[tuple[Any, int], set[tuple[bool, ...]]] = {}
    added: dict[Any, tuple[Any, Any, str, list[Any], set[tuple[bool, ...]]]] = {}
    for bits in sorted(possible):
        if not any(bits):
            continue
        variant = _Variant(
            equal=frozenset(pair for pair, bit in zip(pairs, bits, strict=True) if bit)
        )
        scratch = _differences(kind, tokens, variant, body)
        if scratch is None:
            possible.discard(bits)  # cannot happen: the layout does not lay it out
            continue
        for element in scratch.on:
            gone.setdefault(element, set()).add(bits)
        for paragraph, lines in scratch.lines.items():
            for i in lines:
                lines_gone.setdefault((paragraph, i), set()).add(bits)
        for container, anchor, where, copies, _new in scratch.added:
            same = (id(container), id(anchor), where, tuple(_text_of(c) for c in copies))
            if same not in added:
                added[same] = (container, anchor, where, copies, set())
            added[same][4].add(bits)
    for element, without in gone.items():
        condition = _truth(possible - without, possible, names)
        if condition:
            found.on.setdefault(element, set()).add(frozenset({condition}))
    for (paragraph, i), without in lines_gone.items():
        condition = _truth(possible - without, possible, names)
        if condition:
            found.lines.setdefault(paragraph, {}).setdefault(i, set()).add(frozenset({condition}))
    for container, anchor, where, copies, within in added.values():
        condition = _truth(within, possible, names)
        if condition:
            found.added.append((container, anchor, where, copies, frozenset({condition})))


def _truth(
    true: set[tuple[bool, ...]], possible: set[tuple[bool, ...]], names: list[tuple[str, str]]
) -> str:
    """A condition holding for the combinations `true` of the possible ones (prime implicants,
    the impossible combinations free to take): "" when it always holds."""
    if not true:
        return "false"
    if true == possible:
        return ""
    size = len(names)
    free = set(itertools.product((False, True), repeat=size)) - possible
    terms: set[tuple[bool | None, ...]] = set(true | free)
    primes: set[tuple[bool | None, ...]] = set()
    while terms:
        merged: set[tuple[bool | None, ...]] = set()
        used: set[tuple[bool | None, ...]] = set()
        for a, b in itertools.combinations(sorted(terms, key=str), 2):
            apart = [i for i in range(size) if a[i] != b[i]]
            if len(apart) == 1 and a[apart[0]] is not None and b[apart[0]] is not None:
                merged.add(tuple(None if i == apart[0] else a[i] for i in range(size)))
                used |= {a, b}
        primes |= terms - used
        terms = merged

    def covers(term: tuple[bool | None, ...], bits: tuple[bool, ...]) -> bool:
        return all(t is None or t == b for t, b in zip(term, bits, strict=True))

    chosen: list[tuple[bool | None, ...]] = []
    left = set(true)
    while left:
        best = max(sorted(primes, key=str), key=lambda t: sum(covers(t, b) for b in left))
        chosen.append(best)
        left = {b for b in left if not covers(best, b)}
    parts = [
        " and ".join(
            names[i][0] if bit else names[i][1] for i, bit in enumerate(term) if bit is not None
        )
        for term in chosen
    ]
    return " or ".join(_grouped(p) for p in parts) if len(parts) > 1 else parts[0]


# --- writing the conditions -----------------------------------------------------------------------


def _balanced(run: list[Any]) -> bool:
    depth = 0
    for element in run:
        found = _BLOCK.match(_text_of(element)) if element.tag == P else None
        if found:
            depth += 1 if found.group(1) in ("for", "if") else -1
            if depth < 0:
                return False
    return depth == 0


def _nest(run: list[Any], on: dict[Any, set[Clause]]) -> None:
    """Wrap each stretch of elements printed under a condition in {%p if …%} … {%p endif %}, the
    longest stretch first, the shorter ones within."""
    i = 0
    while i < len(run):
        clauses = on.get(run[i], set())
        if not clauses:
            i += 1
            continue

        def reach(clause: Clause, start: int = i) -> int:
            end = start
            while end < len(run) and clause in on.get(run[end], set()):
                end += 1
            return end

        clause = max(sorted(clauses, key=sorted), key=reach)
        end = reach(clause)
        stretch = run[i:end]
        for element in stretch:
            on[element] = on[element] - {clause}
        if _balanced(stretch):
            stretch[0].addprevious(_bare_paragraph(f"{{%p if {_condition({clause})} %}}"))
            stretch[-1].addnext(_bare_paragraph("{%p endif %}"))
        _nest(stretch, on)
        i = end


def _line_conditions(paragraph: Any, lines: dict[int, set[Clause]]) -> None:
    """A paragraph's lines printed under their conditions, and the break between two lines only
    when both print: "{% if signer_on_behalf %}{{ signer_on_behalf|upper }}<br/>{% endif %}…"."""
    nodes: list[list[Any]] = [[]]
    breaks: list[Any] = []
    for r in paragraph.iter(R):
        for child in r.iterchildren():
            if child.tag == qn("w:br") and child.get(qn("w:type")) != "page":
                breaks.append(child)
                nodes.append([])
            elif child.tag in (T, qn("w:tab"), qn("w:drawing")):
                nodes[-1].append(child)
    shown = [_condition(lines.get(i, set())) for i in range(len(nodes))]
    stretches: list[tuple[str, Any, Any]] = []  # a condition, the first and last element under it
    for i, line in enumerate(nodes):
        if i:
            earlier = "" if not all(shown[:i]) else " or ".join(_grouped(c) for c in shown[:i])
            both = " and ".join(_grouped(c) for c in (earlier, shown[i]) if c)
            stretches.append((both, breaks[i - 1], breaks[i - 1]))
        if line:
            stretches.append((shown[i], line[0], line[-1]))
    merged: list[tuple[str, Any, Any]] = []
    for condition, first, last in stretches:
        if merged and condition and merged[-1][0] == condition:
            merged[-1] = (condition, merged[-1][1], last)
        else:
            merged.append((condition, first, last))
    for condition, first, last in merged:
        if condition:
            first.addprevious(_t(f"{{% if {condition} %}}"))
            last.addnext(_t("{% endif %}"))


def _space_conditions(paragraph: Any, spaces: dict[int, set[Clause]]) -> None:
    """A paragraph's spaces printed under their conditions: "{{ item.salutation }}{% if
    item.name and item.salutation %} {% endif %}{{ item.name }}"."""
    at: list[tuple[Any, int]] = []  # each character of the paragraph's text: its node, where
    for r in paragraph.iter(R):
        for child in r.iterchildren():
            if child.tag == T:
                at += [(child, i) for i in range(len(child.text or ""))]
            elif child.tag in (qn("w:br"), qn("w:tab"), qn("w:drawing")):
                at.append((child, -1))
    for i in sorted(spaces, reverse=True):
        node, offset = at[i]
        if offset < 0 or node.text[offset] != " ":
            continue
        node.text = (
            f"{node.text[:offset]}{{% if {_condition(spaces[i])} %}} {{% endif %}}"
            f"{node.text[offset + 1 :]}"
        )
        node.set(qn("xml:space"), "preserve")


def _grouped(condition: str) -> str:
    """A condition to join with others by "and" or "or": in brackets when it joins its own."""
    return f"({condition})" if " or " in condition or " and " in condition else condition


def _write(doc: Any, found: _Conditions) -> None:
    """Put what the variants found into the starter: the variants' own elements, the {%p if %}
    around what prints under a condition, the conditions of lines."""
    on = {element: set(clauses) for element, clauses in found.on.items()}
    for container, anchor, where, elements, clause in found.added:
        for element in reversed(elements) if where == "after" else elements:
            if where == "before":
                anchor.addprevious(element)
            elif where == "after":
                anchor.addnext(element)
            else:
                sect = container.find(qn("w:sectPr"))
                if sect is not None:
                    sect.addprevious(element)
                else:
                    container.append(element)
            on[element] = {clause}
    for paragraph, spaces in found.spaces.items():
        _space_conditions(paragraph, spaces)
    for paragraph, lines in found.lines.items():
        _line_conditions(paragraph, lines)
    containers = [doc.element.body, *doc.element.body.iter(TC)]
    for container in containers:
        _nest(_elements(container), on)


def _tags(doc: Any, tokens: _Tokens) -> None:
    """Each token made the tag it stands for."""
    for t in doc.element.body.iter(T):
        if t.text and OPEN in t.text:
            t.text = _TOKEN.sub(lambda m: tokens.tag(m.group(0)), t.text)


_STARTERS: dict[str, tuple[Kind, bytes]] = {}  # a kind's starter, made once: the layout is
# built some twenty times to make it (a second or so for the year-end report)


def starter(kind: Kind) -> bytes:
    """A DOCX to start a replacement template from: the built-in layout with a tag where each
    value goes (a picture's tag where the picture goes), list rows wrapped in loops, and what the
    layout prints only for some values (a line for a superior body, a table only with rows, "(Không
    có)" without) under {% if %}; a plain list of the fields when the built-in layout cannot be
    built from tags."""
    made = _STARTERS.get(kind.key)
    if made is None or made[0] is not kind:
        made = (kind, _starter(kind))
        _STARTERS[kind.key] = made
    return made[1]


def _starter(kind: Kind) -> bytes:
    tokens = _Tokens(kind)
    drafted = _drafted(kind, tokens, _Variant())
    if drafted is None:
        doc = _looped(_generic(kind, tokens), tokens)
        return _finished(doc, tokens)
    doc, document = drafted
    plain = copy.deepcopy(doc.element.body)
    _write(doc, _conditions(kind, tokens, doc, document))
    content = _finished(doc, tokens)
    try:
        fill(content, kind.example_context(), strict=True)
    except Exception:  # conditions that do not nest: the starter without them, still sound
        doc.element.body.getparent().replace(doc.element.body, plain)
        content = _finished(doc, tokens)
    return content


def _finished(doc: Any, tokens: _Tokens) -> bytes:
    _number_rows(doc)
    _tags(doc, tokens)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _all_paragraphs(doc: Any) -> Any:
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
