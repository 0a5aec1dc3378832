"""What every page carries: the page styles (ui/static/page.css) and the page script (ui/static/page.js)
with its settings, and the browser's id for the saved history (a cookie the script keeps).

Why a cookie and a server-side store for the history, not the browser's localStorage: the answers are
saved by the API when it gives them (so a share link shows exactly what the service said), and a reload
only needs the browser's id to get them back — read by Streamlit from the request (`st.context.cookies`)
on the first run, with no round trip through a JavaScript component. With a valid API key the server
keeps the history under the key instead, so a user finds it in any browser.
"""

from __future__ import annotations

import json
import re
import uuid
from functools import cache
from pathlib import Path

import streamlit as st

from ui.i18n import EXACT, PATTERNS

STATIC = Path(__file__).resolve().parent / "static"
BROWSER_COOKIE = "qa_trinh_duyet"  # the browser's history id
CONVERSATION_COOKIE = "qa_cuoc_hoi_dap"  # the conversation on screen, reopened after a reload
_BROWSER = "browser_id"  # session-state keys
CONVERSATION = "conversation_id"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_UNSAFE_FOR_SANITISER = re.compile(r"<[/\w]")


@cache
def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _cookie(name: str) -> str | None:
    try:
        value = st.context.cookies.get(name)
    except Exception:  # no browser behind this session (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and _TOKEN.match(value) else None


def new_id() -> str:
    return uuid.uuid4().hex


def browser_id() -> str:
    """This browser's id: from its cookie, or new (the page script stores it in the cookie)."""
    if _BROWSER not in st.session_state:
        st.session_state[_BROWSER] = _cookie(BROWSER_COOKIE) or new_id()
    return str(st.session_state[_BROWSER])


def remembered_conversation() -> str | None:
    """The conversation this browser had on screen before the reload, if its cookie says so."""
    return _cookie(CONVERSATION_COOKIE)


def setup_page() -> None:
    """Styles and the page script; call once per run, before anything is drawn."""
    st.html(f"<style>{_static('page.css')}</style>")
    config = {
        "cookies": {
            BROWSER_COOKIE: browser_id(),
            CONVERSATION_COOKIE: st.session_state.get(CONVERSATION),
        },
        "browserCookie": BROWSER_COOKIE,
        "exact": EXACT,
        "patterns": PATTERNS,
        "copied": "Đã sao chép ✓",
        "copyFailed": "Không sao chép được — hãy chọn chữ rồi nhấn Ctrl+C",
    }
    # The sanitiser in front of st.html drops a script whose text holds "<" before a letter or "/".
    settings = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    code = _static("page.js")
    assert not _UNSAFE_FOR_SANITISER.search(code), "ui/static/page.js must not contain '<' before a letter"
    script = f"<script>window.__qaConfig = {settings};\n{code}</script>"
    with st.container(key="qa-page-script"):
        st.html(script, unsafe_allow_javascript=True)
