"""JSON Lines and CSV claim files: one record a claim, streamed record by record in bounded
memory; ``id`` and ``text`` are required, the record's line is its locator (no column), and
columns other than the known fields go to ``Claim.extra``.
"""
from __future__ import annotations

import codecs
import csv
import json
import re

import orjson
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import Claim, new_claim, new_locator
from .common import _RECORD_FIELDS, WAIVER_FIELD, _check_kind, _field_waivers, _opt_str


# orjson parses a record about 3x faster than json, which is most of reading a catalogue. What
# it refuses goes to json, which takes a little more (NaN, integers beyond 64 bits) and words
# the error by column.
_loads = orjson.loads


def _loads_leniently(line: str, path: str, number: int):
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, f"line {number}") from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply", path, f"line {number}") from None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BLANK = object()  # a blank line: nothing to read (a JSON null is a record of the wrong type)


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


_KNOWN_FIELDS = frozenset(_RECORD_FIELDS)  # a record with only these has no `extra` to collect


def _record_claim(path: str, line: int, fields: dict, where: str | None = None) -> Claim | None:
    """The claim of one record (None when its text is empty); `where` defaults to its line."""
    rid, text = fields.get("id"), fields.get("text")
    if not (rid.__class__ is str and rid.strip() and text.__class__ is str):  # the common record, in one test
        _check_id_and_text(rid, text, path, where or f"line {line}")
    if not text.strip():
        return None  # an empty text says nothing; nothing to audit
    get = fields.get
    kind = get("kind")
    kind = _check_kind(kind, path, where or f"line {line}") if _opt_str(kind) else "body"
    extra = ()
    if len(fields) > 2 and not _KNOWN_FIELDS.issuperset(fields):  # (most records: only known fields)
        extra = tuple(sorted((str(k), str(v)) for k, v in fields.items()
                             if k not in _RECORD_FIELDS and k != WAIVER_FIELD))
    waivers = get(WAIVER_FIELD)
    return new_claim(
        text,
        new_locator(path, line, None, rid.strip() if rid.__class__ is str else str(rid).strip(), kind,
                    _opt_str(get("channel")), _opt_str(get("model"))),
        _opt_str(get("lang")),
        extra,
        _field_waivers(waivers) if waivers is not None else (),
    )


def _check_id_and_text(rid, text, path: str, where: str) -> None:
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        raise InputError("record has no 'id'", path, where)
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        raise InputError(f"'id' must be a string or an integer, not {type(rid).__name__}", path, where)
    if text is None:
        raise InputError(f"record {rid!s} has no 'text'", path, where)
    if not isinstance(text, str):
        raise InputError(f"record {rid!s}: 'text' must be a string, not {type(text).__name__}", path, where)


def _record_slowly(raw: bytes, path: str, number: int):
    """A line orjson refuses: a BOM, a blank line (_BLANK), bytes that are not UTF-8, or JSON that
    only json reads (NaN, big integers); json also words the error by column."""
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8 (JSON Lines files are UTF-8)", path, f"line {number}") from None
    if not line or line.isspace():
        return _BLANK
    record = _loads_leniently(line, path, number)
    # json reads "\ud800" escapes that pair with nothing (orjson refuses them): such a string is
    # not text, and no later stage could encode it
    if record.__class__ is dict and any(v.__class__ is str and _LONE_SURROGATE.search(v) for v in record.values()):
        raise InputError("a string holds an unpaired surrogate escape (\\ud800-\\udfff): not text",
                         path, f"line {number}")
    return record


def _read_jsonl(path: str) -> Iterator[Claim]:
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    with fh:
        yield from jsonl_claims(path, fh, 1)


def jsonl_claims(path: str, lines: Iterable[bytes], first_line: int) -> Iterator[Claim]:
    """Claims from JSON Lines given as raw lines numbered from `first_line` (a whole file, or a
    byte range of one that a Dask partition holds): one set of checks and messages for both."""
    for number, raw in enumerate(lines, first_line):
        try:
            record = _loads(raw)  # (orjson reads the bytes and checks that they are UTF-8)
        except ValueError:
            record = _record_slowly(raw, path, number)
            if record is _BLANK:
                continue
        if record.__class__ is not dict:
            raise InputError(f"expected a JSON object, got {type(record).__name__}", path, f"line {number}")
        claim = _record_claim(path, number, record, None)
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
