"""The pure rules: widths that fit the page, safe file names, names a template may use; and the
blocks and the registry checking their own shape."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents import registry, rules
from documents.blocks import (
    Document,
    Grid,
    Header,
    Image,
    Labelled,
    PageBreak,
    Para,
    Sign,
    Signatures,
    Title,
)
from documents.registry import Field, Kind
from documents.tests.conftest import KIND, png

widths = st.lists(st.floats(min_value=0.1, max_value=40, allow_nan=False), min_size=1, max_size=12)


@given(widths, st.floats(min_value=1, max_value=30))
def test_it_fits_widths_to_the_page_keeping_their_proportions(given_widths, available):
    fitted = rules.fit_widths(given_widths, available)
    assert len(fitted) == len(given_widths)
    assert sum(fitted) <= available + 1e-9
    if sum(given_widths) <= available:
        assert fitted == tuple(given_widths)
    else:
        assert math.isclose(sum(fitted), available)
        ratios = [f / w for f, w in zip(fitted, given_widths, strict=True)]
        assert all(math.isclose(r, ratios[0]) for r in ratios)


@given(st.text(max_size=300))
def test_it_makes_any_text_a_safe_file_name(text):
    name = rules.safe_filename(text)
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", name)
    assert len(name) <= rules.FILENAME_MAX
    assert not name.endswith("-")


def test_it_writes_vietnamese_file_names_without_marks():
    assert rules.safe_filename("Báo cáo tổng kết năm 2017") == "Bao-cao-tong-ket-nam-2017"
    assert rules.safe_filename("Đồng Tháp / Đắk Lắk") == "Dong-Thap-Dak-Lak"
    assert rules.safe_filename("…") == "van-ban"


def test_it_lists_the_names_a_template_may_not_use():
    assert rules.unknown_names({"year", "yaer", "cluster"}, ["year", "members"]) == [
        "cluster",
        "yaer",
    ]
    assert rules.unknown_names({"year"}, ["year"]) == []


@pytest.mark.parametrize("key", ["", "1st", "has space", "loop", "for", "class", "tên"])
def test_it_refuses_field_keys_a_template_cannot_write(key):
    with pytest.raises(ValueError, match="not a name a template can use"):
        rules.check_field_keys([key])


def test_it_refuses_a_field_key_twice():
    with pytest.raises(ValueError, match="appears twice"):
        rules.check_field_keys(["year", "year"])


@pytest.mark.parametrize("key", ["", "Yearend", "9a", "a-b", "x" * 51])
def test_it_refuses_bad_kind_keys(key):
    with pytest.raises(ValueError, match="must match"):
        rules.check_kind_key(key)


# --- blocks --------------------------------------------------------------------------------------


def test_blocks_check_their_shape_where_they_are_made():
    with pytest.raises(ValueError, match="3 columns but 2 widths"):
        Grid(heads=["a", "b", "c"], rows=[], widths_cm=[1, 2])
    with pytest.raises(ValueError, match="row 2 has 1 cells, not 2"):
        Grid(heads=["a", "b"], rows=[["1", "2"], ["3"]], widths_cm=[1, 2])
    with pytest.raises(ValueError, match="at least one column"):
        Grid(heads=[], rows=[], widths_cm=[])
    with pytest.raises(ValueError, match="positive"):
        Grid(heads=["a"], rows=[], widths_cm=[0])
    with pytest.raises(ValueError, match="align must be one of"):
        Para("x", align="middle")
    with pytest.raises(ValueError, match="font size"):
        Para("x", size=4)
    with pytest.raises(ValueError, match="not one string"):
        Header(body="UBND TỈNH THÁI NGUYÊN")
    with pytest.raises(ValueError, match="PNG or JPEG"):
        Image(png=b"GIF89a")
    with pytest.raises(ValueError, match="width"):
        Image(png=png(), width_cm=40)
    with pytest.raises(ValueError, match="either a left signature or recipients"):
        Signatures(right=Sign("Chủ tịch"), left=Sign("Thư ký"), recipients=["- Lưu: VT."])
    with pytest.raises(ValueError, match="block 2 is a str"):
        Document(kind="x", filename="x", blocks=[PageBreak(), "text"])  # type: ignore[list-item]


def test_a_document_reads_as_text_and_gets_a_safe_file_name():
    doc = Document(
        kind="demo",
        filename="Báo cáo 2017",
        blocks=[
            Header(body=["UBND tỉnh Thái Nguyên", "", "Sở Nội vụ"], number="Số: 1/BC"),
            Title("Báo cáo", "Tổng kết năm 2017"),
            Labelled("Họ và tên", "Nguyễn Thị Lan"),
            Grid(heads=["STT", "Đơn vị"], rows=[[1, "Thanh Hóa"]], widths_cm=[2, 14]),  # type: ignore[list-item]
            Signatures(right=Sign("Chủ tịch", names=["Nguyễn Văn A"]), recipients=["- Lưu: VT."]),
            PageBreak(),
        ],
    )
    assert doc.filename == "Bao-cao-2017"
    assert doc.text() == (
        "UBND TỈNH THÁI NGUYÊN | SỞ NỘI VỤ | Số: 1/BC | \n"
        "BÁO CÁO | Tổng kết năm 2017\n"
        "- Họ và tên: Nguyễn Thị Lan\n"
        "STT | Đơn vị\n1 | Thanh Hóa\n"
        "- Lưu: VT. | CHỦ TỊCH | (Ký, ghi rõ họ tên, đóng dấu) | Nguyễn Văn A\n"
    )
    grid = doc.blocks[3]
    assert isinstance(grid, Grid)
    assert grid.rows == (("1", "Thanh Hóa"),)  # cells become text


# --- the registry --------------------------------------------------------------------------------


def test_the_registry_keeps_one_kind_per_key():
    registry.register(KIND)
    try:
        assert registry.register(KIND) is KIND  # the same kind again: nothing happens
        other = Kind(key=KIND.key, name="Khác", build=KIND.build)
        with pytest.raises(ValueError, match="already registered"):
            registry.register(other)
        assert registry.get(KIND.key) is KIND
        assert KIND in registry.kinds()
    finally:
        registry.unregister(KIND.key)
    with pytest.raises(LookupError, match="no document kind 'test_yearend'"):
        registry.get(KIND.key)


def test_a_kind_makes_its_example_context_from_its_fields():
    assert KIND.example_context() == {
        "above": "UBND tỉnh Thái Nguyên",
        "issuer": "Sở Nội vụ",
        "number": "Số: 12/BC-CTĐ",
        "place_date": "Thái Nguyên, ngày 15 tháng 5 năm 2018",
        "year": "2017",
        "summary": "Các đơn vị đã hoàn thành tốt nhiệm vụ.",
        "signer": "Nguyễn Văn A",
        "members": [{"rank": "1", "name": "Thanh Hóa", "score": "95,5"}],
    }
    rows = Field("rows", "Dòng", [{"a": "1"}, {"a": "2"}], children=[Field("a", "A", "9")])
    assert rows.example_value() == [{"a": "1"}, {"a": "2"}]
    members = KIND.fields[-1]
    assert members.loop_tags == ("{%tr for item in members %}", "{%tr endfor %}")
    assert members.child_tag(members.children[1]) == "{{ item.name }}"
    assert KIND.fields[0].tag == "{{ above }}"


def test_a_kind_refuses_fields_a_template_cannot_write():
    with pytest.raises(ValueError, match="appears twice"):
        Kind(key="dup", name="x", build=KIND.build, fields=[Field("a", "A"), Field("a", "B")])
    with pytest.raises(ValueError, match="not a name"):
        Field("rows", "Dòng", children=[Field("loop", "L")])
