"""Entry point of the web interface: `streamlit run ui/app.py` (API address from `QA_API_URL`).

Three pages — questions (`views/chat.py`), documents (`views/documents.py`) and the users' feedback
for administrators (`views/feedback.py`) — over the HTTP API only, like any other client. Everything on screen is Vietnamese: the user is a provincial official.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run ui/app.py` puts only ui/ on sys.path; the `ui.*` imports need the project root.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from ui.page import setup_page  # noqa: E402  (needs the path fix above)
from ui.session import render_api_key  # noqa: E402

st.set_page_config(page_title="Hỏi đáp kế hoạch y tế", page_icon="🩺", layout="wide")
setup_page()

page = st.navigation(
    [
        st.Page("views/chat.py", title="Hỏi đáp", icon=":material/forum:", default=True),
        st.Page("views/documents.py", title="Tài liệu", icon=":material/description:", url_path="tai-lieu"),
        st.Page("views/feedback.py", title="Phản hồi", icon=":material/reviews:", url_path="phan-hoi"),
    ]
)
page.run()
# After the page: the key box sits at the bottom of the sidebar; pages read its value from the
# session state of the previous run, so it must be drawn on every run (never `st.stop()` above).
render_api_key()
