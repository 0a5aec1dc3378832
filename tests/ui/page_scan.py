"""What a user sees or hears on a rendered page, and which of it is not Vietnamese (tests/ui/test_browser.py).

`SCAN_JS` collects the visible text (skipping what is hidden from screen readers) and the labels screen
readers announce (aria-label, title, placeholder, alt). `english_words` keeps the words that cannot be a
Vietnamese syllable: Vietnamese is written in single syllables of a fixed shape (an initial consonant,
one to three vowels, one final consonant from a short list), so "Browse", "files", "Drag", "Send" or
"message" fail it, while "Bắc Giang", "tham khảo" or unaccented "bac si" pass.
"""

from __future__ import annotations

import re
import unicodedata

SCAN_JS = r"""
const out = [];
function hidden(el) {
  for (let e = el; e; e = e.parentElement) {
    if (e.getAttribute && e.getAttribute('aria-hidden') === 'true') return true;
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden') return true;
  }
  return false;
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const text = n.nodeValue.trim();
  if (!text || !n.parentElement) continue;
  const tag = n.parentElement.tagName;
  if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'NOSCRIPT') continue;
  if (!hidden(n.parentElement)) out.push(['text', text]);
}
for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt],[aria-description]')) {
  if (el.closest('[aria-hidden="true"]')) continue;
  for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']) {
    const v = el.getAttribute(a);
    if (v && v.trim()) out.push([a, v.trim()]);
  }
}
out.push(['lang', document.documentElement.lang]);
return out;
"""

_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W_]+")
# Names a user knows as they are: keys, file formats, programs; and the loanwords the shipped documents use
# themselves (quoted passages show the documents as written).
ALLOWED = frozenset(
    {"enter", "ctrl", "excel", "word", "pdf", "docx", "xlsx", "html", "txt", "md", "htm", "cat", "png", "svg"}
    | {"methadone", "covid", "online", "vaccine", "website", "internet"}
)


def fold(word: str) -> str:
    word = word.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).lower()


def english_words(text: str) -> list[str]:
    found = []
    for word in _WORD.findall(text):
        if len(word) < 2 or any(c.isdigit() or c.isupper() for c in word[1:]) or fold(word) in ALLOWED:
            continue  # single letters, acronyms and codes (BHYT, API, CTr of 33-CTr/TU, file hashes)
        if not _SYLLABLE.match(fold(word)):
            found.append(word)
    return found
