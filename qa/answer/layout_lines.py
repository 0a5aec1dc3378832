"""A passage's layout lines joined back into the lines a reader sees.

A PDF's text layer breaks sentences wherever the page's lines broke ("2. Tình" / "hình tệ nạn ma túy"), which cuts a
number from the words that say what it is and a sentence into fragments. The passage reader (numbers) and the
sentence candidates (passage answers) both read joined lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# A layout line that ends a sentence, a list item or a table cell; the next line starts a new one.
_LINE_END = re.compile(r"[.;:!?|]\s*$")
# A broken sentence goes on in lower case ("2. Tình" / "hình tệ nạn"); a table row, a heading, a list item or a
# name starts otherwise ("Giang mai 34 340%" / "Lậu 33 …": rows laid out as lines are never joined).
_LIST_ITEM = re.compile(r"^\s*[a-zđ]\)\s")
# Markdown bold around a number ("tổng số **5.655.274** liều"): the number's unit follows the marks.
_BOLD = re.compile(r"\*\*")


@dataclass(slots=True)
class ReadLine:
    """One line as a reader sees it: layout lines of a passage joined, with where each of them starts."""

    text: str
    offsets: list[int]  # the layout lines' offsets in the passage
    starts: list[int]  # where each begins in ``text``

    def offset_at(self, position: int) -> int:
        """The layout line (offset in the passage) that holds ``position`` of the text."""
        return self.offsets[bisect_right(self.starts, position) - 1]


def logical_lines(text: str) -> list[ReadLine]:
    """A passage's layout lines joined into the lines a reader sees: a PDF breaks sentences anywhere ("2. Tình" /
    "hình tệ nạn ma túy"), which would cut a number from the words that say what it is. Bold marks are dropped."""
    out: list[ReadLine] = []
    for offset, layout_line in enumerate(text.split("\n")):
        line = _BOLD.sub("", layout_line)
        last = out[-1] if out else None
        if (
            last is not None
            and line.strip()
            and last.text.strip()
            and not _LINE_END.search(last.text)
            and line.lstrip()[:1].islower()
            and not _LIST_ITEM.match(line)
        ):
            last.starts.append(len(last.text) + 1)
            last.text = f"{last.text} {line}"
            last.offsets.append(offset)
        else:
            out.append(ReadLine(line, [offset], [0]))
    return out
