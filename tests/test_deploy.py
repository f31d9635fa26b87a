"""The configuration examples in deploy/ parse, and name real commands, options, ports and settings.

- every systemd unit parses and has the keys it needs; every `ExecStart` runs a real program: the
  gunicorn app imports and gunicorn accepts its options, every `manage.py <cmd>` is a management
  command that accepts the options given; `systemd-analyze verify` agrees when it is installed;
- the nginx site's braces balance, its upstream names exactly the web units' ports, its body limit
  matches the application's upload limits; `nginx -t` accepts it when nginx is installed;
- env.example names only variables the settings read, and all the required ones.
"""

from __future__ import annotations

import importlib
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, get_commands, load_command_class
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
NGINX = DEPLOY / "nginx" / "thidua.conf"
ENV_EXAMPLE = DEPLOY / "env.example"
SETTINGS_SOURCE = ROOT / "thidua" / "settings.py"

INSTALL_DIR = "/srv/thidua"
VENV_BIN = f"{INSTALL_DIR}/.venv/bin/"
ENV_FILE = "/etc/thidua/env"
WEB_UNIT = "thidua-web@.service"
WORKER_UNIT = "thidua-worker.service"
SCHEDULED = {"stats_refresh", "send_report_reminders", "audit_verify"}
REQUIRED_ENV = {
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "PUBLIC_BASE_URL",
    "AXES_PROXY_COUNT",
    "THIDUA_VAR_DIR",
}
# Read by the settings, but only for the test suite.
NOT_FOR_SERVERS = {"THIDUA_TESTING"}


# --- systemd ------------------------------------------------------------------------------------

Unit = dict[str, dict[str, list[str]]]


def parse_unit(path: Path) -> Unit:
    """systemd's unit syntax: [Section], Key=value (repeatable), # and ; comments, \\ continuation."""
    sections: Unit = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: bad section header {line!r}"
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep and key.strip(), f"{path.name}:{number}: not Key=value: {line!r}"
        assert current is not None, f"{path.name}:{number}: a key outside any section"
        current.setdefault(key.strip(), []).append(value.strip())
    assert not pending, f"{path.name}: ends with a continuation"
    return sections


def one(unit: Unit, section: str, key: str) -> str:
    values = unit.get(section, {}).get(key, [])
    assert len(values) == 1, f"[{section}] {key}: expected once, found {values}"
    return values[0]


def command_line(unit: Unit, instance: str = "1") -> list[str]:
    """ExecStart as argv, specifiers expanded (%i → the instance, %% → %), prefixes (-@:+!) dropped."""
    line = re.sub(
        r"%(.)",
        lambda m: {"i": instance, "I": instance, "%": "%"}[m.group(1)],
        one(unit, "Service", "ExecStart"),
    )
    argv = shlex.split(line)
    argv[0] = argv[0].lstrip("-@:+!")
    return argv


def units() -> dict[str, Unit]:
    return {p.name: parse_unit(p) for p in sorted(SYSTEMD.iterdir()) if p.is_file()}


def services() -> dict[str, Unit]:
    return {name: unit for name, unit in units().items() if name.endswith(".service")}


def test_the_expected_units_are_there() -> None:
    names = set(units())
    assert {WEB_UNIT, WORKER_UNIT} <= names
    assert all(name.endswith((".service", ".timer")) for name in names)
    for timer in (n for n in names if n.endswith(".timer")):
        assert timer.removesuffix(".timer") + ".service" in names, f"{timer} has no service"


@pytest.mark.parametrize("name", sorted(services()))
def test_every_service_has_the_keys_it_needs(name: str) -> None:
    unit = services()[name]
    assert set(unit) <= {"Unit", "Service", "Install"}
    assert one(unit, "Unit", "Description")
    assert one(unit, "Service", "User") == "thidua"
    assert one(unit, "Service", "WorkingDirectory") == INSTALL_DIR
    assert one(unit, "Service", "EnvironmentFile") == ENV_FILE
    assert command_line(unit)[0].startswith(VENV_BIN)
    kind = unit["Service"].get("Type", ["simple"])[0]
    if kind == "oneshot":
        # Started by its timer: no [Install] of its own, no restart loop.
        assert "Install" not in unit
        assert "Restart" not in unit["Service"]
        assert (SYSTEMD / name.replace(".service", ".timer")).exists(), f"{name} has no timer"
    else:
        assert one(unit, "Service", "Restart") in {"always", "on-failure"}
        assert one(unit, "Install", "WantedBy") == "multi-user.target"


