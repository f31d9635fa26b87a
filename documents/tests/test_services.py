"""Replacement templates: what an upload must be to be accepted (nothing changes otherwise), the
starting template, uploading and removing (retired, audited, for one's own units only), which
template a unit's documents are made from, and render_kind with and without one."""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document as open_docx

from core.errors import DomainError
from core.models import AuditEvent
from documents import selectors, services, starters, templating
from documents.blocks import Document, PageBreak, Para
from documents.models import DocumentTemplate
from documents.registry import Kind
from documents.service import render_builtin, render_kind
from documents.tests.conftest import (
    CONTEXT,
    KEY,
    KIND,
    docx_bytes,
    docx_text,
    pdf_pages,
    template_bytes,
    upload,
    vi,
)

# --- checking an upload (no database) ---------------------------------------------------------


def refused(content: bytes, kind: Kind = KIND) -> str:
    with pytest.raises(DomainError) as info:
        templating.check(content, kind)
    assert info.value.field == "file"
    return info.value.message


def test_it_accepts_a_template_with_the_kinds_fields():
    templating.check(template_bytes(), KIND)  # no error


def test_it_refuses_what_is_not_a_docx():
    assert refused(b"%PDF-1.4 not a zip") == vi("The file is not a DOCX document.")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("notes.txt", "{{ year }}")
    assert refused(out.getvalue()) == vi("The file is not a DOCX document.")


def test_it_refuses_a_package_too_large_once_unpacked(monkeypatch):
    monkeypatch.setattr(templating, "MAX_UNPACKED", 10_000)
    assert refused(docx_bytes("x" * 20_000)) == vi("The DOCX document is too large once unpacked.")


def test_it_refuses_tags_that_do_not_parse():
    message = refused(docx_bytes("Năm {{ year }", "Người ký {{ signer }}"))
    assert message.startswith(vi("The template's tags are not valid: %(e)s.", e="")[:-1])


def test_it_names_the_fields_the_kind_does_not_have():
    message = refused(docx_bytes("{{ yaer }} {{ cluster }} {{ year }}"))
    assert message == vi(
        "The template uses names this document does not have: %(names)s.", names="cluster, yaer"
    )


def test_it_refuses_a_row_value_the_kind_does_not_have():
    content = docx_bytes("{% for m in members %}{{ m.nmae }}{% endfor %}")
    assert refused(content) == vi(
        "The template uses a name this document does not have: %(e)s.",
        e="'dict object' has no attribute 'nmae'",
    )


def test_it_runs_templates_in_a_sandbox():
    message = refused(docx_bytes("{{ year.__class__.__mro__ }}"))
    assert message == vi(
        "The template does something templates may not do: %(e)s.",
        e="access to attribute '__class__' of 'str' object is unsafe",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{ 'x' * 1000000 }}", "the repeated text is too long"),
        ("{{ 10 ** 10 ** 10 }}", "powers are not allowed in a document template"),
    ],
)
def test_it_bounds_what_a_template_may_compute(text, reason):
    assert refused(docx_bytes(text)) == vi(
        "The template does something templates may not do: %(e)s.", e=reason
    )
    assert refused(docx_bytes("{% for i in range(10) %}{{ i }}{% endfor %}")) == vi(
        "The template uses names this document does not have: %(names)s.", names="range"
    )


def test_it_fills_a_template_escaping_the_values():
    filled = templating.fill(template_bytes(), CONTEXT)
    assert docx_text(filled) == (
        "Sở Nội vụ — BÁO CÁO NĂM 2017\n"
        "Người ký: Trần Thị B\n"
        "Hạng | Đơn vị | Điểm\n"
        "1 | Thanh Hóa | 95,5\n"
        "2 | Nghệ An | 93\n"
        "3 | Hà Tĩnh & Quảng Bình <liên kết> | 90,25"
    )


def test_a_missing_value_prints_nothing_when_filling_for_real():
    filled = templating.fill(docx_bytes("Năm {{ year }}: {{ item.name }}."), {})
    assert docx_text(filled) == "Năm : ."


