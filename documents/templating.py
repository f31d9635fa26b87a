"""Replacement DOCX templates (docxtpl): filling one with a context, checking an upload before it
is accepted, and the starting template an officer downloads to edit.

Templates come from users, so Jinja runs sandboxed (no attribute of Python's internals, ranges
bounded), values are escaped for XML, and the package is opened only within size limits.

A picture in a context (PNG or JPEG bytes, a `Picture` when it says its width: a certificate's QR
code) prints as that picture where a template writes its tag.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from docx import Document as open_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import _Row
from docx.text.paragraph import Paragraph

from core.errors import DomainError
from documents import rules
from documents.blocks import JPEG, PNG, Document, Grid, Labelled, Para, Title
from documents.registry import LOOP, Kind

MAX_PARTS = 2000  # files inside the DOCX package
MAX_UNPACKED = 60 * 2**20  # bytes once unpacked: refuses a zip bomb before it is opened
MARK = "\u27e6{}\u27e7"  # ⟦members⟧: where a list's first row was put by the built-in layout
SECOND = "\u27e6{}#2\u27e7"  # ⟦members#2⟧: where its second row was put


MAX_REPEAT = 10_000  # the longest text or list a template may make by multiplying
PICTURE_CM = 3.0  # the width of a picture given as bare bytes


class Picture(bytes):
    """A picture of a document's context: PNG or JPEG bytes, and the width in cm a template
    prints it at. Shown to the officer who writes a template as what it is, not as bytes."""

    width_cm: float

    def __new__(cls, data: bytes, width_cm: float = PICTURE_CM) -> Picture:
        picture = super().__new__(cls, data)
        picture.width_cm = width_cm
        return picture

    def __str__(self) -> str:
        return f"(hình ảnh, rộng {self.width_cm:g} cm)".replace(".", ",")

    def __repr__(self) -> str:
        return f"Picture({len(self)} bytes, {self.width_cm:g} cm)"


def is_picture(value: Any) -> bool:
    """Whether a context's value is a picture (PNG or JPEG bytes)."""
    return isinstance(value, bytes) and value.startswith((PNG, JPEG))


class _Shown:
    """What a template gets of a picture: its tag prints the picture (docxtpl's InlineImage
    writes it into the part being filled); nothing else of it can be read or called, since the
    image holds the whole template (a sandboxed template reads no name starting with "_")."""

    __slots__ = ("_image",)

    def __init__(self, image: Any) -> None:
        self._image = image

    def __html__(self) -> str:
        return str(self._image.__html__())

    def __str__(self) -> str:
        return "(hình ảnh)"


def _pictures_placed(value: Any, template: Any) -> Any:
    """The context with each picture made something its tag prints as that picture."""
    from docxtpl import InlineImage

    if is_picture(value):
        width = Cm(getattr(value, "width_cm", PICTURE_CM))
        return _Shown(InlineImage(template, io.BytesIO(value), width=width))
    if isinstance(value, Mapping):
        return {k: _pictures_placed(v, template) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_pictures_placed(v, template) for v in value]
    return value


