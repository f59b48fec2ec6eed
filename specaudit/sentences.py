"""Split a claim into sentences, Chinese and English alike.

A sentence ends at 。！？；｡ (always), at ASCII ! ? ; (unless glued to more ASCII text, as in a
URL or ``Yahoo!Japan``), at a full stop ``.`` that ends the text or is followed by whitespace and
a capital letter or a CJK character (or directly by a CJK character), and at a line break.

What does not end a sentence:

* a dot inside a number (``8.99万``, ``0.2元/km``, ``3.6 s``);
* a dot after a known abbreviation or a single letter (``e.g.``, ``i.e.``, ``approx.``,
  ``No. 1``, ``J. Smith``);
* the Chinese commas ``，`` and ``、`` (a later stage splits clauses);
* an ellipsis ``……`` / ``...`` followed by more of the same sentence;
* a line break that is plainly a soft wrap in the middle of a sentence: the line ends with a
  comma (``,`` ``，`` ``、``) or an opening bracket, or it ends with a letter or digit and the
  next line starts with a lower-case ASCII letter (``up to 502`` / ``km``).

A run of terminators (``？！``, ``!!!``, ``。……``) ends one sentence, and a closing quote or
bracket right after it stays with that sentence (``。”``, ``!)``). Sentences are stripped of
surrounding whitespace; a piece with no letter, digit or CJK character is not a sentence.

Each sentence's locator points at its own first character: the claim's line plus the line
breaks inside the claim text before it, and the column counted from the last of them. Claims
whose locator has no column (``.jsonl``/``.csv`` records, where a line break inside the text is
an escape on one physical line) give their sentences the record's line and no column.
"""
from __future__ import annotations

import dataclasses
import re

from .model import Claim, Sentence, new_sentence

_ALWAYS = frozenset("。！？；｡")
_ASCII_TERMS = frozenset("!?;")
_PERIODS = frozenset(".．")
_ELLIPSIS = frozenset("…⋯")
_CLUSTER = _ALWAYS | _ASCII_TERMS | _PERIODS | _ELLIPSIS
_CLOSERS = frozenset("”’」』）)】》〉]}\"'»")
_OPENERS = frozenset("“‘「『（(【《〈[\"'«")
_SOFT_WRAP_ENDS = frozenset(",，、(（[【“‘-–—/")
# Glued to one of these, ASCII ! ? ; is part of a token (URL query, code), not punctuation.
_GLUE = frozenset("=&/_%#-")
# Every character _boundaries looks at; it jumps from one to the next instead of stepping
# through the text (most characters end nothing).
_CANDIDATE = re.compile("[\n" + re.escape("".join(sorted(_CLUSTER))) + "]")

_ALNUM = re.compile(r"[^\W_]")  # str.isalnum(): \w without the underscore
_ABBREVIATIONS = frozenset({
    "approx", "appr", "ca", "cf", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr",
    "inc", "ltd", "co", "corp", "fig", "figs", "incl", "excl", "esp", "est", "al", "resp", "opt",
    "std", "avg", "nr", "nos", "vol", "pp", "dept",
})
# Left out on purpose: "etc" (it often ends a sentence) and "no": "No. 1" never splits anyway
# (a digit does not start a sentence), and "Sunroof? No. The roof is solid." should split.
_WORD_BEFORE = re.compile(r"([A-Za-z]+(?:\.[A-Za-z]+)*)$")


def split_sentences(claim: Claim) -> list[Sentence]:
    """The sentences of ``claim``, in order, each with the locator of its first character."""
    text = claim.text
    n = len(text)
    first = _CANDIDATE.search(text)
    # nothing that could end a sentence before the last character (most records): one sentence
    ends = _boundaries(text, first.start()) if first is not None and first.start() < n - 1 else []
    ends.append(n)
    out: list[Sentence] = []
    begin = 0
    for end in ends:
        if end <= begin:
            continue
        chunk = text[begin:end]
        a = begin + len(chunk) - len(chunk.lstrip())  # (str.strip strips what isspace() calls space)
        begin = end
        piece = chunk.strip()
        if _ALNUM.search(piece) is None:  # punctuation alone is no sentence
            continue
        out.append(new_sentence(piece, claim, a, _locate(claim, a)))
    return out


