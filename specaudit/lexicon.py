"""The feature lexicon: canonical features, their aliases in every language, and confusables.

Packs are YAML data (the built-in one ships in specaudit/data/lexicon/); user files extend
them: a feature with a new id is added, a feature with a known id gains the aliases, examples
and confusables it lists (or has them replaced with `replace: true`). Load errors name the
file and the line of the offending feature.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import InputError
from .normalise import norm

KINDS = ("availability", "value", "text")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader: same rules, 10x faster
FEATURE_KEYS = {"id", "name", "zh", "group", "kind", "dimension", "aliases", "after_number",
                "confusables", "examples", "replace", "note", "values", "descriptor"}
DIMENSION_ALIASES = {"duration": "time", "charge_power": "power"}


@dataclass(frozen=True)
class Feature:
    id: str
    name: str
    zh: str = ""
    group: str = ""
    kind: str = "availability"
    dimension: str | None = None
    aliases: tuple[str, ...] = ()          # as written, every language
    after_number: tuple[str, ...] = ()     # aliases valid only right after a figure
    confusables: frozenset[str] = frozenset()
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()
    source: str = ""                       # "file.yaml:12"
    descriptor: bool = False               # what the car is (纯电, SUV), not a claim: only judged against a row


@dataclass(frozen=True)
class Lexicon:
    features: dict[str, Feature] = field(default_factory=dict)

    def confusable(self, a: str, b: str) -> bool:
        fa, fb = self.features.get(a), self.features.get(b)
        return bool((fa and b in fa.confusables) or (fb and a in fb.confusables))

    def __len__(self) -> int:
        return len(self.features)


def builtin_pack_files() -> list[Path]:
    folder = resources.files("specaudit.data").joinpath("lexicon")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))


def load_lexicon(extra: list[str | Path] | tuple = (), *, builtin: bool = True) -> Lexicon:
    features: dict[str, Feature] = {}
    packs = [_builtin_features()] if builtin else []
    packs += [list(_read_pack(Path(p))) for p in extra]
    for pack in packs:
        for feat, replace_all in pack:
            old = features.get(feat.id)
            features[feat.id] = feat if old is None or replace_all else _merge(old, feat)
    _make_confusables_symmetric(features)
    for f in features.values():
        unknown = sorted(c for c in f.confusables if c not in features)
        if unknown:
            raise InputError(f"feature {f.id!r} names unknown confusable(s) {', '.join(unknown)}",
                             f.source.rsplit(":", 1)[0], "line " + f.source.rsplit(":", 1)[-1])
    return Lexicon(features)


@lru_cache(maxsize=1)
def _builtin_features() -> tuple:
    """The shipped packs, parsed once per process (features are frozen, so sharing is safe)."""
    return tuple(item for path in builtin_pack_files() for item in _read_pack(path))


def _merge(old: Feature, new: Feature) -> Feature:
    return replace(
        old,
        aliases=tuple(dict.fromkeys(old.aliases + new.aliases)),
        after_number=tuple(dict.fromkeys(old.after_number + new.after_number)),
        confusables=old.confusables | new.confusables,
        match_examples=old.match_examples + new.match_examples,
        no_match_examples=old.no_match_examples + new.no_match_examples,
    )


def _make_confusables_symmetric(features: dict[str, Feature]) -> None:
    back: dict[str, set[str]] = {}
    for f in features.values():
        for c in f.confusables:
            back.setdefault(c, set()).add(f.id)
    for fid, others in back.items():
        if fid in features:
            f = features[fid]
            features[fid] = replace(f, confusables=f.confusables | frozenset(others))


def _feature_lines(text: str) -> dict[str, int]:
    """Line of each `- id: X` in a pack, so errors can point at it."""
    lines = {}
    for i, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*-?\s*id:\s*['\"]?([\w\-.]+)", line)
        if m:
            lines.setdefault(m.group(1), i)
    return lines


def _read_pack(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("lexicon file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read lexicon file: {exc}", str(path)) from None
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", str(path),
                         f"line {mark.line + 1}" if mark else None) from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise InputError("a lexicon file needs a top-level `features:` list", str(path))
    lines = _feature_lines(text)
    for n, item in enumerate(data["features"]):
        yield _parse_feature(item, path, lines, n)


def _parse_feature(item, path: Path, lines: dict[str, int], n: int) -> tuple[Feature, bool]:
    where = f"features[{n}]"
    if not isinstance(item, dict) or not item.get("id"):
        raise InputError(f"{where} needs an `id`", str(path))
    fid = str(item["id"])
    line = lines.get(fid)
    loc = f"line {line}" if line else where

    def fail(msg: str):
        raise InputError(f"feature {fid!r}: {msg}", str(path), loc)

    unknown = set(item) - FEATURE_KEYS
    if unknown:
        fail(f"unknown key(s) {', '.join(sorted(unknown))}")
    kind = item.get("kind", "availability")
    if kind not in KINDS:
        fail(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    aliases_raw = item.get("aliases") or {}
    if isinstance(aliases_raw, list):
        aliases_raw = {"any": aliases_raw}
    if not isinstance(aliases_raw, dict):
        fail("`aliases` must map a language to a list of aliases")
    aliases: list[str] = []
    for lang, words in aliases_raw.items():
        if not isinstance(words, list) or not all(isinstance(w, (str, int, float)) for w in words):
            fail(f"aliases.{lang} must be a list of strings")
        if any(isinstance(w, bool) for w in words):
            fail(f"aliases.{lang} has a yes/no/on/off word that YAML reads as a boolean: quote it")
        aliases.extend(str(w) for w in words if str(w).strip())
    examples = item.get("examples") or {}
    if not isinstance(examples, dict):
        fail("`examples` must have `match` and `no_match` lists")
    dimension = item.get("dimension")
    dimension = DIMENSION_ALIASES.get(dimension, dimension)
    feat = Feature(
        id=fid,
        name=str(item.get("name") or fid),
        zh=str(item.get("zh") or ""),
        group=str(item.get("group") or ""),
        kind=kind,
        dimension=dimension,
        aliases=tuple(dict.fromkeys(aliases)),
        after_number=tuple(str(w) for w in item.get("after_number") or ()),
        confusables=frozenset(str(c) for c in item.get("confusables") or ()),
        match_examples=tuple(str(e) for e in examples.get("match") or ()),
        no_match_examples=tuple(str(e) for e in examples.get("no_match") or ()),
        source=f"{path}:{line or 0}",
        descriptor=bool(item.get("descriptor", False)),
    )
    if not (feat.aliases or feat.after_number or feat.zh or item.get("name")):
        fail("a feature needs at least one alias")
    return feat, bool(item.get("replace"))


def alias_forms(feature: Feature) -> set[str]:
    """The normalised aliases of a feature, including its display names."""
    words = set(feature.aliases)
    words.update(w for w in (feature.zh, feature.name) if w)
    return {w for w in (norm(a).strip() for a in words) if w}
