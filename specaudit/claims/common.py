"""Helpers shared by the claim readers: constants, whole-file decoding, line maps, the
defaults a file sets for its claims (``_Defaults``/``_make``), and waivers (``specaudit-ignore``
comments and the ``specaudit_ignore`` record field).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from ..errors import InputError
from ..model import Claim, Locator

KINDS = ("body", "caption", "alt", "faq")
MAX_WHOLE_FILE_BYTES = 50 * 1024 * 1024  # md / txt / html / yaml are read whole

_RECORD_FIELDS = ("id", "text", "channel", "kind", "model", "lang")


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def _read_text(path: str) -> str:
    """A whole (non-streamed) claims file as text: UTF-8 (BOM or not), else GB18030."""
    try:
        size = os.path.getsize(path)
        if size > MAX_WHOLE_FILE_BYTES:
            raise InputError(f"file is {size / 1024 / 1024:.0f} MB; {_ext(path)} claim files are "
                             f"read whole and are limited to 50 MB (split it, or use .jsonl/.csv, "
                             f"which are streamed)", path)
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_line = data.count(b"\n", 0, exc.start) + 1
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError("cannot decode the file: it is neither UTF-8 nor GB18030 "
                         f"(first byte that is not UTF-8 on line {utf8_line})", path) from None


def _lines(text: str) -> list[str]:
    """Physical lines, split on \\n only (as editors and HTMLParser count them)."""
    return [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]


def _check_kind(kind, path: str, where: str | None) -> str:
    kind = str(kind).strip().lower()
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})", path, where)
    return kind


def _opt_str(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@dataclass
class _Defaults:
    channel: str | None = None
    model: str | None = None
    kind: str = "body"
    lang: str | None = None


def _make(path: str, text: str, line: int, column: int, d: _Defaults,
          kind: str | None = None, record: str | None = None,
          extra: tuple[tuple[str, str], ...] = ()) -> Claim:
    return Claim(text=text,
                 locator=Locator(source=path, line=line, column=column, record=record,
                                 kind=kind or d.kind, channel=d.channel, model=d.model),
                 lang=d.lang, extra=extra)


# --------------------------------------------------------------------------- waivers

WAIVER_FIELD = "specaudit_ignore"
_WAIVER_COMMENT = re.compile(r"<!--\s*specaudit-ignore\b(?P<body>.*?)-->", re.S | re.I)
_QUOTES = {'"': '"', "'": "'", "“": "”", "「": "」", "‘": "’"}


def parse_waiver(body: str) -> tuple[tuple[str, str], ...]:
    """``'sunroof, sunshade: "why"'`` -> ``(("sunroof", "why"), ("sunshade", "why"))``.

    The targets are feature ids, spec row labels or rule ids, separated by commas; ``*`` or
    ``all`` (or none) waives every finding of the claim. The reason follows a colon, quoted or
    not; a waiver without one is kept with reason "" (the audit reports it, and it waives nothing).
    """
    body = " ".join(body.split())
    if ":" in body or "：" in body:
        cut = min(i for i in (body.find(":"), body.find("：")) if i >= 0)
        targets, reason = body[:cut], body[cut + 1:]
    elif (q := next((i for i, ch in enumerate(body) if ch in _QUOTES), -1)) >= 0:
        targets, reason = body[:q], body[q:]
    else:
        targets, reason = body, ""
    reason = reason.strip()
    if len(reason) >= 2 and _QUOTES.get(reason[0]) == reason[-1]:
        reason = reason[1:-1].strip()
    names = [t.strip() for t in re.split(r"[,，]", targets) if t.strip()] or ["*"]
    return tuple(("*" if t.lower() == "all" else t, reason) for t in names)


def _field_waivers(value) -> tuple[tuple[str, str], ...]:
    """The waivers of a ``specaudit_ignore`` record field: a string, or (JSON) a list of them."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(w for item in items if str(item).strip() for w in parse_waiver(str(item)))


def _waiver_comments(text: str) -> list[tuple[int, int, tuple[tuple[str, str], ...]]]:
    """(line, column) just after each ``<!-- specaudit-ignore … -->`` comment, with its waivers."""
    out = []
    for m in _WAIVER_COMMENT.finditer(text):
        line = text.count("\n", 0, m.end()) + 1
        col = m.end() - (text.rfind("\n", 0, m.end()) + 1) + 1
        out.append((line, col, parse_waiver(m.group("body"))))
    return out


def _attach_waivers(claims: list[Claim], comments) -> list[Claim]:
    """A waiver comment covers the next claim after it, and the claims starting on that claim's
    line (an image's alt text and its caption). ``claims`` are sorted by position."""
    if not comments:
        return claims
    claims = list(claims)
    for line, col, waivers in comments:
        nxt = next((c for c in claims if (c.locator.line, c.locator.column or 1) >= (line, col)), None)
        if nxt is None:
            continue
        for i, c in enumerate(claims):
            if c.locator.line == nxt.locator.line and (c.locator.line, c.locator.column or 1) >= (line, col):
                claims[i] = replace(c, waivers=c.waivers + waivers)
    return claims
