"""The translation catalogues: complete, well-formed, in sync with the code, and actually used.

Vietnamese is the default interface language and English the second one, so every msgid of both
catalogues must have a reviewed translation (no empty msgstr, no "fuzzy" flag), and every string the
code marks for translation must already be in the committed catalogues.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LANGS = ("vi", "en")
MAKEMESSAGES_IGNORE = (".venv", "node_modules", "var", "bench")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def parse_po(path: Path) -> list[Entry]:
    """A small PO reader: enough for gettext's own output (no obsolete "#~" entries kept)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside an entry"
            value = ast.literal_eval(line)
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + value)
            continue
        value = ast.literal_eval(rest.strip())
        if keyword == "msgctxt":
            if target is not None and target[0] == "msgstr":
                finish()
            entry.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            if target is not None and target[0] == "msgstr":
                finish()
            entry.msgid, entry.line, target = value, number, ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0], target = value, ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[len("msgstr[") : -1])
            entry.msgstr[index], target = value, ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def po_path(root: Path, lang: str) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / "django.po"


def header(entries: list[Entry]) -> dict[str, str]:
    head = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    pairs = (line.partition(":") for line in head.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, _sep, value in pairs}


# --- (a) complete and well-formed -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete_and_not_fuzzy(lang: str) -> None:
    path = po_path(ROOT, lang)
    entries = parse_po(path)
    messages = [e for e in entries if e.msgid]
    assert len(messages) > 100, f"{path} looks truncated ({len(messages)} entries)"

    head = header(entries)
    assert head.get("Language") == lang
    assert "charset=UTF-8" in head.get("Content-Type", "")
    nplurals = 1 if lang == "vi" else 2
    assert head.get("Plural-Forms", "").startswith(f"nplurals={nplurals};")

    problems = []
    for e in entries:
        where = f"{path.relative_to(ROOT)}:{e.line} {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"{where}: fuzzy")
        if not e.msgid:
            continue  # the header
        expected = list(range(nplurals)) if e.msgid_plural is not None else [0]
        if sorted(e.msgstr) != expected:
            problems.append(f"{where}: msgstr forms {sorted(e.msgstr)}, expected {expected}")
        if any(not e.msgstr.get(i, "").strip() for i in expected):
            problems.append(f"{where}: not translated")
    assert not problems, "Incomplete catalogue:\n" + "\n".join(problems)


def test_english_catalogue_repeats_the_source_text() -> None:
    for e in parse_po(po_path(ROOT, "en")):
        if not e.msgid:
            continue
        assert e.msgstr[0] == e.msgid, e.msgid
        if e.msgid_plural is not None:
            assert e.msgstr[1] == e.msgid_plural, e.msgid_plural


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_placeholders_match(lang: str) -> None:
    """msgfmt --check-format: every %(name)s of the msgid is kept in the translation."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext (msgfmt) is not installed")
    result = subprocess.run(  # noqa: S603
        [msgfmt, "--check-format", "--check-header", "-o", os.devnull, str(po_path(ROOT, lang))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- (b) in sync with the code ----------------------------------------------------------------


def _copy_ignore(directory: str, names: list[str]) -> set[str]:
    skipped = {"node_modules", "var", "bench", "__pycache__", "staticfiles"}
    return {
        n
        for n in names
        if n in skipped or n.startswith(".") or n.endswith((".egg-info", ".mo", ".pyc"))
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_catalogue_has_every_marked_string(tmp_path: Path) -> None:
    """Re-run makemessages on a copy of the source tree; nothing it finds may be missing."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=_copy_ignore)
    before = {lang: _digest(po_path(ROOT, lang)) for lang in LANGS}

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        THIDUA_TESTING="1",
        PYTHONPATH=str(copy),
        DJANGO_SETTINGS_MODULE="thidua.settings",
        THIDUA_VAR_DIR=str(tmp_path / "var"),
    )
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v0"]
    command += [f"-l{lang}" for lang in LANGS]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    result = subprocess.run(  # noqa: S603
        command, cwd=copy, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr

    # The run must have worked on the copy, never on the committed catalogues.
    assert before == {lang: _digest(po_path(ROOT, lang)) for lang in LANGS}

    missing: list[str] = []
    for lang in LANGS:
        committed = {e.key for e in parse_po(po_path(ROOT, lang))}
        regenerated = {e.key for e in parse_po(po_path(copy, lang))}
        missing += [
            f"{lang}: {msgid!r}" + (f" (context {ctx!r})" if ctx else "")
            for ctx, msgid in sorted(regenerated - committed, key=lambda k: (k[0] or "", k[1]))
        ]
    assert not missing, (
        "Strings marked for translation are missing from locale/*/LC_MESSAGES/django.po; run "
        "makemessages and translate them:\n" + "\n".join(missing)
    )


# --- (c) the Vietnamese interface is really Vietnamese ----------------------------------------


@pytest.fixture
def compiled() -> None:
    for lang in LANGS:
        mo = po_path(ROOT, lang).with_suffix(".mo")
        if not mo.exists():
            pytest.fail(f"{mo} is missing: run `make messages` (manage.py compilemessages)")


# Called through a plain name so that xgettext does not extract the test's own strings.
_tr = translation.gettext


def test_key_strings_render_in_vietnamese(compiled: None) -> None:
    from orgs.models import LineageKind

    with translation.override("vi"):
        assert _tr("Sign in") == "Đăng nhập"
        assert _tr("Sign out") == "Đăng xuất"
        assert _tr("Organisations") == "Đơn vị"
        assert _tr("People") == "Cá nhân"
        assert _tr("Audit log") == "Nhật ký"
        assert str(LineageKind.MERGED_INTO.label) == "sáp nhập vào"
        assert str(LineageKind.SPLIT_FROM.label) == "chia tách từ"
        assert str(LineageKind.RENAMED.label) == "đổi tên thành"
        assert str(LineageKind.DISSOLVED.label) == "giải thể"
    with translation.override("en"):
        assert _tr("Organisations") == "Organisations"
        assert str(LineageKind.MERGED_INTO.label) == "merged into"


def test_import_labels_match_the_template_notes(compiled: None) -> None:
    """The people template tells users to type these Vietnamese labels: they must be the labels."""
    from people.models import Category

    with translation.override("vi"):
        labels = {str(label) for _code, label in Category.choices}
        assert labels == {
            "Lãnh đạo, quản lý",
            "Người lao động trực tiếp",
            "Công chức, viên chức, người lao động",
        }
        assert _tr("Male") == "Nam"
        assert _tr("Female") == "Nữ"