def test_the_starting_template_is_the_built_in_layout_with_its_tags():
    content = starters.starter(KIND)
    templating.check(content, KIND)  # accepted as it is
    text = docx_text(content)
    # The header prints the issuing body in capitals, as the built-in layout does (Decree 30),
    # and leaves out a line without a value (a province has no superior body), as it does.
    assert (
        "{%p if above %}\n{{ above|upper }}\n{%p endif %}\n"
        "{%p if issuer %}\n{{ issuer|upper }}\n{%p endif %}"
    ) in text
    assert "Tổng kết công tác thi đua, khen thưởng năm {{ year }}" in text
    assert "STT | Đơn vị | Điểm\n{%tr for item in members %} |  | \n" in text
    assert "{{ item.rank }} | {{ item.name }} | {{ item.score }}\n{%tr endfor %} |  | " in text
    assert "\u27e6" not in text
    filled = docx_text(templating.fill(content, CONTEXT))
    assert "UBND TỈNH THÁI NGUYÊN\nSỞ NỘI VỤ" in filled.replace("\n\n", "\n")
    assert "Sở Nội vụ" not in filled
    assert "STT | Đơn vị | Điểm\n1 | Thanh Hóa | 95,5\n2 | Nghệ An | 93\n3 | Hà Tĩnh" in filled
    assert filled == docx_text(templating.fill(content, CONTEXT))


def test_the_starting_template_lists_the_fields_when_the_layout_needs_real_values():
    def strict(context):
        raise TypeError(context["year"] + 1)

    kind = Kind(key="strict_kind", name="Khác", build=strict, fields=KIND.fields)
    content = starters.starter(kind)
    templating.check(content, kind)
    text = docx_text(content)
    assert "- Năm: {{ year }}" in text
    assert "Thứ hạng | Tên đơn vị | Điểm\n{%tr for item in members %} |  | " in text


def test_the_starting_template_repeats_a_lists_paragraphs_together():
    def pages(context):
        blocks: list[Any] = []
        for m in context["members"]:
            blocks += [Para(f"Hạng {m['rank']}: {m['name']}"), Para(context["year"]), PageBreak()]
        return Document(kind="pages", filename="x", blocks=[*blocks, Para("Hết.")])

    kind = Kind(key="pages_kind", name="Trang", build=pages, fields=KIND.fields)
    content = starters.starter(kind)
    templating.check(content, kind)
    assert [p for p in docx_text(content).split("\n") if p] == [
        "{%p for item in members %}",
        "Hạng {{ item.rank }}: {{ item.name }}",
        "{{ year }}",
        "{%p endfor %}",
        "Hết.",
    ]
    filled = [p for p in docx_text(templating.fill(content, CONTEXT)).split("\n") if p]
    assert filled == [
        "Hạng 1: Thanh Hóa",
        "2017",
        "Hạng 2: Nghệ An",
        "2017",
        "Hạng 3: Hà Tĩnh & Quảng Bình <liên kết>",
        "2017",
        "Hết.",
    ]


# --- uploading and removing ------------------------------------------------------------------


@pytest.fixture
def officer_template(kind, officer_thai_nguyen, thai_nguyen):
    return services.template_upload(
        actor=officer_thai_nguyen, org=thai_nguyen, kind=KEY, upload=upload(template_bytes())
    )


def test_an_officer_installs_a_template_for_their_province(
    kind, officer_thai_nguyen, thai_nguyen, media_root
):
    content = template_bytes()
    template = services.template_upload(
        actor=officer_thai_nguyen, org=thai_nguyen, kind=KEY, upload=upload(content)
    )
    template.refresh_from_db()
    assert (template.org, template.kind, template.name) == (thai_nguyen, KEY, "mau-bao-cao.docx")
    assert template.size == len(content)
    assert template.uploaded_by == officer_thai_nguyen
    assert template.retired_at is None
    with template.file.open("rb") as handle:
        assert handle.read() == content
    assert str(media_root) in template.file.path
    event = AuditEvent.objects.get(action="documents.template.uploaded")
    assert (event.actor, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen,
        str(template.pk),
        thai_nguyen.pk,
    )
    assert event.changes == {
        "kind": [None, KEY],
        "name": [None, "mau-bao-cao.docx"],
        "sha256": [None, template.sha256],
        "replaced": [None, None],
    }