def _locate(claim: Claim, offset: int):
    loc = claim.locator
    if loc.line is None or loc.column is None:
        return loc  # a record: one physical line, positions inside it unknown
    before = claim.text[:offset]
    breaks = before.count("\n")
    if breaks == 0:
        return dataclasses.replace(loc, column=loc.column + offset)
    return dataclasses.replace(loc, line=loc.line + breaks,
                               column=offset - before.rfind("\n"))


def _boundaries(text: str, i: int = 0) -> list[int]:
    """Offsets where a sentence ends (exclusive), in increasing order; `i`: where to start
    looking (the first candidate character, when the caller has found it)."""
    ends: list[int] = []
    n = len(text)
    search = _CANDIDATE.search
    while i < n:
        m = search(text, i)
        if m is None:
            break
        i = m.start()
        c = text[i]
        if c == "\n":
            if not _soft_wrap(text, i):
                ends.append(i + 1)
            i += 1
        elif c in _ALWAYS or (c in _ASCII_TERMS and _ascii_term_ends(text, i)):
            i = _cluster_end(text, i + 1)
            ends.append(i)
        elif c in _PERIODS or c in _ELLIPSIS:
            j = i
            while j < n and (text[j] in _PERIODS or text[j] in _ELLIPSIS):
                j += 1
            if _dots_end(text, i, j):
                j = _cluster_end(text, j)
                ends.append(j)
            i = j
        else:
            i += 1
    return ends


def _cluster_end(text: str, j: int) -> int:
    n = len(text)
    while j < n and text[j] in _CLUSTER:
        j += 1
    while j < n and text[j] in _CLOSERS:
        j += 1
    return j


def _ascii_term_ends(text: str, i: int) -> bool:
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if nxt and ((nxt.isascii() and nxt.isalnum()) or nxt in _GLUE):
        return False
    return True


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x2FFFF or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF)


def _starts_sentence(text: str, k: int) -> bool:
    """Whether the character at k (after optional opening quotes) can begin a sentence."""
    n = len(text)
    while k < n and text[k] in _OPENERS:
        k += 1
    if k >= n:
        return False
    c = text[k]
    return c.isupper() or _is_cjk(c)


def _is_abbreviation(text: str, i: int) -> bool:
    m = _WORD_BEFORE.search(text, 0, i)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1:  # an initial ("J. Smith"), not a unit after a number ("3.6 s.", "5 V.")
        before = text[:m.start()].rstrip()
        return word.isupper() and not (before and before[-1].isdigit())
    return "." in word or word.lower() in _ABBREVIATIONS


def _dots_end(text: str, i: int, j: int) -> bool:
    """Whether the run of dots / ellipsis characters text[i:j] ends a sentence."""
    n = len(text)
    single = j - i == 1 and text[i] in _PERIODS
    if single and i > 0 and text[i - 1].isdigit() and j < n and text[j].isdigit():
        return False  # 8.99, 0.2, 3.6
    k = j
    while k < n and text[k] in _CLOSERS:
        k += 1
    m = k
    while m < n and text[m].isspace():
        m += 1
    if m >= n:
        return True  # end of the claim
    if single and _is_abbreviation(text, i):
        return False
    if m == k:  # nothing in between: "支持ACC.标配" splits, "v2.0", "x.com", "……后排" do not
        return single and _is_cjk(text[m]) and not (i > 0 and text[i - 1].isdigit())
    if "\n" in text[k:m]:
        return True
    return _starts_sentence(text, m)


def _soft_wrap(text: str, i: int) -> bool:
    """Whether the line break at i is a wrap inside a sentence rather than a break between."""
    p = i - 1
    while p >= 0 and text[p] in " \t\r":
        p -= 1
    q = i + 1
    while q < len(text) and text[q] in " \t\r\u3000":
        q += 1
    if p < 0 or q >= len(text) or text[q] == "\n":
        return False
    prev, nxt = text[p], text[q]
    if prev in _SOFT_WRAP_ENDS:
        return True
    return prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.islower()
