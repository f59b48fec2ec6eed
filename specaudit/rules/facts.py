"""Commercial terms as spec facts, where a figure-or-text comparison does not fit.

Kind `fact-date`: a spec row whose cells are dates (a subsidy's end date, `2026-01-31` or
`1月31日`) against the dates copy gives for it ("补贴延续至1月底", "until January 31"):

    - id: subsidy-end-date
      kind: fact-date
      rows: [补贴.*(截止|结束|有效期), subsidy.*(end|until|deadline)]   # row label patterns
      topic: [补贴, subsidy]          # words that tie a sentence to the row (the label's words count too)
      cues: [至, 截止, until, through]  # optional: a date counts only in a clause with one of these

Kind `fact-list`: a spec row that lists what a term is limited to (invoice cities 广州、上海)
against copy that says it holds everywhere ("全国各地都能开票", "invoiced anywhere"):

    - id: invoice-cities
      kind: fact-list
      rows: [开票城市, invoice cit]
      topic: [开票, 发票, invoice]
      universal: [全国, 各地, anywhere]  # optional; default: the `universal` cue words

Both produce `supported` / `contradicted` results for the row, as the feature judgement does.
Where one of them reads a sentence definitely, its result takes the place of the feature
judgement's result for that row and sentence (RuleRunner.kept), so nothing is reported twice;
where it cannot tell, the feature judgement's result stands.
"""
from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace

from ..dates import DateValue, find_dates, format_date, parse_date, same_date
from ..language import words
from ..model import CellKind, Claim, Finding, SpecRow
from ..normalise import norm
from .common import PhraseScan, Prepared, Stamp, clause_end, clause_start, longest, model_of, negated_before
from .packs import Rule, check_template, fill, regex_list, str_list

PLACEHOLDERS = {"feature", "claimed", "spec", "rationale", "name"}
DATE_WORDS = re.compile(r"截止日期|截至日期|结束日期|截止时间|有效期至|有效期|截止|截至|结束|日期|期限|时间|"
                        r"end date|deadline|expiry|expires|until|date|ends?", re.IGNORECASE)
LIST_WORDS = re.compile(r"城市|地区|范围|区域|cities|city|regions?|areas?", re.IGNORECASE)
ONLY = ("仅", "只", "只有", "仅限", "only", "just")
DENIAL = re.compile(r"不是|并非|并不|不能|不可|无法|没法|not\b|n't\b|cannot")


def _validate(rule: Rule) -> None:
    if not regex_list(rule, "rows", rule.params.get("rows")):
        rule.fail("`rows` must list the spec row labels (regular expressions) this rule checks", "rows")
    str_list(rule, "topic", rule.params.get("topic"))
    str_list(rule, "cues", rule.params.get("cues"))
    str_list(rule, "universal", rule.params.get("universal"))
    check_template(rule, "message", PLACEHOLDERS)
    check_template(rule, "suggestion", PLACEHOLDERS)


def _rows(ctx, patterns) -> list[SpecRow]:
    if ctx is None or ctx.spec is None:
        return []
    return [r for r in ctx.spec.rows if any(p.search(norm(r.feature)) or p.search(r.feature) for p in patterns)]


def _label_topics(row: SpecRow, strip: re.Pattern) -> list[str]:
    rest = strip.sub(" ", norm(row.feature))
    return [w for w in re.findall(r"[\u3400-\u9fff]{2,}|[a-z]{3,}", rest)]


def _judged(results: list[Finding], row: SpecRow, p: Prepared) -> list[Finding]:
    """The feature check's results for this row whose statement is this sentence."""
    return [f for f in results if f.feature == row.feature and f.text == p.sentence.text]


def _live(cells):
    return [c for c in cells if c.kind is not CellKind.NOT_APPLICABLE]


class _FactRunner:
    strip = DATE_WORDS

    def __init__(self, rules: list[Rule], stamp: Stamp):
        self.stamp = stamp
        self.superseded: list[Finding] = []  # the feature check's results this rule took over
        self.rules = [(r, regex_list(r, "rows", r.params.get("rows")), str_list(r, "topic", r.params.get("topic")))
                      for r in rules]
        self._cache: dict[int, list] = {}

    def _targets(self, ctx):
        """(rule, row, topic scan) for every row of this spec a rule checks."""
        key = id(ctx)
        if key not in self._cache:
            out = []
            for rule, patterns, topic in self.rules:
                for row in self._usable(_rows(ctx, patterns)):
                    words_ = topic + _label_topics(row, self.strip) + [row.feature]
                    out.append((rule, row, PhraseScan({w: [True] for w in words_})))
            self._cache[key] = out
        return self._cache[key]

    def _usable(self, rows):
        return rows

    def finish(self) -> list[Finding]:
        return []

    def _finding(self, rule, p, s, e, row, ctx, verdict, claimed, cells, default_message, default_suggestion):
        spec = "; ".join(f"{c.trim}: {c.raw}" for c in cells)
        values = dict(feature=row.feature, claimed=claimed, spec=spec, rationale=rule.rationale, name=rule.name)
        if verdict == "supported":
            message, suggestion = f"The spec backs this: {spec}.", ""
        else:
            message = fill(rule.message or default_message, **values)
            suggestion = fill(rule.suggestion or default_suggestion, **values)
        fid = ctx.feature_of_row.get(row.feature, f"row:{row.feature}")
        return self.stamp.finding(rule, p, verdict=verdict, start=s, end=e, feature=row.feature, feature_id=fid,
                                  model=model_of(ctx), trims=tuple(c.trim for c in cells), claimed=claimed,
                                  spec=spec, message=message, suggestion=suggestion,
                                  cells=tuple((c.trim, c.raw) for c in cells))


