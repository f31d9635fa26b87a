"""The document template pages: who may open which, uploading through the form (a refused or
denied upload changes nothing), trying and removing a template, the downloads, and query counts
that do not grow with the number of templates."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as open_docx

from core.models import AuditEvent
from documents import services
from documents.models import DocumentTemplate
from documents.tests.conftest import (
    DOCX_TYPE,
    KEY,
    docx_bytes,
    docx_text,
    pdf_pages,
    template_bytes,
    upload,
    vi,
)

LOGIN = reverse("accounts:login")
LIST = reverse("documents:kind-list")
DETAIL = reverse("documents:kind-detail", args=[KEY])


@pytest.fixture
def world(kind: Any, admin_user: Any, thai_nguyen: Any, bac_giang: Any) -> dict[str, Any]:
    """A template installed for Thái Nguyên and one for Bắc Giang."""
    return {
        "tn": services.template_upload(
            actor=admin_user, org=thai_nguyen, kind=KEY, upload=upload(template_bytes(), "tn.docx")
        ),
        "bg": services.template_upload(
            actor=admin_user, org=bac_giang, kind=KEY, upload=upload(template_bytes(), "bg.docx")
        ),
    }


def state() -> dict[str, Any]:
    return {
        "templates": list(DocumentTemplate.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


PAGES: dict[str, tuple[str, list[Any]]] = {
    "list": ("documents:kind-list", []),
    "detail": ("documents:kind-detail", [KEY]),
    "sample-docx": ("documents:kind-sample", [KEY, "docx"]),
    "starter": ("documents:kind-starter", [KEY]),
    "download-tn": ("documents:template-download", ["tn"]),
    "preview-tn": ("documents:template-preview", ["tn", "docx"]),
    "download-bg": ("documents:template-download", ["bg"]),
    "preview-bg": ("documents:template-preview", ["bg", "docx"]),
}


def url(page: str, world: dict[str, Any]) -> str:
    name, args = PAGES[page]
    return reverse(name, args=[world[a].pk if a in world else a for a in args])


def expect(overrides: dict[str, int], default: int) -> dict[str, int]:
    return {page: overrides.get(page, default) for page in PAGES}


# Templates are kept by the commendation officers of a unit (and the system administrators);
# nobody else opens these pages, and an officer reaches only the templates within their reach.
ACCESS: dict[str, dict[str, int]] = {
    "admin_user": expect({}, 200),
    "officer_thai_nguyen": expect({"download-bg": 404, "preview-bg": 404}, 200),
    "secretariat_bac_giang": expect({}, 403),
    "member_bac_kan": expect({}, 403),
    "viewer_bac_giang": expect({}, 403),
    "council_member": expect({}, 403),
    "outsider": expect({}, 403),
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(as_user: Any, world: dict[str, Any], persona: str):
    client = as_user(persona)

    statuses = {page: client.get(url(page, world)).status_code for page in PAGES}

    assert statuses == ACCESS[persona]


def test_it_sends_visitors_to_sign_in_from_every_page(world: dict[str, Any]):
    client = Client()
    before = state()
    targets = [url(page, world) for page in PAGES]
    targets.append(reverse("documents:template-remove", args=[world["tn"].pk]))

    for target in targets:
        response = client.post(target, {"org_code": "19"})
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")

    assert state() == before


def test_unknown_kinds_formats_and_templates_are_not_found(as_user: Any, world: dict[str, Any]):
    client = as_user("admin_user")
    for target in [
        reverse("documents:kind-detail", args=["nope"]),
        reverse("documents:kind-sample", args=[KEY, "odt"]),
        reverse("documents:kind-sample", args=["nope", "pdf"]),
        reverse("documents:kind-starter", args=["nope"]),
        reverse("documents:template-download", args=[999999]),
        reverse("documents:template-preview", args=[world["tn"].pk, "html"]),
    ]:
        assert client.get(target).status_code == 404


def test_the_list_shows_each_kind_with_the_users_templates(as_user: Any, world: dict[str, Any]):
    response = as_user("officer_thai_nguyen").get(LIST)

    page = response.content.decode()
    assert f'<a href="{DETAIL}">Báo cáo tổng kết cụm (thử)</a>' in page
    assert f"<code>{KEY}</code>" in page
    assert '<td class="num">8</td>\n      <td class="num">1</td>' in page  # fields; templates


def test_the_kind_page_shows_the_tags_and_the_units_templates(as_user: Any, world: dict[str, Any]):
    response = as_user("officer_thai_nguyen").get(DETAIL)

    page = response.content.decode()
    assert "<td><code>{{ year }}</code></td><td>Năm</td><td>2017</td>" in page
    assert (
        "<td><code>{%tr for item in members %}</code><br><code>{%tr endfor %}</code></td>"
        "<td>Thành viên</td>"
    ) in page
    assert "<td><code>{{ item.name }}</code></td><td>Thành viên › Tên đơn vị</td>" in page
    assert "tn.docx" in page and "bg.docx" not in page
    assert response.context["form"]["org_code"].value() == "19"  # the officer's province


def test_an_officer_uploads_a_template_for_a_unit_below_them(
    as_user: Any, world: dict[str, Any], snv_thai_nguyen: Any
):
    client = as_user("officer_thai_nguyen")

    response = client.post(
        DETAIL, {"org_code": "19.snv", "file": upload(template_bytes(), "snv.docx")}
    )

    assert response.status_code == 302
    assert response["Location"] == DETAIL
    template = DocumentTemplate.objects.get(org=snv_thai_nguyen)
    assert (template.name, template.retired_at) == ("snv.docx", None)
    page = client.get(DETAIL).content.decode()
    assert "snv.docx" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"org_code": "24", "file": "ok"},
            "org_code",
            ("No unit whose templates you may manage has the code %(c)s.", {"c": "24"}),
        ),
        (
            {"org_code": "19", "file": "unknown"},
            "file",
            (
                "The template uses names this document does not have: %(names)s.",
                {"names": "cluster"},
            ),
        ),
        (
            {"org_code": "19", "file": "pdf"},
            "file",
            ("The file must be one of: %(types)s.", {"types": "DOCX"}),
        ),
    ],
)
def test_a_refused_upload_shows_why_and_changes_nothing(
    as_user: Any, world: dict[str, Any], data: dict[str, str], field: str, message: Any
):
    client = as_user("officer_thai_nguyen")
    files = {
        "ok": upload(template_bytes()),
        "unknown": upload(docx_bytes("{{ cluster }}")),
        "pdf": upload(b"%PDF-1.4", "mau.pdf"),
    }
    before = state()

    response = client.post(DETAIL, {**data, "file": files[data["file"]]})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [vi(message[0], **message[1])]}
    assert state() == before


def test_a_denied_persona_cannot_upload_or_remove(as_user: Any, world: dict[str, Any]):
    personas = ["secretariat_bac_giang", "viewer_bac_giang", "member_bac_kan", "outsider"]
    clients = [as_user(persona) for persona in personas]
    officer = as_user("officer_thai_nguyen")
    remove = reverse("documents:template-remove", args=[world["bg"].pk])
    before = state()

    for client in clients:
        response = client.post(DETAIL, {"org_code": "24", "file": upload(template_bytes())})
        assert response.status_code == 403
        assert client.post(remove).status_code == 403
    assert officer.post(remove).status_code == 404

    assert state() == before


def test_an_officer_removes_their_units_template(as_user: Any, world: dict[str, Any]):
    client = as_user("officer_thai_nguyen")
    target = reverse("documents:template-remove", args=[world["tn"].pk])
    assert client.get(target).status_code == 405

    response = client.post(target, follow=True)

    assert response.redirect_chain == [(DETAIL, 302)]
    world["tn"].refresh_from_db()
    assert world["tn"].retired_at is not None
    page = response.content.decode()
    assert 'id="history"' in page and "tn.docx" in page
    again = client.post(target, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        vi("This template has already been replaced or removed.")
    ]


def test_the_downloads(as_user: Any, world: dict[str, Any]):
    client = as_user("officer_thai_nguyen")

    original = client.get(url("download-tn", world))
    assert original["Content-Type"] == DOCX_TYPE
    assert original["Content-Disposition"] == 'attachment; filename="tn.docx"'
    content = b"".join(original.streaming_content)
    assert hashlib.sha256(content).hexdigest() == world["tn"].sha256  # as uploaded
    preview = client.get(url("preview-tn", world))
    assert preview["Content-Disposition"] == 'attachment; filename="xem-thu-test_yearend.docx"'
    assert docx_text(preview.content).startswith("Sở Nội vụ — BÁO CÁO NĂM 2017\n")
    pdf = client.get(reverse("documents:template-preview", args=[world["tn"].pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf_pages(pdf.content) == [(612, 792)]
    sample = client.get(reverse("documents:kind-sample", args=[KEY, "pdf"]))
    assert sample["Content-Disposition"] == 'attachment; filename="mau-bao-cao-tong-ket-2017.pdf"'
    assert pdf_pages(sample.content) == [(595, 842)]
    sample = client.get(url("sample-docx", world))
    assert "UBND TỈNH THÁI NGUYÊN" in docx_text(sample.content)
    starter = client.get(url("starter", world))
    assert starter["Content-Disposition"] == f'attachment; filename="mau-{KEY}.docx"'
    assert "{{ item.name }}" in docx_text(starter.content)
    width = open_docx(io.BytesIO(starter.content)).sections[0].page_width
    assert width is not None and round(width.cm, 1) == 21.0


def test_a_template_whose_file_is_gone_is_not_found(as_user: Any, world: dict[str, Any]):
    template = world["tn"]
    template.file.storage.delete(template.file.name)
    client = as_user("officer_thai_nguyen")

    assert client.get(url("download-tn", world)).status_code == 404
    assert client.get(url("preview-tn", world)).status_code == 404


def test_the_kind_page_reads_a_fixed_number_of_queries(
    as_user: Any, world: dict[str, Any], admin_user: Any, django_assert_max_num_queries: Any
):
    client = as_user("admin_user")
    client.get(DETAIL)
    with django_assert_max_num_queries(12) as few:
        client.get(DETAIL)
    from orgs.models import Org

    for org in Org.objects.filter(kind="province")[:6]:
        for _ in range(2):
            services.template_upload(
                actor=admin_user, org=org, kind=KEY, upload=upload(template_bytes())
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(DETAIL)
    assert len(response.context["current"]) >= 6
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
