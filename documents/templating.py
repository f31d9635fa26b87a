"""Replacement DOCX templates (docxtpl): filling one with a context, checking an upload before it
is accepted, and the starting template an officer downloads to edit (the built-in layout with its
tags, its loops and the conditions under which it prints a part, made in documents.starters).

Templates come from users, so Jinja runs sandboxed (no attribute of Python's internals, ranges
bounded), values are escaped for XML, and the package is opened only within size limits.

A picture in a context (PNG or JPEG bytes, a `Picture` when it says its width: a certificate's QR
code) prints as that picture where a template writes its tag.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from docx.shared import Cm

from core.errors import DomainError
from documents import rules
from documents.blocks import JPEG, PNG
from documents.registry import Kind

MAX_PARTS = 2000  # files inside the DOCX package
MAX_UNPACKED = 60 * 2**20  # bytes once unpacked: refuses a zip bomb before it is opened


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
