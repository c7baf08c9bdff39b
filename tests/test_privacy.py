"""Privacy (issue 7, DESIGN section 6): uploads live in memory only, no telemetry, no tracebacks for users,
and no string from a file can reach raw HTML."""

from __future__ import annotations

import ast
import os
import tempfile
import tomllib
import uuid
from pathlib import Path

import pytest
from app_server import ROOT, app_server, chromium, open_app, upload

from analytics.ingest.guard import MAX_FILE_BYTES, MAX_FILE_MB, check_file

CONFIG = ROOT / ".streamlit" / "config.toml"
# The browser's own profile (created by playwright in the temp dir) holds what the page showed: it is the
# user's browser, not the app, so it is left out of the scan.
BROWSER_DIRS = ("playwright", "chromium", ".org.chromium")


def _snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """Every regular file under the roots with its (mtime_ns, size); unreadable corners are skipped."""
    found: dict[str, tuple[int, int]] = {}
    stack = [str(r) for r in roots if r.exists()]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not any(part in entry.name for part in BROWSER_DIRS):
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    found[entry.path] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
    return found


def _holding(paths: list[str], marker: bytes) -> list[str]:
    hits = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                if marker in handle.read(64 * 1024 * 1024):
                    hits.append(path)
        except OSError:
            continue
    return hits


@pytest.mark.browser
def test_an_upload_session_writes_the_data_nowhere():
    marker = f"PRIVACY{uuid.uuid4().hex}"
    rows = "".join(f"{m} 2024,{n},{marker}\n" for m, n in (("Apr", 11), ("May", 12), ("Jun", 13), ("Jul", 14)))
    data = f"Month,Referrals,Team\n{rows}".encode()
    roots = sorted({ROOT, Path.home(), Path(tempfile.gettempdir())})
    before = _snapshot(roots)
    with app_server() as (url, _), chromium() as browser:
        page = open_app(browser, url)
        upload(page, "private.csv", data)
        page.get_by_text("private.csv: timeseries").wait_for(timeout=60_000)
        page.get_by_role("link", name="Data").click()
        page.get_by_text("Ledger: every row read").wait_for(timeout=60_000)
        assert page.get_by_text("4 used").count() >= 1
        assert page.locator("[data-testid='stException']").count() == 0
    after = _snapshot(roots)
    changed = [p for p, sig in after.items() if before.get(p) != sig]
    # The marker is built here at run time, so only a copy of the upload can hold it; names only, never content.
    assert _holding(changed, marker.encode()) == [], "a file holding the uploaded data was written"
    assert _holding(changed, marker.encode("utf-16-le")) == []


def test_streamlit_config_is_hardened():
    config = tomllib.loads(CONFIG.read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] not in ("full", True, "true", "stacktrace")
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == MAX_FILE_MB
    assert config["client"]["disableDataExport"] is True  # no raw CSV download from st.dataframe's toolbar
    assert config.get("global", {}).get("developmentMode", False) is False


def test_upload_limit_is_stated_to_the_user():
    source = (ROOT / "app.py").read_text()
    assert "MAX_FILE_MB" in source and "MB" in source


