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
from functools import lru_cache

from .lexicon import Feature, Lexicon, alias_forms
from .mentions import MentionIndex
from .model import CellKind, Spec, SpecRow
from .normalise import is_cjk, norm
from .speedups import mention_index_class
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
    value_rows_of: dict[str, str] = field(default_factory=dict)  # equipment feature -> its figures' feature
    topics: frozenset[str] = frozenset()  # features named inside row labels of other features

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
        for hit in base.scan_exact(form, frozenset(range(len(form) + 1))):
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
            elif (kind is CellKind.VALUE) != (f.kind == "value"):
                fits = 0  # a row of figures is not an equipment feature, and the other way round
            elif kind is CellKind.TEXT:
                fits = 0  # "天窗类型" names a category; its cells say which equipment each trim has
            else:
                fits = 1
            whole = 1 if hit.end - hit.start == len(form) else 0
            key = (whole, fits, hit.end - hit.start, hit.start)
            if best is None or key > best[0]:
                best = (key, f.id)
    if best is None:
        return _alias_containing_label(row, base, lexicon)
    (whole, fits, _length, _start), fid = best
    if fits == 0 and not whole:
        return None
    return fid


def _alias_containing_label(row: SpecRow, base: MentionIndex, lexicon: Lexicon) -> str | None:
    """A short label no alias covers ("Wheels") may still be the head of an alias
    ("19-inch wheels"): link it to the feature with the shortest such alias of the row's kind."""
    label = norm(row.feature)
    if len(label) < 4:
        return None
    kind = {CellKind.VALUE: "value", CellKind.TEXT: "text"}.get(row.kind, "availability")
    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(label)}(?![a-z0-9])")
    dim = _row_dimension(row)
    best = None
    for alias, ids in list(base.targets.items()) + list(base.after_number.items()):
        if label in alias and pattern.search(alias):
            for fid in ids:
                f = lexicon.features.get(fid)
                if f is None or f.kind != kind or (dim and f.dimension not in (None, dim)):
                    continue
                key = (not alias.endswith(label), len(alias))  # the label as the head word first
                if best is None or key < best[0]:
                    best = (key, fid)
    return best[1] if best else None


def _features_in_text_cells(spec: Spec, base: MentionIndex, lexicon: Lexicon) -> dict[str, SpecRow]:
    """Equipment named in the cells of a text row ("天窗类型: 全景天幕", "座椅材质: 真皮"): an
    availability row of its own, standard on the trims whose cell names it, absent elsewhere."""
    from .language import find_cues
    from .model import Availability, SpecCell

    found: dict[str, dict[str, SpecCell]] = {}
    source_row: dict[str, SpecRow] = {}
    for row in spec.rows:
        if row.kind is not CellKind.TEXT:
            continue
        # the equipment a "type" row is about ("天窗类型" -> sunroof) is absent where no cell names it
        for fid in _features_in_label(row, base, lexicon, any_kind=True):
            if lexicon.features[fid].kind == "availability":
                found.setdefault(fid, {})
                source_row.setdefault(fid, row)
        for cell in row.cells:
            text = norm(cell.raw)
            negations = [c for c in find_cues(text) if c.kind.startswith("negation")]
            for hit in base.scan_exact(text):
                f = lexicon.features.get(hit.feature_id)
                if f is None or f.kind != "availability" or any(c.start < hit.start for c in negations):
                    continue
                found.setdefault(f.id, {})[cell.trim] = cell
                source_row.setdefault(f.id, row)
    out = {}
    for fid, cells_with in found.items():
        row = source_row[fid]
        cells = tuple(SpecCell(model=c.model, trim=c.trim, section=c.section, feature=c.feature,
                               kind=CellKind.AVAILABILITY, raw=c.raw, ref=c.ref,
                               availability=Availability.STANDARD if c.trim in cells_with else Availability.ABSENT)
                      for c in row.cells)
        out[fid] = SpecRow(row.model, row.section, row.feature, cells)
    return out


