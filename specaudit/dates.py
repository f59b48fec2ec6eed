"""Dates in spec cells and in copy, compared as dates rather than as text.

A spec cell holds one date (`2026-01-31`, `2026/1/31`, `2026年1月31日`, `1月31日`,
`January 31, 2026`, `31 Jan 2026`); copy says it loosely (`1月底`, `1月31号`, `元月底`,
`until January 31`, `the end of January`, `by Jan 31st`). A date may lack its year or its day:
`1月底` is the last day of January of whatever year the spec gives, `1月` is the whole month.
Text is expected to be normalised (NFKC, case-folded, simplified), as elsewhere.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS_EN = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
           "十": 10, "元": 1, "正": 1}


@dataclass(frozen=True)
class DateValue:
    """A calendar date, possibly without a year or a day."""

    year: int | None
    month: int
    day: int | None          # None: the whole month (unless end_of_month)
    end_of_month: bool = False
    raw: str = ""
    start: int = 0
    end: int = 0

    def last_day(self, year: int | None = None) -> int:
        y = self.year or year or 2025  # a non-leap year when nothing says otherwise
        return calendar.monthrange(y, self.month)[1]

    def resolved_day(self, year: int | None = None) -> int | None:
        if self.end_of_month:
            return self.last_day(year)
        return self.day

    def iso(self, year: int | None = None) -> str:
        y = self.year or year
        d = self.resolved_day(year)
        if d is None:
            return f"{y:04d}-{self.month:02d}" if y else f"--{self.month:02d}"
        return f"{y:04d}-{self.month:02d}-{d:02d}" if y else f"--{self.month:02d}-{d:02d}"


def _cn_int(text: str) -> int | None:
    """Digits or a small Chinese numeral (十二, 三十一, 元) as an int."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_NUM for c in text):
        return None
    if text in ("元", "正"):
        return 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_NUM[tens] if tens else 1) * 10 + (_CN_NUM[ones] if ones else 0)
    return _CN_NUM[text] if len(text) == 1 else None


_CN_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_EN_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS_EN, key=len, reverse=True)) + r")\.?"
_PATTERNS = [
    # 2026-01-31, 2026/1/31, 2026.01.31
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?!\d)"),
    # 2026年1月31日, 1月31号, 1月底, 元月底, 十二月末, 1月
    re.compile(r"(?<![\d.])(?:(?P<y>\d{4})\s*年\s*)?(?P<m>" + _CN_N + r"|元|正)\s*月\s*(?:(?P<d>" + _CN_N
               + r")\s*[日号]|(?P<eom>底|末|尾|最后一天))?"),
    # January 31, 2026 / Jan 31st / January 2026
    re.compile(r"(?<![a-z])" + _EN_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?:,?\s*(?P<y>\d{4}))?"),
    # 31 January 2026 / 31st of January
    re.compile(r"(?<![\d])(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH + r"(?![a-z])(?:,?\s*(?P<y>\d{4}))?"),
    # the end of January (2026)
    re.compile(r"(?P<eom>end\s+of)\s+" + _EN_MONTH + r"(?![a-z])(?:,?\s*(?P<y>\d{4}))?"),
    # January 2026
    re.compile(r"(?<![a-z])" + _EN_MONTH + r"(?![a-z])\s*,?\s*(?P<y>\d{4})"),
]


def find_dates(text: str) -> list[DateValue]:
    """Every date expression in a normalised text, left to right, without overlaps."""
    found: list[DateValue] = []
    taken: list[tuple[int, int]] = []
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            d = _from_match(m)
            if d is None:
                continue
            found.append(DateValue(d.year, d.month, d.day, d.end_of_month, text[s:e], s, e))
            taken.append((s, e))
    return sorted(found, key=lambda d: d.start)


def _from_match(m: re.Match) -> DateValue | None:
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else None
    if g.get("mon"):
        month = MONTHS_EN.get(g["mon"].rstrip(".").lower())
    else:
        month = _cn_int(g.get("m") or "")
    if not month or not 1 <= month <= 12:
        return None
    day = _cn_int(g["d"]) if g.get("d") else None
    eom = bool(g.get("eom"))
    if day is not None and not 1 <= day <= calendar.monthrange(year or 2024, month)[1]:
        return None
    if year is not None and not 1900 <= year <= 2200:
        return None
    return DateValue(year, month, day, eom)


def parse_date(text: str) -> DateValue | None:
    """The date when the whole (normalised) text is one date; None otherwise."""
    t = text.strip().casefold()
    dates = find_dates(t)
    if len(dates) != 1:
        return None
    d = dates[0]
    rest = (t[:d.start] + t[d.end:]).strip(" ,.;。，")
    if rest and not re.fullmatch(r"(截止|截至|止|前|之前|为止|until|by|through|ends?|the)", rest):
        return None
    return d


def same_date(claimed: DateValue, spec: DateValue) -> bool:
    """Whether a date as copy states it agrees with the date the spec gives.

    Years are compared only when both give one; a claim without a day (`1月`) agrees with any
    day of that month; `1月底` is the last day of the month in the spec's year."""
    if claimed.month != spec.month:
        return False
    if claimed.year is not None and spec.year is not None and claimed.year != spec.year:
        return False
    year = spec.year or claimed.year
    cd, sd = claimed.resolved_day(year), spec.resolved_day(year)
    if cd is None or sd is None:
        return True
    return cd == sd


def format_date(d: DateValue, year: int | None = None) -> str:
    return d.iso(year)


def date_agreement(claim_text: str, cell_raw: str) -> bool | None:
    """For a judge of text cells: whether the first date in `claim_text` (normalised) agrees with
    a spec cell that is a date; None when the cell is not a date or the text gives none."""
    spec = parse_date(cell_raw)
    if spec is None:
        return None
    dates = find_dates(claim_text)
    if not dates:
        return None
    return same_date(dates[0], spec)