@pytest.mark.parametrize("name", sorted(n for n in units() if n.endswith(".timer")))
def test_every_timer_has_a_schedule(name: str) -> None:
    unit = units()[name]
    assert set(unit) == {"Unit", "Timer", "Install"}
    assert one(unit, "Unit", "Description")
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", one(unit, "Timer", "OnCalendar"))
    assert one(unit, "Timer", "Persistent") == "true"
    assert one(unit, "Install", "WantedBy") == "timers.target"


def test_the_web_unit_runs_gunicorn_on_the_app_with_options_it_accepts() -> None:
    from gunicorn.config import Config

    argv = command_line(services()[WEB_UNIT], instance="1")
    assert argv[0] == VENV_BIN + "gunicorn"
    assert (Path(sys.executable).parent / "gunicorn").exists()
    config = Config()
    try:
        parsed = config.parser().parse_args(argv[1:])
    except SystemExit:
        pytest.fail(f"gunicorn refuses {argv[1:]}")
    for key, value in vars(parsed).items():
        if key != "args" and value is not None:
            config.set(key.lower(), value)  # gunicorn's own validation of each value
    assert parsed.args == ["thidua.wsgi:application"]
    module, _, attribute = parsed.args[0].partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert config.bind == ["127.0.0.1:8001"]
    assert config.workers >= 2
    assert one(services()[WEB_UNIT], "Service", "Type") == "notify"  # gunicorn tells systemd


def manage_py(unit: Unit) -> tuple[str, list[str]]:
    argv = command_line(unit)
    assert argv[0] == VENV_BIN + "python"
    assert argv[1] == "manage.py", argv
    assert (ROOT / "manage.py").exists()
    return argv[2], argv[3:]


@pytest.mark.parametrize(
    "name", sorted(n for n, u in services().items() if "manage.py" in command_line(u))
)
def test_every_manage_py_command_exists_and_accepts_its_options(name: str, settings: Any) -> None:
    # As in production: db_worker checks that the backend it serves is the database one.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    command, options = manage_py(services()[name])
    commands = get_commands()
    assert command in commands, f"{name}: no management command {command!r}"
    parser = load_command_class(commands[command], command).create_parser("manage.py", command)
    try:
        parser.parse_args(options)
    except CommandError as error:
        pytest.fail(f"{name}: manage.py {command} refuses {options}: {error}")


def test_the_worker_and_the_scheduled_commands_are_all_there() -> None:
    assert manage_py(services()[WORKER_UNIT])[0] == "db_worker"
    scheduled = {
        manage_py(unit)[0]
        for name, unit in services().items()
        if unit["Service"].get("Type") == ["oneshot"]
    }
    assert scheduled == SCHEDULED


def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    """With systemd's own checker, when installed (paths pointed at this checkout)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None or not (ROOT / ".venv" / "bin" / "gunicorn").exists():
        pytest.skip("systemd-analyze or .venv/bin/gunicorn is not here")
    for path in SYSTEMD.iterdir():
        text = path.read_text(encoding="utf-8").replace(INSTALL_DIR, str(ROOT))
        name = path.name.replace("@.", "@1.")  # verify needs an instance of the template
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    complaints = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert complaints == []


# --- nginx --------------------------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None
    children: list[Directive] = field(default_factory=list)


def nginx_tokens(text: str) -> list[str]:
    """Words, quoted strings, `{`, `}` and `;`; comments dropped."""
    pattern = re.compile(r"""\s+|#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{};]|[^\s{};"'#]+""")
    tokens = []
    position = 0
    while position < len(text):
        match = pattern.match(text, position)
        assert match, f"nginx: cannot read at {text[position : position + 30]!r}"
        token = match.group()
        position = match.end()
        if token.strip() and not token.startswith("#"):
            tokens.append(token[1:-1] if token[0] in "\"'" else token)
    return tokens


