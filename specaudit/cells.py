"""Reading one configuration-table cell: an availability symbol (maybe with a note), a figure, or text.

    ●  S  Standard  标配  Yes  ✓  √        standard
    ○  O  Optional  选配  选装               optional
    -  —  –  N/A  无  No  ✗  ×  (empty)      absent in an availability row; a dash, N/A or an
                                             empty cell in a row of figures or text means
                                             "not applicable" (the trim drops out of scope)

A symbol may carry a note: "●(高配)", "○ ¥3,000", "O ($1,200)" -> note "高配", "¥3,000", "$1,200".
Figures are read by units.parse_quantity ("510 km", "¥89,800", "0.2 元/km"); a figure may carry a
bracketed note too ("510 km (CLTC)"). Any other cell is text. A cell made only of punctuation or
symbols that is none of the above ("◎", "?", "★") is an error, never a guess.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from .errors import InputError
from .model import Availability, CellKind, SpecCell
from .units import parse_quantity

# Keys are NFKC-normalised and case-folded.
DASHES = frozenset({"-", "—", "–", "−", "--", "——", "n/a", "na"})
AVAILABILITY_WORDS: dict[str, Availability] = {
    **dict.fromkeys(("●", "s", "standard", "std", "标配", "yes", "✓", "✔", "√"), Availability.STANDARD),
    **dict.fromkeys(("○", "o", "optional", "option", "opt", "选配", "选装", "可选"), Availability.OPTIONAL),
    **dict.fromkeys(("无", "no", "none", "✗", "✘", "×", *DASHES), Availability.ABSENT),
}
_OPEN, _CLOSE = "([【〔", ")]】〕"
# A head symbol and the rest of the cell: "●(高配)", "○ ¥3,000", "O ($1,200)".
_HEAD = re.compile(r"^(?P<head>[^\s(\[【〔]+)\s*(?P<note>.+)$")
# A figure followed by a bracketed note: "510 km (CLTC)".
_FIGURE_NOTE = re.compile(r"^(?P<figure>.+?)\s*[(\[【〔](?P<note>[^()\[\]【】〔〕]+)[)\]】〕]$")
_REFS = (
    re.compile(r"^(?P<path>.*)\[(?P<sheet>[^\[\]]+)\]!(?P<cell>[A-Z]+[0-9]+)$"),  # book.xlsx[Sheet1]!C5
    re.compile(r"^(?P<path>.*):(?P<cell>[A-Z]+[0-9]+)$"),                        # spec.csv:C5
    re.compile(r"^(?P<path>.*?):(?P<cell>(?:rows)?\[[0-9]+\].*)$"),               # spec.yaml:rows[3].Max
)
SYMBOL_HELP = "expected ●/○/-, S/O/—, Standard/Optional/N/A, 标配/选配/无, a figure or text"


def normalise(raw: str) -> str:
    """NFKC (full-width brackets, letters and digits to ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", raw).strip()


def split_ref(ref: str) -> tuple[str | None, str]:
    """'spec.csv:C5' -> ('spec.csv', 'C5'); 'b.xlsx[S1]!C5' -> ('b.xlsx', 'S1!C5')."""
    for pattern in _REFS:
        m = pattern.match(ref)
        if m:
            sheet = m.groupdict().get("sheet")
            return m["path"], f"{sheet}!{m['cell']}" if sheet else m["cell"]
    return None, ref


def _unbracket(note: str) -> str:
    note = note.strip()
    if len(note) >= 2 and note[0] in _OPEN and note[-1] == _CLOSE[_OPEN.index(note[0])]:
        note = note[1:-1].strip()
    return note


def _is_symbolic(text: str) -> bool:
    """Only punctuation and symbols (no letters, digits or currency signs): '◎', '?', '★'."""
    return bool(text) and all(
        unicodedata.category(ch)[0] in "PS" and unicodedata.category(ch) != "Sc" for ch in text
    )


def read_symbol(norm: str) -> tuple[Availability, str | None, bool] | None:
    """(availability, note, is_dash) when the normalised cell is an availability symbol."""
    key = norm.casefold()
    if key in AVAILABILITY_WORDS:
        return AVAILABILITY_WORDS[key], None, key in DASHES
    m = _HEAD.match(norm)
    if not m:
        return None
    head, note = m["head"].casefold(), m["note"].strip()
    if head not in AVAILABILITY_WORDS:
        return None
    bracketed = note[0] in _OPEN
    if head in DASHES or head.isalpha():
        # "-(高配)" and "O ($1,200)", but not "-5 °C", "OTA" or "No parking sensors".
        starts_figure = note[0].isdigit() or unicodedata.category(note[0]) == "Sc"
        spaced = m.end("head") < m.start("note")
        if not (bracketed or (head.isalpha() and starts_figure and spaced)):
            return None
    note = _unbracket(note)
    return AVAILABILITY_WORDS[head], note or None, head in DASHES


def is_availability_like(raw: str | None) -> bool:
    """True for an empty cell, a known symbol (with or without a note) or an unknown symbol."""
    norm = normalise(raw or "")
    if not norm or read_symbol(norm) is not None:
        return True
    head = _HEAD.match(norm)
    return _is_symbolic(head["head"] if head else norm)


def row_kind_hint(raws: Iterable[str | None]) -> CellKind:
    """AVAILABILITY when every non-empty cell of the row is an availability symbol, else VALUE
    (a row with figures or text, where a lone dash means 'not applicable')."""
    return CellKind.AVAILABILITY if all(is_availability_like(r) for r in raws) else CellKind.VALUE


_LABEL_UNIT = re.compile(r"[(（\[【]\s*([^()（）\[\]【】]{1,12}?)\s*[)）\]】]\s*$")


def label_unit(feature: str) -> str | None:
    """The unit a row label gives its bare-number cells: "CLTC纯电续航里程(km)", "厂商指导价（万元）"."""
    m = _LABEL_UNIT.search(feature or "")
    if not m:
        return None
    q = parse_quantity("1 " + normalise(m.group(1)))
    return m.group(1) if q is not None and q.unit not in ("", "count") else None


def parse_cell(raw: str, *, ref: str, model, trim, section, feature, row_kind_hint=None) -> SpecCell:
    """Parse one cell. row_kind_hint: AVAILABILITY (dash/empty = absent), VALUE or TEXT (dash,
    N/A or empty = not applicable), None (judge the cell alone, as in an availability row).
    Raises InputError naming the cell for an unknown symbol."""
    raw = "" if raw is None else str(raw).strip()
    norm = normalise(raw)
    in_availability_row = row_kind_hint in (None, CellKind.AVAILABILITY)
    base = dict(model=str(model), trim=str(trim), section=str(section or ""), feature=str(feature),
                raw=raw, ref=ref)

    symbol = read_symbol(norm) if norm else (Availability.ABSENT, None, True)
    if symbol is not None:
        availability, note, is_dash = symbol
        if is_dash and not in_availability_row:
            return SpecCell(kind=CellKind.NOT_APPLICABLE, text=note, note=note, **base)
        return SpecCell(kind=CellKind.AVAILABILITY, availability=availability, text=note, note=note,
                        **base)

    quantity, note = parse_quantity(norm), None
    if quantity is not None and not quantity.unit and label_unit(feature):
        # a bare number under a label that names the unit: "430" in "续航里程(km)"
        quantity = parse_quantity(f"{norm} {normalise(label_unit(feature))}") or quantity
    if quantity is None:
        m = _FIGURE_NOTE.match(norm)
        if m:
            quantity, note = parse_quantity(m["figure"]), m["note"].strip()
    if quantity is not None:
        return SpecCell(kind=CellKind.VALUE, value=quantity.value, unit=quantity.unit or None,
                        text=note, note=note, **base)

    head = _HEAD.match(norm)
    if _is_symbolic(head["head"] if head else norm):
        path, where = split_ref(ref)
        row = " in an availability row" if row_kind_hint is CellKind.AVAILABILITY else ""
        raise InputError(f"unknown cell symbol {raw!r}{row} (row {feature!r}, trim {trim!r}; "
                         f"{SYMBOL_HELP})", path, where)
    return SpecCell(kind=CellKind.TEXT, text=raw, **base)
