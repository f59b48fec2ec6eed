"""HTML claim files: the whitespace-collapsed text of each block element, ``<img alt>`` and
``title`` attributes (``alt``) and ``<figcaption>`` (``caption``) are claims, located at their
first visible character; ``<meta name="specaudit:channel|model|lang">`` sets the defaults.
"""
from __future__ import annotations

import bisect
import re
from html import unescape
from html.parser import HTMLParser
from typing import Iterator

from ..model import Claim
from .common import _Defaults, _attach_waivers, _has_words, _make, _opt_str, _read_text, _waiver_comments

_BLOCK_TAGS = frozenset("""
address article aside blockquote body button caption dd details dialog div dl dt fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup html li main nav ol optgroup option
p pre section select summary table tbody td tfoot th thead tr ul legend
""".split())
_BREAK_TAGS = frozenset({"br", "hr"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "title"})
_VOID_TAGS = frozenset("""
area base br col embed hr img input link meta param source track wbr
""".split())
_WS_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#0*160|#x0*a0|#0*32|#x0*20);?", re.I)


class _HtmlClaims(HTMLParser):
    def __init__(self, path: str, text: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.raw = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.meta: dict[str, str] = {}
        self.items: list[tuple[str, int, str]] = []   # (text, absolute offset, kind)
        self.stack: list[tuple[str, str]] = [("#root", "body")]  # (tag, kind)
        self.segments: list[tuple[str, int]] = []    # text pieces of the current block
        self.skip: list[str] = []

    # positions ---------------------------------------------------------------------------
    def _abs(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _visible_start(self, pos: int) -> int:
        """From pos in the raw text, skip whitespace and whitespace entities."""
        raw = self.raw
        while pos < len(raw):
            if raw[pos].isspace():
                pos += 1
            elif raw[pos] == "&" and (m := _WS_ENTITY.match(raw, pos)):
                pos = m.end()
            else:
                break
        return pos

    def line_col(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, pos)
        return line, pos - self.line_starts[line - 1] + 1

    # blocks --------------------------------------------------------------------------------
    def _flush(self) -> None:
        segments, self.segments = self.segments, []
        text = re.sub(r"\s+", " ", "".join(s for s, _ in segments)).strip()
        if not text or not _has_words(text):
            return
        first = next(p for s, p in segments if s.strip())
        self.items.append((text, self._visible_start(first), self.stack[-1][1]))

    def _attr_claim(self, attr: str, kind: str) -> None:
        tag_text = self.get_starttag_text() or ""
        m = re.search(r"\s" + attr + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))",
                      tag_text, re.I)
        if not m:
            return
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        value = re.sub(r"\s+", " ", unescape(m.group(group))).strip()
        if value and _has_words(value):
            self.items.append((value, self._visible_start(self._abs() + m.start(group)), kind))

    def handle_starttag(self, tag, attrs):
        attrs_d = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            name = attrs_d.get("name", "").strip().lower()
            if name.startswith("specaudit:"):
                self.meta[name.split(":", 1)[1]] = attrs_d.get("content", "").strip()
            return
        if self.skip:
            if tag in _SKIP_TAGS and tag not in _VOID_TAGS:
                self.skip.append(tag)
            return
        if tag in _SKIP_TAGS:
            self.skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            kind = "caption" if tag == "figcaption" else self.stack[-1][1]
            self.stack.append((tag, kind))
        elif tag in _BREAK_TAGS:
            self._flush()
        if tag in ("img", "area") or (tag == "input" and attrs_d.get("type", "").lower() == "image"):
            self._attr_claim("alt", "alt")
        if "title" in attrs_d:
            self._attr_claim("title", "alt")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS and any(t == tag for t, _ in self.stack):
            self._flush()
            while self.stack[-1][0] != tag:
                self.stack.pop()
            self.stack.pop()
        elif tag in _BREAK_TAGS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.segments.append((data, self._abs()))

    def finish(self) -> list[tuple[str, int, str]]:
        self.close()
        self._flush()
        return self.items


def _read_html(path: str) -> Iterator[Claim]:
    text = _read_text(path)
    parser = _HtmlClaims(path, text)
    parser.feed(text)
    items = parser.finish()
    d = _Defaults(channel=_opt_str(parser.meta.get("channel")),
                  model=_opt_str(parser.meta.get("model")),
                  lang=_opt_str(parser.meta.get("lang")))
    claims = []
    for value, pos, kind in items:
        line, col = parser.line_col(pos)
        claims.append(_make(path, value, line, col, d, kind=kind))
    claims.sort(key=lambda c: (c.locator.line, c.locator.column))
    yield from _attach_waivers(claims, _waiver_comments(text))
