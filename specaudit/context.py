"""What the matcher knows about one spec: its rows linked to lexicon features, and the index.

Each spec row is linked to the lexicon feature its label names (the longest alias found in the
label, preferring a feature of the row's kind and unit). The label itself, and its shorter
forms, become aliases of that feature, so copy that quotes the table verbatim always matches.
A row no lexicon feature covers gets a feature of its own, "row:<label>", matched through its
label and the label's fuzzy variants.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Feature, Lexicon, alias_forms
from .mentions import MentionIndex
from .model import CellKind, Spec, SpecRow
from .normalise import is_cjk, norm
from .trims import TrimResolver
from .units import unit_dimension

CYCLES = ("cltc", "wltp", "epa", "nedc", "wltc")


@dataclass
class SpecContext:
    spec: Spec | None
    lexicon: Lexicon
    index: MentionIndex
    rows_by_feature: dict[str, list[SpecRow]] = field(default_factory=dict)
    feature_of_row: dict[str, str] = field(default_factory=dict)
    trims: TrimResolver | None = None
    collisions: list[tuple[str, list[str]]] = field(default_factory=list)

    def feature(self, fid: str) -> Feature | None:
        return self.lexicon.features.get(fid)

    def display_name(self, fid: str) -> str:
        if fid.startswith("row:"):
            return fid[4:]
        f = self.lexicon.features.get(fid)
        return f.name if f else fid


def label_forms(label: str) -> list[str]:
    """A row label and its shorter forms: without brackets, split into its CJK and Latin parts."""
    n = norm(label)
    forms = [n]
    bare = re.sub(r"\s*[(（\[][^)）\]]*[)）\]]\s*", "", n).strip()
    if bare and bare != n:
        forms.append(bare)
    for part in re.findall(r"[\u3400-\u9fff]{2,}|[a-z][a-z0-9\- ]*[a-z0-9]", bare or n):
        part = part.strip()
        if part and part != bare and (any(is_cjk(c) for c in part) and len(part) >= 3 or part.isascii() and len(part) >= 3):
            forms.append(part)
    return list(dict.fromkeys(f for f in forms if f))


def _row_dimension(row: SpecRow) -> str | None:
    return unit_dimension(row.unit) if row.unit else None


def _alias_table(lexicon: Lexicon) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    aliases: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for f in lexicon.features.values():
        for a in alias_forms(f):
            aliases.setdefault(a, set()).add(f.id)
        for a in f.after_number:
            after.setdefault(norm(a).strip(), set()).add(f.id)
    return aliases, after


def link_row(row: SpecRow, base: MentionIndex, lexicon: Lexicon) -> str | None:
    """The lexicon feature a row label names, or None."""
    best = None
    dim = _row_dimension(row)
    kind = row.kind
    for form in label_forms(row.feature):
        for hit in base.scan_exact(form):
            f = lexicon.features.get(hit.feature_id)
            if f is None:
                continue
            fits = 0
            if kind is CellKind.VALUE and f.kind == "value" and (dim is None or f.dimension in (None, dim)):
                fits = 2
            elif kind is CellKind.AVAILABILITY and f.kind == "availability":
                fits = 2
            elif kind is CellKind.TEXT and f.kind == "text":
                fits = 2
            elif kind is CellKind.VALUE and f.kind != "value":
                fits = 0
            else:
                fits = 1
            whole = 1 if hit.end - hit.start == len(form) else 0
            key = (whole, fits, hit.end - hit.start, hit.start)
            if best is None or key > best[0]:
                best = (key, f.id)
    if best is None:
        return None
    (whole, fits, length, _), fid = best
    if fits == 0 and not whole:
        return None
    return fid


def build_context(spec: Spec | None, lexicon: Lexicon, *, trim_aliases: dict | None = None,
                  fuzzy: bool = True, fuzzy_threshold: float = 0.0) -> SpecContext:
    aliases, after = _alias_table(lexicon)
    base = MentionIndex(aliases, after, fuzzy=False)
    rows_by_feature: dict[str, list[SpecRow]] = {}
    feature_of_row: dict[str, str] = {}
    label_alias_owner: dict[str, set[str]] = {}
    if spec is not None:
        for row in spec.rows:
            fid = link_row(row, base, lexicon) or f"row:{row.feature}"
            rows_by_feature.setdefault(fid, []).append(row)
            feature_of_row[row.feature] = fid
            for form in label_forms(row.feature):
                label_alias_owner.setdefault(form, set()).add(fid)
    merged = {a: set(ids) for a, ids in aliases.items()}
    collisions = []
    for form, owners in label_alias_owner.items():
        if len(owners) > 1:
            collisions.append((form, sorted(owners)))
            continue  # a label form shared by two rows names neither
        fid = next(iter(owners))
        if form in merged and fid not in merged[form]:
            if fid.startswith("row:") or norm(form) in {norm(r.feature) for r in rows_by_feature.get(fid, [])}:
                # the exact label of a row wins over a lexicon alias
                merged[form] = {fid}
            continue
        merged.setdefault(form, set()).add(fid)
    index = MentionIndex(merged, after, confusable=lexicon.confusable, fuzzy=fuzzy,
                         fuzzy_threshold=fuzzy_threshold)
    trims = TrimResolver(spec.trims, trim_aliases) if spec is not None else None
    return SpecContext(spec, lexicon, index, rows_by_feature, feature_of_row, trims, collisions)


def row_cycle(row: SpecRow) -> str | None:
    label = norm(row.feature)
    return next((c for c in CYCLES if c in label), None)