def _environment(*, strict: bool) -> Any:
    """Jinja for user templates: sandboxed, escaping for XML, without the globals a document
    does not need (range, lipsum), and with repetition bounded, so a template cannot make the
    server loop or fill its memory."""
    from jinja2 import ChainableUndefined, StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                raise SecurityError("powers are not allowed in a document template")
            for seq, count in ((left, right), (right, left)):
                repeats = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if repeats and len(seq) * count > MAX_REPEAT:
                    raise SecurityError("the repeated text is too long")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(autoescape=True, undefined=StrictUndefined if strict else ChainableUndefined)
    for name in ("range", "lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    return env


def _package_problem(content: bytes) -> str | None:
    """Why the bytes are not a DOCX package one may open, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError):
        return _("The file is not a DOCX document.")
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return _("The file is not a DOCX document.")
    if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNPACKED:
        return _("The DOCX document is too large once unpacked.")
    return None


def fill(content: bytes, context: Mapping[str, Any], *, strict: bool = False) -> bytes:
    """The template filled with the context, as DOCX bytes. Strict: a name the context lacks is
    an error (when checking an upload); otherwise it prints nothing."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(content))
    template.render(
        _pictures_placed(dict(context), template),
        jinja_env=_environment(strict=strict),
        autoescape=True,
    )
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _near(exc: Exception) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", None) or [] if line.strip()]
    return " … ".join(lines)[:200]


def check(content: bytes, kind: Kind) -> None:
    """Accept a replacement template for `kind` or say why not (DomainError on "file"): a DOCX
    package of sane size, tags that parse, only the kind's field names, and a trial fill with the
    kind's example context that succeeds."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    problem = _package_problem(content)
    if problem:
        raise DomainError(problem, field="file")
    try:
        template = DocxTemplate(io.BytesIO(content))
        used = template.get_undeclared_template_variables(jinja_env=_environment(strict=True))
    except TemplateSyntaxError as exc:
        raise DomainError(_tag_error(exc), field="file") from exc
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken package
        raise DomainError(_("The file is not a DOCX document."), field="file") from exc
    unknown = rules.unknown_names(used, kind.field_keys)
    if unknown:
        raise DomainError(
            _("The template uses names this document does not have: %(names)s.")
            % {"names": ", ".join(unknown)},
            field="file",
        )
    try:
        fill(content, kind.example_context(), strict=True)
    except TemplateSyntaxError as exc:
        raise DomainError(_tag_error(exc), field="file") from exc
    except UndefinedError as exc:
        raise DomainError(
            _("The template uses a name this document does not have: %(e)s.") % {"e": _reason(exc)},
            field="file",
        ) from exc
    except SecurityError as exc:
        raise DomainError(
            _("The template does something templates may not do: %(e)s.") % {"e": _reason(exc)},
            field="file",
        ) from exc
    except Exception as exc:
        raise DomainError(
            _("The template could not be filled with the example data: %(e)s.")
            % {"e": _reason(exc)},
            field="file",
        ) from exc


def _reason(exc: Exception) -> str:
    """The exception's own words, without a final full stop (the message adds its own)."""
    return str(exc).strip().rstrip(".")


def _tag_error(exc: Exception) -> str:
    near = _near(exc)
    if near:
        return _("The template's tags are not valid: %(e)s (near “%(near)s”).") % {
            "e": _reason(exc),
            "near": near,
        }
    return _("The template's tags are not valid: %(e)s.") % {"e": _reason(exc)}


# --- the starting template ------------------------------------------------------------------------


def _placeholder(tag: str) -> Picture:
    """A picture standing for a picture field in the built-in layout, unlike every other one (a
    QR code of its tag), so that the starting template can put the tag where it was drawn."""
    import segno

    out = io.BytesIO()
    segno.make(tag, error="l").save(out, kind="png", scale=1, border=0)
    return Picture(out.getvalue())


def _tagged_context(kind: Kind) -> tuple[dict[str, Any], dict[bytes, str]]:
    """A context whose values are the template tags themselves ("{{ cluster }}"); a list has two
    rows, marked apart, so that what the layout repeats per row can be found and made a loop. A
    picture field gets a placeholder picture instead; the second dict gives each one's tag."""
    context: dict[str, Any] = {}
    pictures: dict[bytes, str] = {}

    def value(tag: str, example: Any) -> Any:
        if not is_picture(example):
            return tag
        placeholder = _placeholder(tag)
        pictures[bytes(placeholder)] = tag
        return placeholder

    for f in kind.fields:
        if f.is_list:
            context[f.key] = [
                {
                    child.key: value(f"{mark}{{{{ {LOOP}.{child.key} }}}}", child.example)
                    for child in f.children
                }
                for mark in (MARK.format(f.key), SECOND.format(f.key))
            ]
        else:
            context[f.key] = value(f"{{{{ {f.key} }}}}", f.example)
    return context, pictures


def _pictures_as_tags(doc: Any, pictures: Mapping[bytes, str]) -> None:
    """Each placeholder picture the layout drew replaced by its tag, as text in its place."""
    part = doc.part
    dropped: set[str] = set()
    for drawing in list(doc.element.body.iter(qn("w:drawing"))):
        blip = next(drawing.iter(qn("a:blip")), None)
        rid = blip.get(qn("r:embed")) if blip is not None else None
        image = part.related_parts.get(rid) if rid else None
        tag = pictures.get(image.blob) if image is not None else None
        if rid is None or tag is None:
            continue
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = tag
        drawing.addprevious(text)
        drawing.getparent().remove(drawing)
        dropped.add(rid)
    still = {b.get(qn("r:embed")) for b in doc.element.body.iter(qn("a:blip"))}
    for rid in dropped - still:
        del part.rels[rid]


def _generic(kind: Kind) -> Document:
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
            blocks.append(Labelled(f.label, f"{{{{ {f.key} }}}}"))
            continue
        width = rules.PORTRAIT_TEXT_CM / len(f.children)
        blocks.append(Para(f.label, bold=True, indent=False, align="left"))
        blocks.append(
            Grid(
                heads=[c.label for c in f.children],
                rows=[[f"{MARK.format(f.key)}{{{{ {LOOP}.{c.key} }}}}" for c in f.children]],
                widths_cm=[width] * len(f.children),
            )
        )
    return Document(kind=kind.key, filename=f"mau-{kind.key}", blocks=blocks)


def _replace_in_runs(paragraph: Paragraph, old: re.Pattern[str], new: Any) -> None:
    for run in paragraph.runs:
        if old.search(run.text):
            run.text = old.sub(new, run.text)


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
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _unit(
    children: list[Any], at_first: list[int], at_second: list[int], first: str, second: str
) -> tuple[int, int, bool]:
    """The body elements [start, end) the layout wrote for a list's first row, and whether the
    second row's copy of them follows (a certificate's whole page, its title and page break
    included); else just the span of the first row's paragraphs."""
    lo, hi = at_first[0], at_first[-1] + 1
    if not at_second or at_second[0] < hi:
        return lo, hi, False
    shift = at_second[0] - lo

    def same(i: int) -> bool:
        j = i + shift
        if j >= len(children):
            return True  # the last row's unit may end sooner (no page break after it)
        return _text_of(children[i]).replace(first, second) == _text_of(children[j])

    start = lo
    while start > 0 and start - 1 + shift >= hi and same(start - 1):
        start -= 1
    if not all(same(i) for i in range(start, start + shift)):
        return lo, hi, False
    return start, start + shift, True


def _loop(doc: Any, key: str) -> None:
    """Make what the layout repeats for each row of a list a loop over the list: table rows with
    {%tr …%}, a run of paragraphs (and tables) with {%p …%}; drop the second row's copy."""
    first, second = MARK.format(key), SECOND.format(key)
    for table in doc.tables:
        rows = list(table.rows)
        for row in rows:
            if second in _text_of(row._tr):
                row._tr.getparent().remove(row._tr)
        if not table.rows:  # the table held only the second row (a pair of signatures): it goes
            table._tbl.getparent().remove(table._tbl)
        marked = [row for row in rows if first in _text_of(row._tr)]
        if marked:
            _wrap_rows(marked[0], marked[-1], key)
    body = doc.element.body
    children = [c for c in body.iterchildren() if c.tag in {qn("w:p"), qn("w:tbl")}]
    at_first = [i for i, c in enumerate(children) if c.tag == qn("w:p") and first in _text_of(c)]
    at_second = [i for i, c in enumerate(children) if c.tag == qn("w:p") and second in _text_of(c)]
    if at_first:
        start, end, repeated = _unit(children, at_first, at_second, first, second)
        model = children[at_first[0]]
        children[start].addprevious(_tag_paragraph(model, f"{{%p for {LOOP} in {key} %}}"))
        children[end - 1].addnext(_tag_paragraph(model, "{%p endfor %}"))
        if repeated:  # the second row's copy goes: the loop makes it again
            for element in children[end : end + (end - start)]:
                body.remove(element)
    for element in [c for c in body.iterchildren() if second in _text_of(c)]:
        body.remove(element)  # a second row the layout put apart from the first
    pattern = re.compile(re.escape(first))
    for p in _all_paragraphs(doc):
        _replace_in_runs(p, pattern, "")


def _restore_case(text: str, tags: Mapping[str, str]) -> str:
    """Tags as they were written, where the layout changed their case. A value's tag the layout
    put in capitals ("{{ ISSUER }}" in a header) prints its value in capitals, as the layout does
    ("{{ issuer|upper }}"): Decree 30 writes the issuing body in capitals."""

    def restored(match: re.Match[str]) -> str:
        found = match.group(0)
        tag = tags.get(found.lower(), found)
        if match.group(1) and found != tag and found == tag.upper():
            return f"{{{{ {tag[3:-3]}|upper }}}}"
        return tag

    return re.sub(
        r"\{\{ ([A-Za-z_][A-Za-z0-9_.]*) \}\}|\u27e6([A-Za-z0-9_#]+)\u27e7", restored, text
    )


def starter(kind: Kind) -> bytes:
    """A DOCX to start a replacement template from: the built-in layout with a tag where each
    value goes (a picture's tag where the picture goes), list rows wrapped in loops; a plain list
    of the fields when the built-in layout cannot be built from tags."""
    from documents import render

    context, pictures = _tagged_context(kind)
    try:
        document = kind.build(context)
    except Exception:  # a layout may compute with its values; tags are not numbers
        document = _generic(kind)
    doc = open_docx(io.BytesIO(render.docx(document)))
    _pictures_as_tags(doc, pictures)
    tags: dict[str, str] = {}
    for f in kind.fields:
        tags[f"{{{{ {f.key} }}}}".lower()] = f"{{{{ {f.key} }}}}"
        tags[MARK.format(f.key).lower()] = MARK.format(f.key)
        tags[SECOND.format(f.key).lower()] = SECOND.format(f.key)
        for c in f.children:
            tags[f"{{{{ {LOOP}.{c.key} }}}}".lower()] = f"{{{{ {LOOP}.{c.key} }}}}"
    every = re.compile(r"\{\{ [A-Za-z_][A-Za-z0-9_.]* \}\}|\u27e6[A-Za-z0-9_#]+\u27e7")
    paragraphs = list(_all_paragraphs(doc))
    for p in paragraphs:
        _replace_in_runs(p, every, lambda m: _restore_case(m.group(0), tags))
    for f in kind.fields:
        if f.is_list:
            _loop(doc, f.key)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _all_paragraphs(doc: Any) -> Any:
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
