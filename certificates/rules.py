"""Pure rules of the printed certificates: the verification code (its alphabet, how it is shown and
how a typed code is read back), which award prints as which paper, and the lines of the authority
and the signature.

The code is 12 symbols of Crockford's base32 (digits and capitals without I, L, O, U: nothing to
confuse when read off paper), 60 random bits, shown as "TD-7K3M-9QXA-2F8B". Typed back, case,
spaces, dashes and dots do not matter, the "TD" prefix may be left out, and the letters people
mistake for digits are read as those digits (I, L → 1; O → 0), as Crockford's decoding does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
BITS = 5 * LENGTH  # 60
PREFIX = "TD"
GROUP = 4
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—._/]+")

CERTIFICATE_FORMS = ("BẰNG KHEN", "GIẤY KHEN")
TITLE_PAPER = "GIẤY CHỨNG NHẬN"


def code_from_int(value: int) -> str:
    """The code of a number below 2**60: its 12 base32 symbols, most significant first."""
    if not 0 <= value < 1 << BITS:
        raise ValueError("a code is made of 60 bits")
    return "".join(ALPHABET[(value >> shift) & 31] for shift in range(BITS - 5, -1, -5))


def display(code: str) -> str:
    """How a code is printed and shown: "TD-7K3M-9QXA-2F8B"."""
    groups = [code[i : i + GROUP] for i in range(0, len(code), GROUP)]
    return "-".join([PREFIX, *groups])


def normalise(text: str) -> str | None:
    """The stored code behind what someone typed, or None when it cannot be a code."""
    raw = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    if len(raw) == LENGTH + len(PREFIX) and raw.startswith(PREFIX):
        raw = raw[len(PREFIX) :]
    raw = raw.translate(_MISREAD)
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


# --- what is printed ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for comparing names."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def paper(award_kind: str, award_name: str) -> str:
    """The paper a commendation prints on: a form whose name starts "Bằng khen" or "Giấy khen" is
    that certificate; anything else (an emulation title, an order, a medal) gets a certificate
    of the title or form (giấy chứng nhận)."""
    if award_kind == "form":
        folded = _fold(award_name)
        for name in CERTIFICATE_FORMS:
            if folded.startswith(_fold(name)):
                return name
    return TITLE_PAPER


def is_certificate(paper_name: str) -> bool:
    return paper_name in CERTIFICATE_FORMS


def achievement(
    *, paper_name: str, award_kind: str, award_name: str, year: int, summary: str
) -> str:
    """The line under the recipient: what the paper is for. A Bằng khen or Giấy khen says the
    achievement (the decision's summary when it is written as one, "Đã có thành tích …"); a
    certificate of a title names the title and the year."""
    if not is_certificate(paper_name):
        if award_kind == "title":
            return f"Đạt danh hiệu “{award_name}” năm {year}"
        return f"Đã được tặng thưởng {award_name} năm {year}"
    summary = " ".join((summary or "").split())
    if _fold(summary).startswith("da "):
        return summary
    return f"Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {year}"


DEFAULT_TITLES = {
    "province": "Chủ tịch",
    "ministry": "Bộ trưởng",
    "department": "Giám đốc",
    "commune": "Chủ tịch",
}
ON_BEHALF = re.compile(r"^\s*(kt|tm|tl|tuq)\.\s*", re.IGNORECASE)
# Heads' titles, longest first, so a deputy's title finds the head it signs for
# ("Phó Chủ tịch Thường trực" → "Chủ tịch"; "Phó Tổng giám đốc" → "Tổng giám đốc").
HEADS = (
    "Tổng cục trưởng",
    "Tổng giám đốc",
    "Chánh văn phòng",
    "Trưởng phòng",
    "Hiệu trưởng",
    "Viện trưởng",
    "Cục trưởng",
    "Thủ trưởng",
    "Trưởng ban",
    "Thủ tướng",
    "Bộ trưởng",
    "Giám đốc",
    "Chủ tịch",
)


def _head_of_deputy(title: str) -> str | None:
    """The head a deputy signs for, or None when the title is not a deputy's."""
    lowered = title.lower()
    if lowered.startswith("thứ trưởng"):  # a deputy minister signs for the minister
        return "Bộ trưởng"
    if not lowered.startswith("phó "):
        return None
    rest = title[4:].strip()
    for head in HEADS:
        if rest.lower().startswith(head.lower()):
            return head
    return rest[:1].upper() + rest[1:] if rest else None


def signer_lines(signer_title: str, issuer_kind: str) -> tuple[str, str, str]:
    """(the head's title the authority line uses, the line "KT. …" above a deputy's title or "",
    the signer's own title), in capitals: a deputy signs on behalf of the head ("KT. CHỦ TỊCH /
    PHÓ CHỦ TỊCH") while the certificate is given in the head's name."""
    title = ON_BEHALF.sub("", " ".join(unicodedata.normalize("NFC", signer_title or "").split()))
    if not title:
        title = DEFAULT_TITLES.get(issuer_kind, "Thủ trưởng")
    head = _head_of_deputy(title)
    if head is not None:
        return head.upper(), f"KT. {head.upper()}", title.upper()
    return title.upper(), "", title.upper()


def authority_line(head_title: str, authority_name: str) -> str:
    """ "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN": the head's title and the issuing authority,
    once only when the authority's name already begins with the title ("Thủ tướng Chính phủ")."""
    if _fold(authority_name).startswith(_fold(head_title)):
        return authority_name.upper()
    return f"{head_title} {authority_name}".upper()


# The page's measures (mm) the certificate template is drawn to: the width of the text inside the
# frame, the room between the paper's name and the foot (decision, QR code, signature), and the
# authority line's sizes; and how wide a character of Liberation Serif is on average, generously
# (Vietnamese capitals with their marks are the widest).
PT_MM = 25.4 / 72
TEXT_WIDTH_MM = 238.0
LINE_WIDTH_MM = 228.0
MIDDLE_MM = 58.0
AUTHORITY_SIZES = ((60, 16.0), (90, 14.0))
EM = 0.5
CAPS_EM = 0.66
SMALLEST_PT = 9.0
NAME_SIZES = ((24, 34.0), (32, 30.0), (44, 25.0), (64, 20.0), (100, 17.0))
UNIT_SIZES = ((80, 17.0), (160, 14.0))
LINE_SIZES = ((90, 19.0), (180, 16.0), (300, 14.0))


def size_for(text: str, steps: tuple[tuple[int, float], ...], smallest: float) -> float:
    """A font size (pt) for a text: the first step whose length limit the text fits."""
    for limit, size in steps:
        if len(text) <= limit:
            return size
    return smallest


def lines_of(text: str, size: float, width_mm: float, *, em: float = EM) -> int:
    """How many lines a text takes at `size` pt in a column `width_mm` wide (an estimate that
    errs on the long side)."""
    if not text:
        return 0
    per_line = max(1, int(width_mm / (size * PT_MM * em)))
    return -(-len(text) // per_line)


def height_mm(text: str, size: float, width_mm: float, *, leading: float, gap: float) -> float:
    lines = lines_of(text, size, width_mm)
    return lines * size * PT_MM * leading + gap if lines else 0.0


def middle_height_mm(name: str, unit: str, line: str, sizes: Sequence[float]) -> float:
    """The estimated height of the recipient's name, the unit line and the achievement line."""
    return (
        height_mm(name, sizes[0], TEXT_WIDTH_MM, leading=1.15, gap=7)
        + height_mm(unit, sizes[1], TEXT_WIDTH_MM, leading=1.2, gap=3)
        + height_mm(line, sizes[2], LINE_WIDTH_MM, leading=1.25, gap=5)
    )


def authority_size(authority: str) -> float:
    """The authority line's size (pt): smaller for a long name."""
    return size_for(authority, AUTHORITY_SIZES, 12.0)


def middle_room_mm(authority: str) -> float:
    """The room for those three lines: less when the authority line takes two lines or more."""
    size = authority_size(authority)
    extra = lines_of(authority, size, TEXT_WIDTH_MM, em=CAPS_EM) - 1
    return MIDDLE_MM - max(0, extra) * size * PT_MM * 1.2


def fit_sizes(*, authority: str, name: str, unit: str, line: str) -> tuple[float, float, float]:
    """Font sizes (pt) of the recipient's name, the unit line and the achievement line so that
    the three fit between the paper's name and the foot: big for short texts, then all smaller
    together until the longest names and summaries fit."""
    room = middle_room_mm(authority)
    sizes = [
        size_for(name, NAME_SIZES, 15.0),
        size_for(unit, UNIT_SIZES, 12.0),
        size_for(line, LINE_SIZES, 12.0),
    ]
    while middle_height_mm(name, unit, line, sizes) > room and max(sizes) > SMALLEST_PT:
        sizes = [max(SMALLEST_PT, round(s * 0.92, 1)) for s in sizes]
    return sizes[0], sizes[1], sizes[2]
