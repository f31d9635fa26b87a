"""Every kind of generated document, registered once by the app that makes it (in its
`AppConfig.ready()`), so that an organisation's officers can replace its layout with their own
DOCX template (docxtpl: Jinja tags named after the kind's fields).

    register(Kind(key="cluster_yearend", name=_("Cluster year-end report"), build=build,
                  fields=[Field("cluster", "Tên cụm", "Cụm thi đua các tỉnh miền núi"),
                          Field("members", "Thành viên", children=[Field("name", "Tên", "Lào Cai")])]))

A kind's context is a dict of plain values (text, whole numbers, lists of dicts of such values),
already formatted in Vietnamese ("ngày 15 tháng 5 năm 2018", "1.234,5"), so a template needs no
filter to print them. Each field carries an example; together they make the sample context with
which the built-in layout is shown and an uploaded template is tried before it is accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from documents import rules
from documents.blocks import Document

Context = Mapping[str, Any]
LOOP = "item"  # the loop variable of a list's rows in templates


@dataclass(frozen=True)
class Field:
    """A value of a kind's context: its key (the template's tag name), a label in Vietnamese for
    the officer who writes the template, and an example. A field with children is a list of rows
    ({%tr for m in members %}{{ m.name }}…); its example, if given, is that list."""

    key: str
    label: str
    example: Any = ""
    children: Sequence[Field] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(self.children))
        rules.check_field_keys([self.key])
        rules.check_field_keys(child.key for child in self.children)

    @property
    def is_list(self) -> bool:
        return bool(self.children)

    @property
    def tag(self) -> str:
        """How a template prints the value: "{{ cluster }}"."""
        return f"{{{{ {self.key} }}}}"

    @property
    def loop_tags(self) -> tuple[str, str]:
        """A list's loop over table rows: "{%tr for item in members %}", "{%tr endfor %}"."""
        return f"{{%tr for {LOOP} in {self.key} %}}", "{%tr endfor %}"

    def child_tag(self, child: Field) -> str:
        """How a template prints a row's value inside the loop: "{{ item.name }}"."""
        return f"{{{{ {LOOP}.{child.key} }}}}"

    def example_value(self) -> Any:
        if not self.children or isinstance(self.example, list):
            return self.example
        return [{child.key: child.example_value() for child in self.children}]


@dataclass(frozen=True)
class Kind:
    """A kind of generated document: its key, its name for the interface, the built-in layout
    (`build`: context → Document), the fields a template may use, and optionally its own PDF
    (`pdf`: context → PDF bytes) when the built-in PDF is not the blocks' one."""

    key: str
    name: Any  # a lazily translated string
    build: Callable[[Context], Document]
    fields: Sequence[Field] = ()
    pdf: Callable[[Context], bytes] | None = None
    description: Any = ""

    def __post_init__(self) -> None:
        rules.check_kind_key(self.key)
        object.__setattr__(self, "fields", tuple(self.fields))
        rules.check_field_keys(f.key for f in self.fields)

    @property
    def field_keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def example_context(self) -> dict[str, Any]:
        """The context made of every field's example."""
        return {f.key: f.example_value() for f in self.fields}


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register a kind (once per key; registering the very same kind again does nothing)."""
    known = _KINDS.get(kind.key)
    if known is not None and known != kind:
        raise ValueError(f"document kind {kind.key!r} is already registered")
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Forget a kind (tests that register their own)."""
    _KINDS.pop(key, None)


def get(key: str) -> Kind:
    """The kind registered under `key`; LookupError when there is none."""
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"no document kind {key!r} is registered") from None


def kinds() -> list[Kind]:
    """Every registered kind, by key."""
    return [_KINDS[key] for key in sorted(_KINDS)]
