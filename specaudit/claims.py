"""Load marketing copy into Claims: records, paragraphs, captions and alt texts.

Formats (by extension, case-insensitive):

* ``.jsonl``: one JSON object per line, ``id`` and ``text`` required; streamed line by line.
* ``.csv``: a header with ``id`` and ``text``; UTF-8, UTF-8 with BOM or GB18030; streamed.
* ``.md``: YAML front matter (``model``, ``channel``, ``kind``, ``lang``); every paragraph,
  list item, heading and table row is a claim; image alt texts and titles are ``alt`` claims;
  code fences, HTML comments, ``<script>``/``<style>`` and link targets are not copy.
* ``.txt``: every paragraph is a claim.
* ``.html`` / ``.htm``: the text of each block element, ``<img alt>`` and ``title`` attributes
  (``alt``), ``<figcaption>`` (``caption``); ``<meta name="specaudit:channel|model|lang">``.
* ``.yaml`` / ``.yml``: a caption list (strings, or mappings with ``text``), optionally wrapped
  in ``{channel:, model:, kind:, lang:, captions: [...]}``; kind defaults to ``caption``; a
  caption's ``id`` and other keys go to ``Claim.extra`` (``Locator.record`` is for records).

Every claim carries a Locator that points at the first character of its text in the original
file (1-based line and column, counted in characters). Records (``.jsonl``/``.csv``) give the
line of the record and no column. Markdown and text claims keep their lines as written (only
markup is blanked out with spaces), so a position inside the claim text maps back to the file
exactly; HTML and YAML claims are whitespace-collapsed / folded, so only their first character
is exact.

Everything that cannot be read raises InputError naming the file and, where it applies, the
line: a missing path, an unknown extension named explicitly, an undecodable file, malformed
JSON/YAML/front matter, a record without ``id`` or ``text``, a file without any claim, a folder
without any claim file.
"""
from __future__ import annotations

import bisect
import codecs
import csv
import json
import os
import re
from dataclasses import dataclass, replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from .errors import InputError
from .model import Claim, Locator

CLAIM_EXTENSIONS = (".jsonl", ".csv", ".md", ".txt", ".html", ".htm", ".yaml", ".yml")
KINDS = ("body", "caption", "alt", "faq")
STREAMED = (".jsonl", ".csv")
MAX_WHOLE_FILE_BYTES = 50 * 1024 * 1024  # md / txt / html / yaml are read whole

_RECORD_FIELDS = ("id", "text", "channel", "kind", "model", "lang")


# --------------------------------------------------------------------------- public API