def test_a_new_upload_retires_the_previous_template(kind, officer_thai_nguyen, officer_template):
    second = services.template_upload(
        actor=officer_thai_nguyen,
        org=officer_template.org,
        kind=KEY,
        upload=upload(template_bytes(), "mau-moi.docx"),
    )
    officer_template.refresh_from_db()
    assert officer_template.retired_at is not None
    assert officer_template.retired_by == officer_thai_nguyen
    assert list(
        DocumentTemplate.objects.filter(retired_at__isnull=True).values_list("pk", flat=True)
    ) == [second.pk]
    event = AuditEvent.objects.filter(action="documents.template.uploaded").latest("pk")
    assert event.changes["replaced"] == [officer_template.pk, None]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4", "mau.pdf", ("The file must be one of: %(types)s.", {"types": "DOCX"})),
        (b"%PDF-1.4", "mau.docx", ("The file's content does not match its type.", {})),
        (b"", "mau.docx", ("The file must not be empty nor larger than %(mb)s MB.", {"mb": 5})),
        (
            None,
            "mau.docx",
            (
                "The template uses names this document does not have: %(names)s.",
                {"names": "cluster"},
            ),
        ),
    ],
)
def test_a_refused_upload_changes_nothing(
    kind, officer_thai_nguyen, officer_template, content, name, message
):
    content = docx_bytes("{{ cluster }}") if content is None else content
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as info:
        services.template_upload(
            actor=officer_thai_nguyen,
            org=officer_template.org,
            kind=KEY,
            upload=upload(content, name),
        )
    assert info.value.message == vi(message[0], **message[1])
    assert list(DocumentTemplate.objects.values_list("pk", "retired_at")) == [
        (officer_template.pk, None)
    ]
    assert AuditEvent.objects.count() == before


def test_a_template_for_an_unknown_kind_is_refused(officer_thai_nguyen, thai_nguyen):
    with pytest.raises(DomainError, match=vi("Unknown kind of document.")):
        services.template_upload(
            actor=officer_thai_nguyen, org=thai_nguyen, kind="nope", upload=upload(b"")
        )
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize(
    "persona", ["secretariat_bac_giang", "viewer_bac_giang", "member_bac_kan", "outsider"]
)
def test_only_a_units_officers_install_or_remove_its_template(
    kind, request, persona, officer_thai_nguyen, officer_template, bac_giang
):
    user = request.getfixturevalue(persona)
    before = AuditEvent.objects.count()
    for org in (officer_template.org, bac_giang):
        with pytest.raises(PermissionDenied):
            services.template_upload(actor=user, org=org, kind=KEY, upload=upload(template_bytes()))
    with pytest.raises(PermissionDenied):
        services.template_remove(actor=user, template=officer_template)
    with pytest.raises(PermissionDenied):  # nor may an officer of another province
        services.template_upload(
            actor=officer_thai_nguyen, org=bac_giang, kind=KEY, upload=upload(template_bytes())
        )
    assert list(DocumentTemplate.objects.values_list("pk", "retired_at")) == [
        (officer_template.pk, None)
    ]
    assert AuditEvent.objects.count() == before


def test_removing_a_template_retires_it_once(kind, officer_thai_nguyen, officer_template):
    services.template_remove(actor=officer_thai_nguyen, template=officer_template)
    officer_template.refresh_from_db()
    assert officer_template.retired_at is not None
    event = AuditEvent.objects.get(action="documents.template.removed")
    assert event.object_repr == f"{KEY} · mau-bao-cao.docx"
    assert list(event.changes) == ["retired_at"]
    assert event.changes["retired_at"][0] is None
    with pytest.raises(
        DomainError, match=vi("This template has already been replaced or removed.")
    ):
        services.template_remove(actor=officer_thai_nguyen, template=officer_template)
    assert AuditEvent.objects.filter(action="documents.template.removed").count() == 1


# --- which template a unit's documents use ----------------------------------------------------