class DateRunner(_FactRunner):
    def __init__(self, rules: list[Rule], stamp: Stamp):
        super().__init__(rules, stamp)
        self.cues = {r.id: PhraseScan({w: [True] for w in str_list(r, "cues", r.params.get("cues"))}) for r in rules}

    def _usable(self, rows):
        return [r for r in rows if any(parse_date(c.raw) for c in _live(r.cells))]

    def claim(self, claim: Claim, ctx, results: list[Finding], sentences: list[Prepared]) -> list[Finding]:
        targets = self._targets(ctx)
        if not targets:
            return []
        out = []
        for p in sentences:
            if p.question:
                continue
            dates = find_dates(p.text)
            if not dates:
                continue
            for rule, row, topic in targets:
                if not p.speaks(rule.language):
                    continue
                hits = topic.find(p.text)
                if not hits:
                    continue
                cues = self.cues[rule.id]
                found = cues.find(p.text)
                for d in dates:
                    # an end date has its cue right beside it: "至1月底", "1月31日前", "until January 31"
                    if cues.patterns and not any(d.start - 5 <= e <= d.start or d.end <= s <= d.end + 3
                                                 for s, e, _, _ in found):
                        continue  # a date that is not an end date ("12月起")
                    out.append(self._judge(rule, p, d, row, ctx))
                    self.superseded.extend(_judged(results, row, p))
                    break
        return out

    def _judge(self, rule, p, d: DateValue, row, ctx) -> Finding:
        cells = _live(row.cells)
        spec_dates = [(c, parse_date(c.raw)) for c in cells]
        ok = [c for c, sd in spec_dates if sd is not None and same_date(d, sd)]
        verdict = "supported" if len(ok) == len(cells) else "unqualified" if ok else "contradicted"
        year = next((sd.year for _, sd in spec_dates if sd and sd.year), None)
        claimed = format_date(d, year) + f" ({p.position(d.start, d.end)[2]})"
        return self._finding(rule, p, d.start, d.end, row, ctx, verdict, claimed, cells,
                             "The copy gives {claimed} for {feature}; the spec says {spec}.",
                             "Use the date the spec gives ({spec}), or correct the spec.")


class ListRunner(_FactRunner):
    strip = LIST_WORDS

    def __init__(self, rules: list[Rule], stamp: Stamp):
        super().__init__(rules, stamp)
        self.universal = {r.id: PhraseScan({w: [True] for w in (str_list(r, "universal", r.params.get("universal"))
                                                                 or words("universal"))}) for r in rules}

    def _usable(self, rows):
        return [r for r in rows if r.kind is CellKind.TEXT]

    def claim(self, claim: Claim, ctx, results: list[Finding], sentences: list[Prepared]) -> list[Finding]:
        targets = self._targets(ctx)
        out = []
        for p in sentences:
            if p.question:
                continue
            for rule, row, topic in targets:
                if not p.speaks(rule.language):
                    continue
                f = self._sentence(rule, row, topic, p, ctx)
                if f is not None:
                    out.append(f)
                    self.superseded.extend(_judged(results, row, p))
        return out

    def _sentence(self, rule, row, topic, p: Prepared, ctx) -> Finding | None:
        text = p.text
        topics = longest(topic.find(text))
        if not topics:
            return None  # (most sentences: checked before the cells are read)
        cells = _live(row.cells)
        items = {i for c in cells for i in _items(c.raw)}
        for ts, te, _, _ in topics:  # "全国各地都能开票": everywhere, in the clause of the topic
            cs, ce = clause_start(text, ts), clause_end(text, te)
            clause = text[cs:ce]
            universal = longest(self.universal[rule.id].find(clause))
            if universal and not DENIAL.search(clause) and not negated_before(p, cs + universal[0][0], cs):
                us, ue = cs + universal[0][0], cs + universal[-1][1]
                claimed = p.position(us, ue)[2]
                return self._finding(rule, p, us, ue, row, ctx, "contradicted", claimed, cells,
                                     "The copy says «{claimed}» for {feature}; the spec limits it to {spec}.",
                                     "Name the limits the spec gives ({spec}) instead of «{claimed}».")
        # "只有广州和上海能开票", "目前仅限广州、上海": the spec's own list, all of it or with "only"
        named = sorted((i for i in items if i and i in text), key=text.index)
        if not named:
            return None
        first = text.index(named[0])
        cs, ce = clause_start(text, first), clause_end(text, first)
        clause = text[cs:ce]
        if (set(named) == items or any(w in clause for w in ONLY)) and not DENIAL.search(clause):
            last = max(text.index(i) + len(i) for i in named)
            return self._finding(rule, p, first, last, row, ctx, "supported", "、".join(named), cells, "", "")
        return None


@lru_cache(maxsize=4096)
def _items(raw: str) -> tuple[str, ...]:
    """The items a list cell names ("广州、上海"), normalised (asked per sentence; cells are few)."""
    return tuple(norm(x).strip() for x in re.split(r"[、,，/;；|]|和|及|与|\band\b|\bor\b", raw) if norm(x).strip())


DATE = SimpleNamespace(KIND="fact-date", KEYS={"rows", "topic", "cues"}, validate=_validate, Runner=DateRunner)
LIST = SimpleNamespace(KIND="fact-list", KEYS={"rows", "topic", "universal"}, validate=_validate, Runner=ListRunner)