def parse_nginx(text: str) -> list[Directive]:
    tokens = nginx_tokens(text)
    stack: list[list[Directive]] = [[]]
    words: list[str] = []
    for token in tokens:
        if token == ";":
            assert words, "nginx: an empty statement"
            stack[-1].append(Directive(words[0], words[1:]))
            words = []
        elif token == "{":
            assert words, "nginx: a block without a name"
            directive = Directive(words[0], words[1:], block=[])
            stack[-1].append(directive)
            assert directive.block is not None
            stack.append(directive.block)
            words = []
        elif token == "}":
            assert not words, f"nginx: {words} lacks its ';'"
            assert len(stack) > 1, "nginx: a '}' closes nothing"
            stack.pop()
        else:
            words.append(token)
    assert not words, f"nginx: {words} lacks its ';'"
    assert len(stack) == 1, "nginx: a '{' is never closed"
    return stack[0]


def find(directives: list[Directive], name: str) -> list[Directive]:
    found = []
    for directive in directives:
        if directive.name == name:
            found.append(directive)
        if directive.block:
            found.extend(find(directive.block, name))
    return found


def nginx_tree() -> list[Directive]:
    return parse_nginx(NGINX.read_text(encoding="utf-8"))


def tls_server() -> Directive:
    servers = [
        s
        for s in find(nginx_tree(), "server")
        if s.block is not None and find(s.block, "ssl_certificate")
    ]
    assert len(servers) == 1
    return servers[0]


def server_level(server: Directive, name: str) -> list[list[str]]:
    assert server.block is not None
    return [d.args for d in server.block if d.name == name]


def locations(server: Directive) -> dict[str, list[Directive]]:
    assert server.block is not None
    return {" ".join(d.args): d.block or [] for d in server.block if d.name == "location"}


def test_the_nginx_braces_balance() -> None:
    text = re.sub(r"#[^\n]*", "", NGINX.read_text(encoding="utf-8"))
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert nginx_tree()  # and the whole file parses


def test_the_upstream_is_exactly_the_web_units_ports() -> None:
    tree = nginx_tree()
    (upstream,) = find(tree, "upstream")
    assert upstream.block is not None
    addresses = [d.args[0] for d in upstream.block if d.name == "server"]
    assert len(addresses) >= 2
    assert len(set(addresses)) == len(addresses)
    bind_template = re.search(r"--bind (\S+)", one(services()[WEB_UNIT], "Service", "ExecStart"))
    assert bind_template
    instance_pattern = re.escape(bind_template.group(1)).replace("%i", r"(\d+)")
    for address in addresses:
        match = re.fullmatch(instance_pattern, address)
        assert match, f"upstream {address} is no thidua-web@N"
        argv = command_line(services()[WEB_UNIT], instance=match.group(1))
        assert argv[argv.index("--bind") + 1] == address
    passes = {tuple(d.args) for d in find(tree, "proxy_pass")}
    assert passes == {(f"http://{upstream.args[0]}",)}


def test_the_body_limit_matches_the_largest_upload() -> None:
    from core import uploads
    from documents.services import MAX_TEMPLATE_BYTES
    from reports.workbook import MAX_BYTES as REPORT_WORKBOOK_BYTES
    from scoring.assessment import EVIDENCE_MAX_BYTES

    largest = max(
        uploads.MAX_BYTES,
        EVIDENCE_MAX_BYTES,
        REPORT_WORKBOOK_BYTES,
        MAX_TEMPLATE_BYTES,
        settings.IMPORT_MAX_BYTES,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )
    (limit,) = server_level(tls_server(), "client_max_body_size")
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", limit[0]).groups()  # type: ignore[union-attr]
    size = int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit.lower()]
    assert largest < size <= largest + 2 * 2**20  # room for the form, not much more