def claim_files(paths: Iterable[str | Path] | str | Path) -> list[str]:
    """The claim files that ``iter_claims(paths)`` reads, in the order it reads them.

    A file is taken as named (an unknown extension is an error). A folder is searched
    recursively; its files with a claim extension are taken in code-point order of their
    relative path (hidden files and folders, whose name starts with ".", are skipped); other
    files are not copy and are ignored. A file reached twice is read once.
    """
    out: list[str] = []
    seen: set[str] = set()
    for given in _as_list(paths):
        name = os.fspath(given)
        if not os.path.exists(name):
            raise InputError("no such file or folder", name)
        if os.path.isdir(name):
            found = _folder_files(name)
            if not found:
                raise InputError("no claim files in this folder (looked for "
                                 + ", ".join(CLAIM_EXTENSIONS) + ")", name)
        else:
            if _ext(name) not in CLAIM_EXTENSIONS:
                raise InputError(f"not a claims file: unknown extension {_ext(name) or '(none)'!r} "
                                 f"(expected one of {', '.join(CLAIM_EXTENSIONS)})", name)
            found = [name]
        for f in found:
            key = os.path.realpath(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def iter_claims(paths: Iterable[str | Path] | str | Path) -> Iterator[Claim]:
    """Stream the claims of files and folders, file by file, in ``claim_files`` order.

    All paths are checked before the first claim is produced. ``.jsonl`` and ``.csv`` are
    read record by record in bounded memory; other formats are read whole (up to 50 MB).
    Raises InputError (see the module docstring) as soon as a problem is met.
    """
    for path in claim_files(paths):
        count = 0
        for claim in _READERS[_ext(path)](path):
            count += 1
            yield claim
        if count == 0:
            raise InputError("no claims found in this file", path)


def load_claims(paths: Iterable[str | Path] | str | Path) -> list[Claim]:
    """``list(iter_claims(paths))``; an input that yields no claim at all is an InputError."""
    claims = list(iter_claims(paths))
    if not claims:
        raise InputError("no claims found: no claim files were given")
    return claims


# --------------------------------------------------------------------------- files

def _as_list(paths) -> list:
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def _folder_files(folder: str) -> list[str]:
    found: list[tuple[tuple[str, ...], str]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            if f.startswith(".") or _ext(f) not in CLAIM_EXTENSIONS:
                continue
            full = os.path.join(root, f)
            rel = os.path.relpath(full, folder)
            found.append((tuple(Path(rel).parts), full))
    found.sort()
    return [full for _, full in found]


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


def _stream_encoding(path: str) -> str:
    """Pick the encoding of a streamed file in one bounded-memory pass: utf-8-sig or gb18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    line = _first_bad_line(path, "utf-8")
    raise InputError("cannot decode the file: it is neither UTF-8 nor GB18030 "
                     f"(first byte that is not UTF-8 on line {line})", path)


def _first_bad_line(path: str, encoding: str) -> int | None:
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                return number
    return None


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


# --------------------------------------------------------------------------- records

def _record_claim(path: str, line: int, fields: dict, where: str) -> Claim | None:
    rid = fields.get("id")
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        raise InputError("record has no 'id'", path, where)
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        raise InputError(f"'id' must be a string or an integer, not {type(rid).__name__}", path, where)
    text = fields.get("text")
    if text is None:
        raise InputError(f"record {rid!s} has no 'text'", path, where)
    if not isinstance(text, str):
        raise InputError(f"record {rid!s}: 'text' must be a string, not {type(text).__name__}",
                         path, where)
    if not text.strip():
        return None  # an empty text says nothing; nothing to audit
    kind = fields.get("kind")
    kind = _check_kind(kind, path, where) if _opt_str(kind) else "body"
    extra = tuple(sorted((str(k), str(v)) for k, v in fields.items()
                         if k not in _RECORD_FIELDS and k != WAIVER_FIELD))
    return Claim(
        text=text,
        locator=Locator(source=path, line=line, column=None, record=str(rid).strip(), kind=kind,
                        channel=_opt_str(fields.get("channel")), model=_opt_str(fields.get("model"))),
        lang=_opt_str(fields.get("lang")),
        extra=extra,
        waivers=_field_waivers(fields.get(WAIVER_FIELD)),
    )


def _read_jsonl(path: str) -> Iterator[Claim]:
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    with fh:
        for number, raw in enumerate(fh, 1):
            where = f"line {number}"
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("not valid UTF-8 (JSON Lines files are UTF-8)", path, where) from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, where) from None
            if not isinstance(record, dict):
                raise InputError(f"expected a JSON object, got {type(record).__name__}", path, where)
            claim = _record_claim(path, number, record, where)
            if claim is not None:
                yield claim


def _read_csv(path: str) -> Iterator[Claim]:
    encoding = _stream_encoding(path)
    try:
        fh = open(path, encoding=encoding, newline="")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                return
            names = [h.strip().lower() for h in header]
            missing = [c for c in ("id", "text") if c not in names]
            if missing:
                raise InputError(f"the header must name columns 'id' and 'text' (missing: "
                                 f"{', '.join(missing)}; found: {', '.join(header)})", path, "line 1")
            dupes = sorted({n for n in names if n and names.count(n) > 1})
            if dupes:
                raise InputError(f"duplicate column(s) in the header: {', '.join(dupes)}", path, "line 1")
            while True:
                first_line = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    break
                where = f"line {first_line}"
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(names):
                    raise InputError(f"row has {len(row)} fields but the header has {len(names)} "
                                     "(quote a text that contains a comma)", path, where)
                fields = {n: cell for n, cell in zip(names, row) if n}
                fields = {k: (v if k == "text" else v.strip()) for k, v in fields.items()}
                for optional in ("channel", "kind", "model", "lang"):
                    if fields.get(optional) == "":
                        del fields[optional]
                claim = _record_claim(path, first_line, fields, where)
                if claim is not None:
                    yield claim
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path, f"line {reader.line_num}") from None
        except UnicodeDecodeError:  # the file changed since it was checked
            raise InputError("cannot decode the file", path) from None


# --------------------------------------------------------------------------- text blocks

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


def _block_claim(path: str, first: int, lines: list[str], d: _Defaults,
                 kind: str | None = None) -> Claim | None:
    """A claim from consecutive lines (0-based index of the first); text kept as written.

    Trailing blanks of each line are dropped and leading blanks of the block skipped, so the
    text starts at its first visible character; the lines keep their positions, so any offset
    in the text maps back to the file.
    """
    lines = [ln.rstrip() for ln in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
        first += 1
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    lead = len(lines[0]) - len(lines[0].lstrip())
    text = "\n".join(lines)[lead:]
    if not _has_words(text):
        return None
    return _make(path, text, first + 1, lead + 1, d, kind)


def _read_txt(path: str) -> Iterator[Claim]:
    lines = _lines(_read_text(path))
    d = _Defaults()
    block: list[str] = []
    start = 0
    for idx, line in enumerate(lines + [""]):
        if line.strip():
            if not block:
                start = idx
            block.append(line)
        elif block:
            claim = _block_claim(path, start, block, d)
            if claim:
                yield claim
            block = []


# --------------------------------------------------------------------------- markdown

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


# --------------------------------------------------------------------------- html

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


# --------------------------------------------------------------------------- yaml

_NULL_TAG = "tag:yaml.org,2002:null"


def _scalar(node) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == _NULL_TAG and node.style is None:
        return None
    return node.value


def _scalar_position(node, lines: list[str]) -> tuple[int, int]:
    """1-based (line, column) of the first character of a scalar's text in the file."""
    mark = node.start_mark
    if node.style in ('"', "'"):
        line, col = mark.line, mark.column + 1
        rest = lines[line][col:] if line < len(lines) else ""
        return line + 1, col + (len(rest) - len(rest.lstrip())) + 1
    if node.style in ("|", ">"):
        for i in range(mark.line + 1, len(lines)):
            if lines[i].strip():
                return i + 1, len(lines[i]) - len(lines[i].lstrip()) + 1
    return mark.line + 1, mark.column + 1


def _read_yaml(path: str) -> Iterator[Claim]:
    text = _read_text(path)
    lines = _lines(text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", path,
                         f"line {mark.line + 1}" if mark else None) from None
    if root is None:
        return
    d = _Defaults(kind="caption")

    def where(node) -> str:
        return f"line {node.start_mark.line + 1}"

    def settings(mapping, into: _Defaults, allowed: tuple[str, ...]) -> dict:
        values = {}
        for k, v in mapping.value:
            key = _scalar(k)
            values[key] = v
            if key in ("channel", "model", "lang") and key in allowed:
                setattr(into, key, _opt_str(_scalar(v)))
            elif key == "kind" and key in allowed and _opt_str(_scalar(v)):
                into.kind = _check_kind(_scalar(v), path, where(v))
        return values

    items = root
    if isinstance(root, yaml.MappingNode):
        top = settings(root, d, ("channel", "model", "kind", "lang"))
        items = top.get("captions")
        if items is None:
            raise InputError("expected a list of captions, or a mapping with a 'captions' list",
                             path, where(root))
    if not isinstance(items, yaml.SequenceNode):
        raise InputError("'captions' must be a list", path, where(items))

    for item in items.value:
        own = _Defaults(d.channel, d.model, d.kind, d.lang)
        extra: tuple[tuple[str, str], ...] = ()
        if isinstance(item, yaml.ScalarNode):
            node = item
        elif isinstance(item, yaml.MappingNode):
            values = settings(item, own, ("channel", "model", "kind", "lang"))
            node = values.get("text")
            if node is None or (isinstance(node, yaml.ScalarNode) and _scalar(node) is None):
                raise InputError("caption has no 'text'", path, where(item))
            # An 'id' is kept in extra: Locator.record is for .jsonl/.csv records only.
            extra = tuple(sorted((str(k), _scalar(v) or "") for k, v in values.items()
                                 if k not in _RECORD_FIELDS[1:]))
        else:
            raise InputError("a caption must be a string or a mapping with 'text'", path, where(item))
        if not isinstance(node, yaml.ScalarNode):
            raise InputError("'text' must be a string", path, where(node))
        value = _scalar(node)
        if value is None or not value.strip():
            continue
        line, col = _scalar_position(node, lines)
        claim = _make(path, value.strip(), line, col, own, extra=tuple(e for e in extra if e[0] != WAIVER_FIELD))
        if isinstance(item, yaml.MappingNode) and WAIVER_FIELD in values:
            claim = replace(claim, waivers=_field_waivers(_scalar(values[WAIVER_FIELD])))
        yield claim


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


_READERS = {
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
    ".md": _read_md,
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}