def test_a_unit_uses_its_own_template_else_the_nearest_above(
    kind, admin_user, thai_nguyen, snv_thai_nguyen, bac_giang, officer_template
):
    assert selectors.template_for(org=snv_thai_nguyen, kind=KEY) == officer_template
    assert selectors.template_for(org=thai_nguyen, kind=KEY) == officer_template
    assert selectors.template_for(org=bac_giang, kind=KEY) is None
    assert selectors.template_for(org=None, kind=KEY) is None
    assert selectors.template_for(org=thai_nguyen, kind="other") is None
    own = services.template_upload(
        actor=admin_user, org=snv_thai_nguyen, kind=KEY, upload=upload(template_bytes())
    )
    assert selectors.template_for(org=snv_thai_nguyen, kind=KEY) == own
    assert selectors.template_for(org=thai_nguyen, kind=KEY) == officer_template
    services.template_remove(actor=admin_user, template=own)
    assert selectors.template_for(org=snv_thai_nguyen, kind=KEY) == officer_template


def test_render_kind_uses_the_built_in_layout_without_a_template(kind, bac_giang):
    content, content_type, filename = render_kind(KEY, CONTEXT, fmt="docx", org=bac_giang)
    assert content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert filename == "bao-cao-tong-ket-2017.docx"
    text = docx_text(content)
    assert "UBND TỈNH THÁI NGUYÊN\nSỞ NỘI VỤ" in text
    assert "3 | Hà Tĩnh & Quảng Bình <liên kết> | 90,25" in text
    content, content_type, filename = render_kind(KEY, CONTEXT, fmt="pdf")
    assert (content_type, filename) == ("application/pdf", "bao-cao-tong-ket-2017.pdf")
    assert pdf_pages(content) == [(595, 842)]


def test_render_kind_uses_the_issuers_template(kind, snv_thai_nguyen, officer_template):
    content, _, filename = render_kind(KEY, CONTEXT, fmt="docx", org=snv_thai_nguyen)
    assert filename == "bao-cao-tong-ket-2017.docx"
    assert docx_text(content).startswith("Sở Nội vụ — BÁO CÁO NĂM 2017\nNgười ký: Trần Thị B\n")
    content, content_type, filename = render_kind(KEY, CONTEXT, fmt="pdf", org=snv_thai_nguyen)
    assert (content_type, filename) == ("application/pdf", "bao-cao-tong-ket-2017.pdf")
    assert pdf_pages(content) == [(612, 792)]  # the template's own page (python-docx's Letter)


def test_render_kind_falls_back_to_the_built_in_layout_when_a_template_fails(
    kind, thai_nguyen, officer_template, caplog
):
    officer_template.file.storage.delete(officer_template.file.name)
    with caplog.at_level(logging.ERROR, logger="documents.service"):
        content, _, _ = render_kind(KEY, CONTEXT, fmt="docx", org=thai_nguyen)
    assert "UBND TỈNH THÁI NGUYÊN" in docx_text(content)
    assert [r.getMessage() for r in caplog.records] == [
        f"document template #{officer_template.pk} ({KEY}, org {thai_nguyen.pk}) failed; "
        "using the built-in layout"
    ]


def test_render_kind_uses_a_kinds_own_pdf(kind):
    own = Kind(key="own_pdf", name="PDF riêng", build=KIND.build, pdf=lambda c: b"%PDF-own")
    from documents import registry

    registry.register(own)
    try:
        assert render_kind("own_pdf", CONTEXT, fmt="pdf") == (
            b"%PDF-own",
            "application/pdf",
            "bao-cao-tong-ket-2017.pdf",
        )
        assert render_builtin("own_pdf", CONTEXT, fmt="docx")[0].startswith(b"PK")
    finally:
        registry.unregister("own_pdf")


def test_render_kind_refuses_an_unknown_format_or_kind(kind):
    with pytest.raises(ValueError, match="format must be one of"):
        render_kind(KEY, CONTEXT, fmt="odt")
    with pytest.raises(LookupError):
        render_kind("nope", CONTEXT)


def test_the_starting_template_opens_in_word(kind):
    doc = open_docx(io.BytesIO(starters.starter(KIND)))
    width = doc.sections[0].page_width
    assert width is not None and round(width.cm, 1) == 21.0