def _features_in_label(row: SpecRow, base: MentionIndex, lexicon: Lexicon, any_kind: bool = False) -> set[str]:
    """Lexicon features of the row's kind (or any kind) named anywhere in its label."""
    kind = {CellKind.VALUE: "value", CellKind.TEXT: "text"}.get(row.kind, "availability")
    found = set()
    for form in label_forms(row.feature):
        for hit in base.scan_nested(form):
            f = lexicon.features.get(hit.feature_id)
            if f is not None and (any_kind or f.kind == kind):
                found.add(f.id)
    return found


def build_context(spec: Spec | None, lexicon: Lexicon, *, trim_aliases: dict | None = None,
                  fuzzy: bool = True, fuzzy_threshold: float = 0.0) -> SpecContext:
    aliases, after = _alias_table(lexicon)
    base = MentionIndex(aliases, after, fuzzy=False)
    rows_by_feature: dict[str, list[SpecRow]] = {}
    feature_of_row: dict[str, str] = {}
    label_alias_owner: dict[str, set[str]] = {}
    narrower: dict[str, list[SpecRow]] = {}
    value_rows_of: dict[str, set[str]] = {}
    topics: set[str] = set()
    if spec is not None:
        for row in spec.rows:
            fid = link_row(row, base, lexicon) or f"row:{row.feature}"
            rows_by_feature.setdefault(fid, []).append(row)
            feature_of_row[row.feature] = fid
            for form in label_forms(row.feature):
                label_alias_owner.setdefault(form, set()).add(fid)
            for other in _features_in_label(row, base, lexicon) - {fid}:
                narrower.setdefault(other, []).append(row)
            in_label = _features_in_label(row, base, lexicon, any_kind=True) - {fid}
            topics.update(in_label)
            if row.kind is CellKind.VALUE:
                # "对外放电功率" is the figure of 对外放电 (V2L); "Frunk volume" of the frunk
                for other in in_label:
                    value_rows_of.setdefault(other, set()).add(fid)
        for fid, row in _features_in_text_cells(spec, base, lexicon).items():
            rows_by_feature.setdefault(fid, [row])
        # A feature with no row of its own is judged by the one row that is a kind of it:
        # "HUD" against "AR-HUD抬头显示", "ACC" against "全速域自适应巡航".
        for fid, rows in narrower.items():
            if fid not in rows_by_feature and len(rows) == 1:
                rows_by_feature[fid] = rows
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
    index = mention_index_class()(merged, after, confusable=lexicon.confusable, fuzzy=fuzzy,
                                  fuzzy_threshold=fuzzy_threshold)  # the compiled copy when built
    trims = TrimResolver(spec.trims, trim_aliases, _value_trim_aliases(spec)) if spec is not None else None
    related = {f: next(iter(ids)) for f, ids in value_rows_of.items() if len(ids) == 1}
    return SpecContext(spec, lexicon, index, rows_by_feature, feature_of_row, trims, collisions, related,
                       frozenset(topics))


def row_cycle(row: SpecRow) -> str | None:
    return _label_cycle(row.feature)


@lru_cache(maxsize=4096)
def _label_cycle(label: str) -> str | None:
    """The test cycle a row label names (the judge asks per claim; labels are few)."""
    label = norm(label)
    return next((c for c in CYCLES if c in label), None)


def _value_trim_aliases(spec: Spec) -> dict[str, tuple[set[str], str]]:
    """Trim names derived from text rows: "四驱版" / "AWD trims" / "dual-motor versions" name the
    trims whose drivetrain cell says so; the same for battery chemistry and the like."""
    from .language import language

    out: dict[str, tuple[set[str], str]] = {}
    groups = language().get("text_values") or []
    for row in spec.rows:
        if row.kind is not CellKind.TEXT:
            continue
        for group in groups:
            words = [norm(str(w)) for w in group]
            trims = {c.trim for c in row.cells if any(w in norm(c.raw) for w in words if len(w) >= 2)}
            if not trims or len(trims) == len(spec.trims):
                continue
            how = f"trims whose {row.feature!r} cell says {group[0]}: {', '.join(t for t in spec.trims if t in trims)}"
            for w in words:
                forms = [w + "版", w + "车型", w + "版本"] if any(is_cjk(c) for c in w) else \
                    [f"{w} trims", f"{w} trim", f"{w} models", f"{w} versions", f"{w} variants", f"{w} cars"]
                for form in forms:
                    out[form] = (trims, how)
    return out
