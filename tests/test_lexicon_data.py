"""The built-in automotive lexicon as data: its shape, and its own examples.

Structural rules: unique snake_case ids, known groups / kinds / dimensions, confusables that
exist, no alias (after normalisation) owned by two features, every feature with aliases and
with both kinds of examples, 300 to 400 features in all.

The examples are checked with a self-contained approximation of the matcher: the same normal
form (NFKC, case folding, traditional -> simplified, no spaces between CJK characters), one
leftmost-longest scan over every alias (both display names count as aliases), Latin
aliases kept only on word boundaries (a plural -s/-es is allowed), an after-number alias kept
only right after a figure (spaces and hyphens between are allowed). A `match` example must
yield its feature, a `no_match` example must not.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc
import pytest
import yaml

LEXICON_DIR = Path(__file__).resolve().parents[1] / "specaudit" / "data" / "lexicon"

GROUPS = {"body", "dimensions", "powertrain", "performance", "battery", "charging", "chassis",
          "adas", "parking", "cockpit", "connectivity", "audio", "seats", "comfort", "climate",
          "lighting", "safety", "security", "services", "warranty", "commercial"}
KINDS = {"availability", "value", "text"}
DIMENSIONS = {"distance", "length", "energy", "time", "duration", "price", "power", "torque",
              "speed", "volume", "mass", "size_inch", "years", "count", "rate", "consumption_fuel",
              "consumption_elec", "area", "percent", "angle", "charge_power", "other"}
KEYS = {"descriptor", "id", "name", "zh", "group", "kind", "dimension", "aliases", "after_number",
        "confusables", "examples"}
LANGS = {"zh", "zh-Hant", "en"}
ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


# -- loading -----------------------------------------------------------------------------------
def _files() -> list[Path]:
    return sorted(p for p in LEXICON_DIR.iterdir() if p.suffix in (".yaml", ".yml"))


@lru_cache(maxsize=1)
def _features() -> tuple[tuple[str, dict], ...]:
    out = []
    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and data.get("pack") == "automotive", path.name
        assert set(data) <= {"pack", "features"}, path.name
        assert isinstance(data["features"], list) and data["features"], path.name
        for item in data["features"]:
            assert isinstance(item, dict), f"{path.name}: {item!r}"
            out.append((path.name, item))
    return tuple(out)


def _aliases(f: dict) -> list[str]:
    words: list[str] = []
    for lang_words in (f.get("aliases") or {}).values():
        words.extend(lang_words or [])
    return words


# -- the normal form and the scan (an approximation of specaudit's matcher) -------------------
_T2S = opencc.OpenCC("t2s")
_PUNCT = str.maketrans({"–": "-", "—": "-", "―": "-", "−": "-", "～": "~", "・": "·", "•": "·",
                        "﹣": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"'})
_FIGURE = re.compile(r"[0-9零一二两三四五六七八九十百千万半]")


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F or 0x3040 <= o <= 0x30FF


def norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).casefold().translate(_PUNCT)
    s = _T2S.convert(s)
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            j = i
            while j < n and s[j].isspace():
                j += 1
            prev, nxt = (out[-1] if out else ""), (s[j] if j < n else "")
            if prev and nxt and not (_cjk(prev) and _cjk(nxt)):
                out.append(" ")
            i = j
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def _word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _boundary_ok(text: str, start: int, end: int, alias: str) -> bool:
    if _word(alias[0]) and start > 0 and _word(text[start - 1]):
        return False
    if _word(alias[-1]) and end < len(text) and _word(text[end]):
        rest = text[end:end + 3]
        return any(rest.startswith(sfx) and (len(rest) == len(sfx) or not _word(rest[len(sfx)]))
                   for sfx in ("es", "s"))
    return True


class Scanner:
    def __init__(self, features: list[dict]):
        self.plain: dict[str, str] = {}
        self.after: dict[str, str] = {}
        for f in features:
            for a in _aliases(f) + [f[k] for k in ("zh", "name") if f.get(k)]:
                self.plain.setdefault(norm(a).strip(), f["id"])
            for a in f.get("after_number") or []:
                key = norm(a).strip()
                if key not in self.plain:
                    self.after.setdefault(key, f["id"])
        self.by_first: dict[str, list[str]] = {}
        for p in sorted(set(self.plain) | set(self.after), key=len, reverse=True):
            self.by_first.setdefault(p[0], []).append(p)

    def scan(self, raw: str) -> list[tuple[str, str]]:
        """(feature id, alias) for every mention, leftmost-longest, then filtered."""
        text = norm(raw)
        number_ends = {m.end() for m in _FIGURE.finditer(text)}
        hits = []
        i = 0
        while i < len(text):
            found = next((p for p in self.by_first.get(text[i], ()) if text.startswith(p, i)), None)
            if found is None:
                i += 1
                continue
            end = i + len(found)
            if _boundary_ok(text, i, end, found):
                if found in self.plain:
                    hits.append((self.plain[found], found))
                else:
                    j = i
                    while j > 0 and text[j - 1] in " -":
                        j -= 1
                    if j in number_ends:
                        hits.append((self.after[found], found))
            i = end
        return hits


@lru_cache(maxsize=1)
def _scanner() -> Scanner:
    return Scanner([f for _, f in _features()])


# -- structure ---------------------------------------------------------------------------------
def test_the_pack_covers_several_hundred_features():
    assert len(_features()) >= 300, len(_features())


def test_every_feature_has_the_documented_shape():
    problems = []
    for name, f in _features():
        fid = f.get("id")
        where = f"{name}:{fid}"
        if not isinstance(fid, str) or not ID_RE.match(fid):
            problems.append(f"{where}: id is not snake_case")
        if set(f) - KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(f) - KEYS)}")
        for key in ("name", "zh"):
            if not isinstance(f.get(key), str) or not f[key].strip():
                problems.append(f"{where}: needs a {key}")
        if f.get("group") not in GROUPS:
            problems.append(f"{where}: unknown group {f.get('group')!r}")
        if f.get("kind") not in KINDS:
            problems.append(f"{where}: unknown kind {f.get('kind')!r}")
        dim = f.get("dimension")
        if f.get("kind") == "value" and dim not in DIMENSIONS:
            problems.append(f"{where}: a value feature needs a known dimension, not {dim!r}")
        if f.get("kind") != "value" and dim is not None:
            problems.append(f"{where}: only value features have a dimension")
        aliases = f.get("aliases")
        if not isinstance(aliases, dict) or set(aliases) - LANGS:
            problems.append(f"{where}: aliases must map zh / zh-Hant / en to lists")
            continue
        for lang, words in aliases.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                problems.append(f"{where}: aliases.{lang} must be a list of non-empty strings")
        if not aliases.get("zh"):
            problems.append(f"{where}: no Chinese aliases")
        after = f.get("after_number", [])
        if not isinstance(after, list) or not all(isinstance(w, str) and w.strip() for w in after):
            problems.append(f"{where}: after_number must be a list of strings")
        conf = f.get("confusables", [])
        if not isinstance(conf, list) or not all(isinstance(c, str) for c in conf):
            problems.append(f"{where}: confusables must be a list of ids")
        ex = f.get("examples")
        if not isinstance(ex, dict) or set(ex) != {"match", "no_match"}:
            problems.append(f"{where}: examples need match and no_match")
            continue
        for key in ("match", "no_match"):
            if not isinstance(ex[key], list) or not ex[key] or not all(isinstance(s, str) and s for s in ex[key]):
                problems.append(f"{where}: examples.{key} needs at least one sentence")
    assert not problems, "\n".join(problems)


def test_ids_are_unique():
    seen: dict[str, str] = {}
    dupes = []
    for name, f in _features():
        if f["id"] in seen:
            dupes.append(f"{f['id']} in {seen[f['id']]} and {name}")
        seen[f["id"]] = name
    assert not dupes, dupes


def test_display_names_are_unique():
    for key in ("name", "zh"):
        seen: dict[str, str] = {}
        dupes = []
        for _, f in _features():
            k = norm(f[key])
            if k in seen:
                dupes.append(f"{key} {f[key]!r}: {seen[k]} and {f['id']}")
            seen[k] = f["id"]
        assert not dupes, dupes


def test_confusables_name_existing_other_features():
    ids = {f["id"] for _, f in _features()}
    bad = [f"{f['id']} -> {c}" for _, f in _features() for c in f.get("confusables") or []
           if c not in ids or c == f["id"]]
    assert not bad, bad


def test_no_alias_belongs_to_two_features():
    owner: dict[str, str] = {}
    clashes = []
    for _, f in _features():
        words = _aliases(f) + (f.get("after_number") or []) + [f["zh"], f["name"]]
        for w in {norm(w).strip() for w in words}:
            if w in owner and owner[w] != f["id"]:
                clashes.append(f"{w!r}: {owner[w]} and {f['id']}")
            owner.setdefault(w, f["id"])
    assert not clashes, "\n".join(clashes)


def test_aliases_are_not_listed_twice_within_a_feature():
    dupes = []
    for _, f in _features():
        words = _aliases(f) + (f.get("after_number") or [])
        normed = [norm(w).strip() for w in words]
        extra = {w for w in normed if normed.count(w) > 1}
        if extra:
            dupes.append(f"{f['id']}: {sorted(extra)}")
    assert not dupes, "\n".join(dupes)


def test_traditional_aliases_are_lexical_variants_only():
    """A zh-Hant alias that is a character-for-character conversion of a zh alias adds nothing."""
    redundant = []
    for _, f in _features():
        zh = {norm(w) for w in f["aliases"].get("zh") or []} | {norm(f["zh"])}
        for w in f["aliases"].get("zh-Hant") or []:
            if norm(w) in zh:
                redundant.append(f"{f['id']}: {w}")
    assert not redundant, redundant


def test_after_number_aliases_are_not_plain_aliases():
    plain = {norm(w).strip() for _, f in _features() for w in _aliases(f) + [f["zh"], f["name"]]}
    bad = [f"{f['id']}: {w}" for _, f in _features() for w in f.get("after_number") or []
           if norm(w).strip() in plain]
    assert not bad, bad


# -- the examples ------------------------------------------------------------------------------
def test_match_examples_name_their_feature():
    scanner = _scanner()
    misses = []
    for _, f in _features():
        for sentence in f["examples"]["match"]:
            hits = scanner.scan(sentence)
            if f["id"] not in {fid for fid, _ in hits}:
                misses.append(f"{f['id']}: {sentence!r} -> {hits}")
    assert not misses, "\n".join(misses)


def test_no_match_examples_do_not_name_their_feature():
    scanner = _scanner()
    wrong = []
    for _, f in _features():
        for sentence in f["examples"]["no_match"]:
            hits = scanner.scan(sentence)
            if f["id"] in {fid for fid, _ in hits}:
                wrong.append(f"{f['id']}: {sentence!r} -> {hits}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("text, expected", [
    ("全系标配全景天窗", "sunroof"),
    ("全景天幕，抬头即见星空", "glass_roof"),
    ("這台車有電動遮陽簾", "sunshade"),
    ("标配360度全景影像", "camera_360"),
    ("14-speaker Harman Kardon audio", "speaker_count"),
])
def test_key_distinctions(text, expected):
    assert expected in {fid for fid, _ in _scanner().scan(text)}