def test_tls_hsts_and_forwarded_headers() -> None:
    server = tls_server()
    assert ["443", "ssl", "http2"] in server_level(server, "listen")
    (hsts,) = [a for a in server_level(server, "add_header") if a[0] == "Strict-Transport-Security"]
    assert (
        re.match(r"max-age=(\d+)", hsts[1]) and int(hsts[1].split("=")[1].split(";")[0]) >= 31536000
    )
    assert hsts[2] == "always"
    assert ["Strict-Transport-Security"] in server_level(server, "proxy_hide_header")  # not twice
    headers = {args[0]: args[1] for args in server_level(server, "proxy_set_header")}
    assert headers["Host"] == "$host"
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    # A location with add_header/proxy_set_header of its own would drop the server's ones.
    for name, block in locations(server).items():
        assert not find(block, "add_header"), name
        assert not find(block, "proxy_set_header"), name
    # Plain HTTP only redirects.
    (plain,) = [
        s
        for s in find(nginx_tree(), "server")
        if s.block is not None and not find(s.block, "ssl_certificate")
    ]
    assert plain.block is not None
    assert [d.name for d in plain.block if d.name not in {"listen", "server_name"}] == ["return"]


def test_static_files_healthz_and_no_uploads() -> None:
    by_path = locations(tls_server())
    static = by_path[settings.STATIC_URL]
    assert Path(settings.STATIC_ROOT).relative_to(settings.VAR_DIR) == Path("staticfiles")
    (alias,) = [d.args[0] for d in static if d.name == "alias"]
    assert alias == env_example()["THIDUA_VAR_DIR"] + "/staticfiles/"
    health = by_path["= " + reverse("core:healthz")]
    assert [d.args for d in health if d.name == "access_log"] == [["off"]]
    assert [d.name for d in health if d.name == "proxy_pass"] == ["proxy_pass"]
    # Uploaded files are served by the application after its permission checks, never by nginx.
    assert not any(settings.MEDIA_URL in path for path in by_path)
    assert not any("media" in d.args[0] for d in find(nginx_tree(), "alias"))


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    """`nginx -t` on a wrapper config in a temporary directory, when nginx and openssl are here."""
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx or openssl is not installed")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t",
         "-keyout", str(key), "-out", str(certificate)],
        capture_output=True,
        check=True,
        timeout=60,
    )  # fmt: skip
    site = NGINX.read_text(encoding="utf-8")
    site = re.sub(r"ssl_certificate \S+;", f"ssl_certificate {certificate};", site)
    site = re.sub(r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};", site)
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "thidua.conf").write_text(site, encoding="utf-8")
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{mime}\n{temp}\ninclude {tmp_path}/thidua.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own file
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            f"{tmp_path}/error.log",
            "-c",
            f"{tmp_path}/nginx.conf",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- env.example --------------------------------------------------------------------------------


def env_example(*, commented: bool = False) -> dict[str, str]:
    """NAME=value lines; with `commented`, also the `# NAME=value` ones (optional settings)."""
    pattern = r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)" if commented else r"()([A-Z][A-Z0-9_]*)=(.*)"
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(pattern, line.strip())
        if match:
            assert match.group(2) not in found, f"{match.group(2)} twice"
            found[match.group(2)] = match.group(3)
    return found


def settings_variables() -> set[str]:
    """The environment variables thidua/settings.py reads (os.environ[…], .get(…), env_*(…))."""
    source = SETTINGS_SOURCE.read_text(encoding="utf-8")
    return set(
        re.findall(r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']""", source)
    ) | set(re.findall(r"""\benv_\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def test_env_example_names_only_what_the_settings_read() -> None:
    read = settings_variables()
    assert read >= REQUIRED_ENV  # the reader above still works
    unknown = set(env_example(commented=True)) - (read - NOT_FOR_SERVERS)
    assert unknown == set()


def test_env_example_sets_every_required_variable_with_a_placeholder() -> None:
    active = env_example()
    assert set(active) >= REQUIRED_ENV
    assert all(active[name] for name in REQUIRED_ENV)
    assert active.get("DEBUG", "0") == "0"
    assert "change-me" in active["SECRET_KEY"]
    assert "change-me" in active["DATABASE_URL"]
    assert active["DATABASE_URL"].startswith("postgres://")
    # systemd and a shell (`set -a; . /etc/thidua/env`) read the same: no quotes, spaces, $ or <>.
    assert all(re.fullmatch(r"[^\s\"'`$<>|;&\\]*", value) for value in active.values())
