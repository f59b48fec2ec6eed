"""Figures with units: find them in text and convert them to one canonical unit per dimension.

Copy and spec cells are compared in canonical units (km, mm, kWh, s, CNY, kW, N·m, ...), so
"2.75米" meets "2,750 mm" and "340 miles" meets "547 km". The surface forms live in
data/units.yaml; this module holds only the mechanics. Text is expected to be normalised
(NFKC, case-folded), which turns full-width digits and letters into ASCII.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .lexicon import SAFE_LOADER

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
# a lone Chinese numeral is a figure only before these units ("两毛", "三千公里" has two characters)
CN_SINGLE_NUMERAL_UNITS = {"毛", "毛钱", "分钟", "小时", "个小时", "万", "万元"}
EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
              "fifteen": 15, "sixteen": 16, "twenty": 20, "thirty": 30}
# the numbers of the figure patterns: Chinese numeral characters, English number words (longest first)
_CN_NUMERALS = "".join(CN_DIGITS) + "".join(CN_SCALES) + "半"
_EN_NUMBER_WORDS = "|".join(sorted(EN_NUMBERS, key=len, reverse=True))


@dataclass(frozen=True)
class Quantity:
    """A figure as written, converted to its canonical unit."""

    value: float          # in `unit`
    unit: str             # canonical unit, "" for a bare number
    decimals: int         # decimals as written (8.99万 -> 2)
    raw: str              # the text matched
    start: int = 0        # span in the text searched
    end: int = 0
    resolution: float = 1.0  # one unit of the last written digit, in canonical units

    @property
    def dimension(self) -> str:
        return unit_dimension(self.unit)


@dataclass(frozen=True)
class _UnitForm:
    canonical: str
    factor: float


@lru_cache(maxsize=1)
def _table() -> dict:
    text = resources.files("specaudit.data").joinpath("units.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)  # libyaml's safe loader, as for the lexicon


@lru_cache(maxsize=1)
def _forms() -> tuple[dict[str, _UnitForm], dict[str, _UnitForm], dict[str, str]]:
    """(suffix forms, prefix forms, canonical unit -> dimension)."""
    table = _table()
    suffixes: dict[str, _UnitForm] = {}
    prefixes: dict[str, _UnitForm] = {}
    dims: dict[str, str] = {}
    for canonical, spec in table["units"].items():
        dims[canonical] = spec["dimension"]
        for form, factor in _iter_forms(spec.get("forms", [])):
            suffixes[form.casefold()] = _UnitForm(canonical, factor)
        for form, factor in _iter_forms(spec.get("prefixes", [])):
            prefixes[form.casefold()] = _UnitForm(canonical, factor)
    return suffixes, prefixes, dims


def _iter_forms(items):
    for item in items:
        if isinstance(item, dict):
            for form, factor in item.items():
                yield str(form), float(factor)
        else:
            yield str(item), 1.0


def is_ambiguous(q: Quantity) -> bool:
    """Written with a unit that often means something else ("45度" may be an angle)."""
    unit_text = re.sub(r"^[\d.,+\s\-]+", "", q.raw.casefold()).strip()
    return unit_text in {str(f) for f in _table().get("ambiguous", [])}


def unit_dimension(unit: str) -> str:
    if not unit:
        return "number"
    return _forms()[2].get(unit, unit)


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    suffixes, prefixes, _ = _forms()
    suffix_alt = "|".join(re.escape(f) for f in sorted(suffixes, key=len, reverse=True))
    prefix_alt = "|".join(re.escape(f) for f in sorted(prefixes, key=len, reverse=True))
    number = (rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
              rf"|(?P<cn>[{_CN_NUMERALS}]+)"
              rf"|(?P<en>\b(?:{_EN_NUMBER_WORDS}))")
    return re.compile(
        rf"(?P<prefix>(?:{prefix_alt})\s?)?(?:{number})"
        rf"(?P<scale>\s?(?:万|k\b))?(?P<plus>\+)?"
        rf"(?P<unit>[\s\-]?(?:{suffix_alt}))?",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _any_number() -> re.Pattern:
    """The number alternatives of _pattern() alone: every match of _pattern() contains one."""
    return re.compile(rf"\d|\.\d|[{_CN_NUMERALS}]|\b(?:{_EN_NUMBER_WORDS})", re.IGNORECASE)


# _any_number() in two cheaper parts, for telling that a text has no figure (most do not): a
# character class (digits, Chinese numerals), then the English number words on the casefolded
# text (a case-blind alternation tried at every character is slow)
_NUMBER_CHAR = re.compile(rf"[\d{_CN_NUMERALS}]")
_NUMBER_WORD = re.compile(rf"\b(?:{_EN_NUMBER_WORDS})")


def _may_have_figure(text: str) -> bool:
    return _NUMBER_CHAR.search(text) is not None or _NUMBER_WORD.search(text.casefold()) is not None


def _parse_cn(text: str) -> float | None:
    """Chinese numerals: 三千 -> 3000, 两毛 handled by the unit, 十五 -> 15, 一万二 is not read."""
    if text == "半":
        return 0.5
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None:
                return None  # "一二" is not a number
            digit = CN_DIGITS[ch]
        elif ch in CN_SCALES:
            scale = CN_SCALES[ch]
            if scale >= 10_000:
                total += (section + (digit or 0)) * scale
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * scale
                digit = None
        else:
            return None
    return float(total + section + (digit or 0))


@lru_cache(maxsize=1)
def _prefix_starts() -> tuple[frozenset[str], int]:
    """The characters a currency prefix can start with (either case), and how far before its
    number a prefix can start (its length and one space)."""
    prefixes = _forms()[1]
    return (frozenset(c for p in prefixes for c in (p[0].lower(), p[0].upper())),
            max((len(p) for p in prefixes), default=0) + 1)


def _figures(text: str):
    """The matches of _pattern().finditer(text), found faster: the pattern is tried only where
    a number starts (a cheap search; the pattern has a currency alternation and ~150 units to
    try at every character) and where a currency prefix could start just before one."""
    pattern = _pattern()
    number = _any_number()
    starts, reach = _prefix_starts()
    pos = 0
    while True:
        c = number.search(text, pos)
        if c is None:
            return
        p = c.start()
        m = None
        for st in range(max(pos, p - reach), p):
            if text[st] in starts:
                m = pattern.match(text, st)
                if m is not None:
                    break
        if m is None:
            m = pattern.match(text, p)
        if m is None:  # pragma: no cover - every number start begins a match
            pos = p + 1
            continue
        yield m
        pos = m.end()


def find_quantities(text: str, *, bare: bool = True) -> list[Quantity]:
    """Every figure in `text` (normalised), with its unit where one follows or precedes it.

    Chinese numerals and English number words count only with a unit ("三千公里", "five-star"),
    so "一键启动" and "one of a kind" are not figures. With bare=False plain numbers are dropped.
    """
    if not _may_have_figure(text):
        return []
    suffixes, prefixes, _ = _forms()
    found: list[Quantity] = []
    for m in _figures(text):
        unit_text = (m.group("unit") or "").strip(" -").casefold()
        prefix_text = (m.group("prefix") or "").strip().casefold()
        scale_text = (m.group("scale") or "").strip().casefold()
        if unit_text and _is_ascii_word(unit_text[-1]) and _is_ascii_word(text[m.end():m.end() + 1]):
            # "5 seats" matched "s": an English unit must end at a word boundary
            unit_text = ""
        groups = ["num", "cn", "en", "scale", "plus"] + (["unit"] if unit_text else [])
        start, end = m.start(), max(m.end(g) for g in groups if m.group(g))
        if m.group("num"):
            digits = m.group("num").replace(",", "")
            value = float(digits)
            decimals = len(digits.split(".")[1]) if "." in digits else 0
        elif m.group("cn"):
            numeral = m.group("cn")
            parsed = _parse_cn(numeral)
            if parsed is None or not (unit_text or scale_text):
                continue
            if len(numeral) == 1 and unit_text not in CN_SINGLE_NUMERAL_UNITS:
                continue  # "三元锂", "珠三角", "一度", "百公里加速": words, not figures
            value, decimals = parsed, 0
        else:
            if not unit_text or unit_text in ("in", "s", "m", "l", "t", "mi", '"'):
                continue  # "five in comfort", "one s": words, not figures
            value, decimals = float(EN_NUMBERS[m.group("en").casefold()]), 0
        factor, unit = 1.0, ""
        if scale_text:
            factor *= 10_000 if scale_text == "万" else 1_000
        if unit_text:
            form = suffixes[unit_text]
            unit, factor = form.canonical, factor * form.factor
        if prefix_text:
            form = prefixes[prefix_text]
            if unit and unit != form.canonical and unit_dimension(unit) != unit_dimension(form.canonical):
                unit_text = ""
            unit = form.canonical
            factor = factor * form.factor if not unit_text else factor
        elif scale_text == "万" and not unit:
            unit = "CNY"  # "8.99万" alone is a price in yuan
        if not bare and not unit:
            continue
        resolution = (10 ** -decimals) * factor
        found.append(Quantity(value * factor, unit, decimals, text[start:end], start, end, resolution))
    return found


def parse_quantity(text: str) -> Quantity | None:
    """The quantity when the whole text is one figure with its unit ("1,820 mm", "¥89,800").

    Trailing words after a unit are allowed for count units ("8 speakers" -> 8 count)."""
    stripped = text.strip().casefold()
    if not stripped:
        return None
    quantities = find_quantities(stripped)
    if len(quantities) != 1:
        return None
    q = quantities[0]
    rest = (stripped[:q.start] + stripped[q.end:]).strip()
    if rest and not (q.unit == "" and re.fullmatch(r"[a-z\u4e00-\u9fff ]{1,20}", rest)):
        return None
    if rest:  # "8 speakers", "5 座": a count of something
        q = Quantity(q.value, "count", q.decimals, text.strip(), 0, len(text.strip()), q.resolution)
    return q


def agrees(claimed: Quantity, spec_value: float) -> bool:
    """The rounding tolerance: within 1% of the spec figure, or within half a unit of the
    claim's last written decimal place when the claim is written with decimals."""
    diff = abs(claimed.value - spec_value)
    if diff <= 0.01 * abs(spec_value) + 1e-9:
        return True
    return claimed.decimals > 0 and diff <= claimed.resolution / 2 + 1e-9


def format_value(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    symbols = {"CNY": "¥", "USD": "$", "EUR": "€"}
    if unit in symbols:
        return f"{symbols[unit]}{text}"
    return f"{text} {unit}".strip()
