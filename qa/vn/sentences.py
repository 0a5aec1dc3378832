"""Where a sentence may end: after '.', '!' or '?', but not after the period of a shorthand written before a name
("TP. Đà Nẵng", "BS. Lan"; the lexicon's ``abbreviations.dotted``). Cut there, "Từ đầu năm đến nay số ca mắc bệnh
tay chân miệng tại TP. Đà Nẵng đã lên tới 235 ca" named its 235 "Đà Nẵng đã lên tới"."""

from __future__ import annotations

import re

from qa.vn.lexicon import lexicon

# A regular-expression fragment to write right after a sentence mark: it fails when the mark is a shorthand's
# period. One fixed-width look-behind per shorthand (Python's look-behinds are fixed-width).
NOT_A_SHORTHAND_PERIOD = "".join(rf"(?<!(?<!\w){re.escape(w)}\.)" for w in lexicon().dotted)
