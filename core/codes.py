"""Stable codes of the titles and forms of commendation (domain.md §5), with their Vietnamese names.

The full catalogue (subjects, levels, rewards, dossiers) is built on these codes; this module is the
list the rest of the product validates codes against.
"""

from __future__ import annotations

# Emulation titles (danh hiệu thi đua).
TITLES: dict[str, str] = {
    "LDTT": "Lao động tiên tiến",
    "CSTD_CS": "Chiến sĩ thi đua cơ sở",
    "CSTD_BO": "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
    "CSTD_TQ": "Chiến sĩ thi đua toàn quốc",
    "TTLDTT": "Tập thể lao động tiên tiến",
    "TTLDXS": "Tập thể lao động xuất sắc",
    "CO_BO": "Cờ thi đua của bộ, ban, ngành, tỉnh",
    "CO_CP": "Cờ thi đua của Chính phủ",
    "XA_TB": "Xã, phường, đặc khu tiêu biểu",
    "THON_VH": "Thôn, tổ dân phố văn hóa",
    "GD_VH": "Gia đình văn hóa",
}

# Forms of commendation (hình thức khen thưởng) the rules need.
FORMS: dict[str, str] = {
    "GK": "Giấy khen",
    "BK_BO": "Bằng khen cấp bộ, ban, ngành, tỉnh",
    "BK_TTG": "Bằng khen của Thủ tướng Chính phủ",
    "HCLD3": "Huân chương Lao động hạng Ba",
    "HCLD2": "Huân chương Lao động hạng Nhì",
    "HCLD1": "Huân chương Lao động hạng Nhất",
}

# What a collective (a cluster's member unit) may strive for in its covenant registration.
COLLECTIVE_CODES: tuple[str, ...] = (
    "TTLDTT",
    "TTLDXS",
    "CO_BO",
    "CO_CP",
    "XA_TB",
    "GK",
    "BK_BO",
    "BK_TTG",
    "HCLD3",
    "HCLD2",
    "HCLD1",
)


def code_name(code: str) -> str:
    """The Vietnamese name of a title or form code (the code itself when unknown)."""
    return TITLES.get(code) or FORMS.get(code) or code
