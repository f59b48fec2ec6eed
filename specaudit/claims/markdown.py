"""Markdown claim files: YAML front matter sets the defaults; every paragraph, list item,
heading and table row is a claim, image alt texts and titles are ``alt`` claims, and code
fences, HTML comments, ``<script>``/``<style>`` and link targets are blanked out with spaces
so that positions in the claim text map back to the file.
"""
from __future__ import annotations

import re
from html import unescape
from typing import Iterator

import yaml

from ..errors import InputError
from ..model import Claim
from .common import (_Defaults, _attach_waivers, _check_kind, _has_words, _lines, _make, _opt_str,
                     _read_text, _waiver_comments)
from .text import _block_claim


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HIDDEN_SPANS = (("<!--", "-->"), ("<script", "</script>"), ("<style", "</style>"))
_ATX = re.compile(r"^( {0,3}#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST = re.compile(r"^([ \t]*(?:[-*+•]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)(?=\S)")
_QUOTE = re.compile(r"^(?: {0,3}> ?)+")
_TABLE_DELIM = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+")
_MD_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]"
    r"(?:\(\s*(?:<[^>]*>|[^\s()]*)(?:\s+(?P<q>[\"'])(?P<title>.*?)(?P=q))?\s*\)|\[[^\]]*\])")
_HTML_IMG_ALT = re.compile(r"<img\b[^>]*?\balt\s*=\s*(?:\"(?P<a>[^\"]*)\"|'(?P<b>[^']*)')", re.I)
_LINK = re.compile(r"\[(?P<text>[^\[\]]*)\](?P<target>\([^()\s]*(?:\s+\"[^\"]*\")?\)|\[[^\[\]]*\])")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def _blank(s: str, a: int, b: int) -> str:
    """s with s[a:b] turned into spaces (line breaks kept): positions do not move."""
    return s[:a] + re.sub(r"[^\n]", " ", s[a:b]) + s[b:]


def _front_matter(path: str, lines: list[str]) -> tuple[_Defaults, int]:
    """The defaults set by the front matter, and the index of the first line after it."""
    d = _Defaults()
    if not lines or lines[0].rstrip() != "---":
        return d, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise InputError("front matter opened with '---' is never closed", path, "line 1")
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 2}" if mark else "line 2"
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"malformed front matter: {problem}", path, where) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping (key: value lines)", path, "line 2")
    d.channel = _opt_str(data.get("channel"))
    d.model = _opt_str(data.get("model"))
    d.lang = _opt_str(data.get("lang"))
    if _opt_str(data.get("kind")):
        d.kind = _check_kind(data["kind"], path, "front matter")
    return d, end + 1


def _hide_markdown(lines: list[str], body: int) -> list[str]:
    """Lines with everything that is not copy blanked out (front matter, code fences,
    comments, script/style), same length and positions as the original."""
    work: list[str] = []
    fence: tuple[str, int] | None = None
    closing: str | None = None
    for idx, line in enumerate(lines):
        if idx < body:
            work.append("")
            continue
        if fence is not None:
            stripped = line.strip()
            if (stripped and set(stripped) == {fence[0]} and len(stripped) >= fence[1]
                    and len(line) - len(line.lstrip(" ")) < 4):
                fence = None
            work.append("")
            continue
        if closing is None:
            m = _FENCE.match(line)
            if m and not (m.group(1)[0] == "`" and "`" in line[m.end():]):
                fence = (m.group(1)[0], len(m.group(1)))
                work.append("")
                continue
        pos = 0
        lower = line.lower()
        while True:
            if closing is not None:
                end = lower.find(closing, pos)
                if end < 0:
                    line = _blank(line, pos, len(line))
                    break
                line = _blank(line, pos, end + len(closing))
                pos = end + len(closing)
                closing = None
            else:
                starts = [(lower.find(o, pos), c) for o, c in _HIDDEN_SPANS]
                starts = [(s, c) for s, c in starts if s >= 0]
                if not starts:
                    break
                pos, closing = min(starts)
        work.append(line)
    return work


def _read_md(path: str) -> Iterator[Claim]:
    lines = _lines(_read_text(path))
    d, body = _front_matter(path, lines)
    work = _hide_markdown(lines, body)
    hidden = list(work)
    found: list[Claim] = []

    # Images first: their alt text and title are claims of their own, not part of the body.
    for idx, line in enumerate(work):
        for m in _MD_IMAGE.finditer(line):
            for group in ("alt", "title"):
                if m.group(group) and m.group(group).strip() and _has_words(m.group(group)):
                    value = m.group(group)
                    lead = len(value) - len(value.lstrip())
                    found.append(_make(path, value.strip(), idx + 1, m.start(group) + lead + 1,
                                       d, kind="alt"))
            line = _blank(line, m.start(), m.end())
        for m in _HTML_IMG_ALT.finditer(line):
            group = "a" if m.group("a") is not None else "b"
            value = m.group(group)
            if _has_words(value):
                lead = len(value) - len(value.lstrip())
                found.append(_make(path, unescape(value.strip()), idx + 1,
                                   m.start(group) + lead + 1, d, kind="alt"))
        for m in reversed(list(_LINK.finditer(line))):
            line = _blank(line, m.start("target"), m.end("target"))
            line = _blank(line, m.start(), m.start() + 1)
            line = _blank(line, m.end("text"), m.end("text") + 1)
        line = _TAG.sub(lambda t: " " * len(t.group()), line)
        if _LINK_DEF.match(line):
            line = ""
        work[idx] = line

    block: list[str] = []
    start = 0
    block_type = ""

    def close() -> None:
        nonlocal block, block_type
        if block:
            claim = _block_claim(path, start, block, d)
            if claim:
                found.append(claim)
        block, block_type = [], ""

    def single(idx: int, line: str) -> None:
        close()
        claim = _block_claim(path, idx, [line], d)
        if claim:
            found.append(claim)

    for idx, line in enumerate(work):
        if not line.strip():
            close()
            continue
        if m := _ATX.match(line):
            heading = _blank(line, 0, m.end())
            if c := _ATX_CLOSE.search(heading):
                heading = heading[:c.start()]
            single(idx, heading)
            continue
        if _THEMATIC.match(line) or _SETEXT.match(line):  # rules and setext underlines
            close()
            continue
        if line.lstrip().startswith("|"):
            if not _TABLE_DELIM.match(line):
                single(idx, line.replace("|", " "))
            else:
                close()
            continue
        if m := _QUOTE.match(line):
            line = _blank(line, 0, m.end())
            if not line.strip():
                close()
                continue
            if block_type != "quote":
                close()
                block_type, start = "quote", idx
            block.append(line)
            continue
        if m := _LIST.match(line):
            close()
            block_type, start = "item", idx
            block.append(_blank(line, 0, m.end()))
            continue
        if not block:
            block_type, start = "para", idx
        block.append(line)
    close()

    found.sort(key=lambda c: (c.locator.line, c.locator.column))
    yield from _attach_waivers(found, [
        (line, col, w) for line, col, w in _waiver_comments("\n".join(lines))
        if line - 1 >= body and len(hidden[line - 1]) == len(lines[line - 1])])  # not in a code fence