def test_upload_limit_is_one_unit_in_the_uploader_guard_and_message():
    """The browser's uploader counts maxUploadSize in MB of 10**6 bytes; the guard refuses one byte more."""
    assert MAX_FILE_BYTES == MAX_FILE_MB * 10**6
    with pytest.raises(Exception, match=f"limit is {MAX_FILE_MB} MB"):
        check_file(b"a" * (MAX_FILE_BYTES + 1), "big.csv")
    assert check_file(b"a,b\n" * (MAX_FILE_BYTES // 4), "at_the_limit.csv").file_type == "csv"


def test_only_the_configured_host_names_are_accepted(monkeypatch):
    from streamlit import config
    from streamlit.web.server.starlette.starlette_websocket import is_host_allowed

    hosts = tomllib.loads(CONFIG.read_text())["server"]["allowedHosts"]
    monkeypatch.setattr(config, "get_option", lambda name: hosts if name == "server.allowedHosts" else None)
    assert is_host_allowed("localhost:8501") and is_host_allowed("127.0.0.1:8501") and is_host_allowed("[::1]:8501")
    assert not is_host_allowed("attacker.example:8501")
    assert not is_host_allowed("localhost.attacker.example")
    assert not is_host_allowed(None)


HTML_SINKS = {"html"}  # st.html, components.html, components.v1.html
RAW_HTML_KEYWORDS = {"unsafe_allow_html"}


def _ui_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _raw_html_calls(tree: ast.AST) -> list[tuple[int, str, ast.Call]]:
    """Calls that put their first argument into the page as raw HTML."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        raw = any(k.arg in RAW_HTML_KEYWORDS and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                  for k in node.keywords)
        if raw or _call_name(node) in HTML_SINKS:
            found.append((node.lineno, _call_name(node), node))
    return found


def _content_is_literal(call: ast.Call) -> bool:
    content = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in {"body", "html"}), None)
    return isinstance(content, ast.Constant) and isinstance(content.value, str)


@pytest.mark.parametrize("path", _ui_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_string_reaches_raw_html(path):
    offenders = [f"{path.name}:{line} {name}(...)" for line, name, call in _raw_html_calls(ast.parse(path.read_text()))
                 if not _content_is_literal(call)]
    assert offenders == [], "raw HTML built from a variable: " + ", ".join(offenders)


def test_the_raw_html_check_catches_what_it_should():
    bad = ast.parse("st.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\nst.html(text)\n"
                    "components.html(body)\nst.write(x, unsafe_allow_html=flag)\n")
    good = ast.parse("st.markdown('<br>', unsafe_allow_html=True)\nst.markdown(name)\nst.html('<hr>')\n"
                     "st.markdown(name, unsafe_allow_html=False)\n")
    assert len([c for *_, c in _raw_html_calls(bad) if not _content_is_literal(c)]) == 4
    assert [c for *_, c in _raw_html_calls(good) if not _content_is_literal(c)] == []


EVIL = "evil.invalid"
MARKDOWN_HEADER = (f"Week ending ![i](http://{EVIL}/x.png) [Click to re-enter your password](http://{EVIL}/p)"
                   f",Calls ![c](http://{EVIL}/c.png) <img src=http://{EVIL}/h.png>")
MARKDOWN_NAME = "![n](n.png)[Click here](p)_*x*_.csv"  # a file name cannot hold '/', so relative links


@pytest.mark.browser
def test_markdown_and_html_from_a_file_are_never_rendered():
    """Issue 16: a file whose name and headers carry Markdown images and links shows them as text: no <img> or
    <a> from them in the page, and the browser never contacts their host."""
    rows = "".join(f"2024-{m:02d}-0{1 + m % 7},{10 + m}\n" for m in range(1, 13))
    data = f"{MARKDOWN_HEADER}\n{rows}".encode()
    requests: list[str] = []
    with app_server() as (url, _), chromium() as browser:
        page = open_app(browser, url)
        page.on("request", lambda request: requests.append(request.url))
        upload(page, MARKDOWN_NAME, data)
        page.get_by_text("Click here").first.wait_for(timeout=60_000)
        for link in ("Home", "Data", "Explore trends", "KPI summary"):
            page.get_by_role("link", name=link).click()
            if link == "Data":
                page.get_by_text("Ledger: every row read").wait_for(timeout=60_000)
            page.wait_for_timeout(3000)
            while page.locator("[data-testid='stStatusWidget']").count():  # the script is still running
                page.wait_for_timeout(300)
            assert page.locator("[data-testid='stException']").count() == 0, link
            planted = page.locator("img[src*='evil'], img[src*='n.png'], a[href*='evil'], a[href$='/p'], "
                                   "a[href='p'], a:has-text('Click'), a:has-text('evil')")
            assert planted.count() == 0, f"{link}: {planted.first.evaluate('e => e.outerHTML')}"
            page.screenshot(path=str(ROOT / "tests" / "artefacts" / f"markdown_{link.split()[0].lower()}.png"),
                            full_page=True)
            if link == "Data":  # the detection table names the period column: shown, as typed
                assert page.get_by_text("Click to re-enter your password").count() >= 1
    fetched = [u for u in requests if EVIL in u or u.endswith(("/n.png", "/p"))]
    assert fetched == []
