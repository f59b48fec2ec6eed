"""Rule packs: YAML files of rules, each rule an instance of one of a few kinds written in code.

A pack is a YAML mapping:

    pack: disclosure-cn                 # optional; defaults to the file name
    description: …
    language: zh                        # optional: zh = sentences with Chinese characters only,
                                        # en = sentences with Latin letters only
    example_spec: {model, trims, rows}  # the spec table the rules' examples run against
    rules:
      - id: battery-rental-terms        # unique; a later pack with the same id replaces it
        kind: disclosure                # disclosure | consistency | prohibited | fact-date | fact-list
        severity: error                 # optional; default from the verdict
        name: …                         # shown as the finding's feature
        message: …                      # templates; {placeholders} depend on the kind
        rationale: …                    # why the rule exists; shown in reports
        suggestion: …
        examples: {fire: […], pass: […]}
        …                               # the kind's own keys

Shipped packs live in specaudit/data/rules/ and are named by their file name; any other pack
is given by path. Every load error names the file and the line of the offending rule or key.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from ..errors import InputError
from ..findings import SEVERITIES

KINDS = ("disclosure", "consistency", "prohibited", "fact-date", "fact-list")
DEFAULT_PACKS = ("disclosure-cn", "disclosure-en", "commercial-terms", "consistency", "ad-law-cn")
PACK_KEYS = {"pack", "description", "language", "example_spec", "rules"}
COMMON_KEYS = {"id", "kind", "severity", "name", "message", "rationale", "suggestion", "examples",
               "enabled", "language", "example_spec", "note"}
LANGUAGES = ("zh", "en", "any")
VERDICT_OF_KIND = {"disclosure": "undisclosed", "consistency": "inconsistent", "prohibited": "prohibited",
                   "fact-date": "contradicted", "fact-list": "contradicted"}


@dataclass(frozen=True)
class Rule:
    """One rule as written in a pack; `params` holds the kind's own keys, still raw."""

    id: str
    kind: str
    pack: str
    name: str
    message: str
    rationale: str
    suggestion: str
    severity: str | None
    language: str
    params: dict
    fire: tuple = ()
    passes: tuple = ()
    example_spec: dict | None = None
    enabled: bool = True
    file: str = ""
    line: int = 0
    lines: dict = field(default_factory=dict, compare=False, hash=False)  # key path -> line

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def line_of(self, *path) -> int:
        """The line of a key inside the rule (the closest one written), for error messages."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.line

    def fail(self, message: str, *path) -> None:
        raise InputError(f"rule {self.id!r}: {message}", self.file, f"line {self.line_of(*path)}")


@dataclass(frozen=True)
class Pack:
    name: str
    file: str
    description: str
    rules: tuple[Rule, ...]


def builtin_dir() -> Path:
    return Path(str(resources.files("specaudit.data").joinpath("rules")))


def builtin_names() -> list[str]:
    folder = builtin_dir()
    return sorted(p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []


def resolve(names: tuple[str, ...] | list[str]) -> list[Path]:
    """Pack names or paths -> files. No names means the default packs; `default` stands for them
    among others (`--rules default --rules my-pack.yaml`); `none` turns every pack off."""
    names = list(names) or ["default"]
    files: list[Path] = []
    for name in names:
        name = str(name).strip()
        if name == "none":
            continue
        if name == "default":
            files.extend(_builtin(n) for n in DEFAULT_PACKS)
            continue
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        elif path.suffix in (".yaml", ".yml") or "/" in name or "\\" in name:
            raise InputError("rule pack file not found", name)
        else:
            files.append(_builtin(name))
    return list(dict.fromkeys(files))


def _builtin(name: str) -> Path:
    for suffix in (".yaml", ".yml"):
        p = builtin_dir() / f"{name}{suffix}"
        if p.is_file():
            return p
    raise InputError(f"unknown rule pack {name!r} (shipped packs: {', '.join(builtin_names())}; "
                     "or give the path of a pack file)")


_CACHE: dict[tuple, Pack] = {}


def load_packs(names: tuple[str, ...] | list[str] = ()) -> list[Pack]:
    out = []
    for path in resolve(names):
        try:
            st = path.stat()
            key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        if key is not None and key in _CACHE:
            out.append(_CACHE[key])
            continue
        pack = load_pack(path)
        if key is not None:
            _CACHE[key] = pack
        out.append(pack)
    return out


def load_rules(names: tuple[str, ...] | list[str] = ()) -> list[Rule]:
    """Every enabled rule of the packs, a later rule replacing an earlier one with its id."""
    rules: dict[str, Rule | None] = {}
    for pack in load_packs(names):
        for rule in pack.rules:
            rules.pop(rule.id, None)
            rules[rule.id] = rule if rule.enabled else None
    return [r for r in rules.values() if r is not None]


def load_pack(path: str | Path) -> Pack:
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("rule pack file not found", file) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read rule pack: {exc}", file) from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', None) or exc}", file,
                         f"line {mark.line + 1}" if mark else None) from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _node_lines(node, (), lines)
    if not isinstance(data, dict):
        raise InputError("a rule pack is a mapping with a `rules:` list", file, "line 1")
    unknown = sorted(set(data) - PACK_KEYS)
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(map(str, unknown))} (known: {', '.join(sorted(PACK_KEYS))})",
                         file, f"line {lines.get((unknown[0],), 1)}")
    if not isinstance(data.get("rules"), list):
        raise InputError("a rule pack needs a `rules:` list", file, f"line {lines.get(('rules',), 1)}")
    name = str(data.get("pack") or path.stem)
    language = str(data.get("language") or "any")
    if language not in LANGUAGES:
        raise InputError(f"language must be one of {', '.join(LANGUAGES)}", file, f"line {lines.get(('language',), 1)}")
    example_spec = data.get("example_spec")
    if example_spec is not None:
        _check_example_spec(example_spec, file, lines.get(("example_spec",), 1))
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data["rules"]):
        line = lines.get(("rules", i), 1)
        sub = {k[2:]: v for k, v in lines.items() if k[:2] == ("rules", i) and len(k) > 2}
        rule = _parse_rule(item, name, file, line, sub, language, example_spec)
        if rule.id in seen:
            raise InputError(f"rule {rule.id!r} is defined twice (first on line {seen[rule.id]})", file, f"line {line}")
        seen[rule.id] = line
        rules.append(rule)
    from . import KIND_MODULES  # the kinds validate their own keys

    for rule in rules:
        KIND_MODULES[rule.kind].validate(rule)
    return Pack(name, file, str(data.get("description") or ""), tuple(rules))


def _node_lines(node, path: tuple, out: dict) -> None:
    """The line of every key and item, by its path: ("rules", 3, "severity") -> 17."""
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            _node_lines(v, path + (key,), out)
            out[path + (key,)] = k.start_mark.line + 1  # a key's own line, not its value's
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _node_lines(v, path + (i,), out)


def _check_example_spec(spec, file: str, line: int) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("trims"), list) or not isinstance(spec.get("rows"), dict):
        raise InputError("example_spec needs `trims:` (a list) and `rows:` (label: [cell per trim])", file, f"line {line}")
    for label, cells in spec["rows"].items():
        if not isinstance(cells, list) or len(cells) != len(spec["trims"]):
            raise InputError(f"example_spec row {label!r} needs one cell per trim", file, f"line {line}")


def _parse_rule(item, pack: str, file: str, line: int, lines: dict, language: str, example_spec) -> Rule:
    if not isinstance(item, dict):
        raise InputError("each rule is a mapping with at least `id` and `kind`", file, f"line {line}")
    rid = item.get("id")
    if not rid or not isinstance(rid, str) or not re.fullmatch(r"[\w\-.:/]+", rid):
        raise InputError("a rule needs an `id` (letters, digits, - . _ : /)", file, f"line {lines.get(('id',), line)}")
    kind = item.get("kind")
    if kind not in KINDS:
        raise InputError(f"rule {rid!r}: kind must be one of {', '.join(KINDS)}, not {kind!r}", file,
                         f"line {lines.get(('kind',), line)}")
    from . import KIND_MODULES

    allowed = COMMON_KEYS | KIND_MODULES[kind].KEYS
    unknown = sorted(set(map(str, item)) - allowed)
    if unknown:
        raise InputError(f"rule {rid!r}: unknown key(s) {', '.join(unknown)} for kind {kind} "
                         f"(known: {', '.join(sorted(allowed))})", file, f"line {lines.get((unknown[0],), line)}")
    severity = item.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise InputError(f"rule {rid!r}: severity must be one of {', '.join(SEVERITIES)}, not {severity!r}", file,
                         f"line {lines.get(('severity',), line)}")
    for key in ("name", "message", "rationale", "suggestion"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise InputError(f"rule {rid!r}: `{key}` must be text", file, f"line {lines.get((key,), line)}")
    if not (item.get("rationale") or "").strip():
        raise InputError(f"rule {rid!r}: a rule needs a `rationale` (why it exists; reports show it)", file,
                         f"line {line}")
    lang = str(item.get("language") or language)
    if lang not in LANGUAGES:
        raise InputError(f"rule {rid!r}: language must be one of {', '.join(LANGUAGES)}", file,
                         f"line {lines.get(('language',), line)}")
    examples = item.get("examples") or {}
    if not isinstance(examples, dict) or set(examples) - {"fire", "pass"}:
        raise InputError(f"rule {rid!r}: `examples` has two lists, `fire:` and `pass:`", file,
                         f"line {lines.get(('examples',), line)}")
    fire, passes = examples.get("fire") or [], examples.get("pass") or []
    for key, group in (("fire", fire), ("pass", passes)):
        if not isinstance(group, list):
            raise InputError(f"rule {rid!r}: examples.{key} must be a list", file,
                             f"line {lines.get(('examples', key), line)}")
        for j, ex in enumerate(group):
            _check_example(ex, rid, file, lines.get(("examples", key, j), line))
    spec = item.get("example_spec", example_spec)
    if item.get("example_spec") is not None:
        _check_example_spec(spec, file, lines.get(("example_spec",), line))
    if item.get("enabled") is not None and not isinstance(item["enabled"], bool):
        raise InputError(f"rule {rid!r}: `enabled` is true or false", file, f"line {lines.get(('enabled',), line)}")
    params = {k: v for k, v in item.items() if k not in COMMON_KEYS}
    return Rule(id=rid, kind=kind, pack=pack, name=str(item.get("name") or rid),
                message=str(item.get("message") or ""), rationale=str(item.get("rationale") or "").strip(),
                suggestion=str(item.get("suggestion") or ""), severity=severity, language=lang, params=params,
                fire=tuple(fire), passes=tuple(passes), example_spec=spec, enabled=item.get("enabled", True),
                file=file, line=line, lines=lines)


def _check_example(ex, rid: str, file: str, line: int) -> None:
    items = ex if isinstance(ex, list) else [ex]
    for it in items:
        if isinstance(it, str) and it.strip():
            continue
        if isinstance(it, dict) and isinstance(it.get("text"), str) and set(it) <= {"text", "channel", "source", "record", "model", "kind"}:
            continue
        raise InputError(f"rule {rid!r}: an example is a text, or a list of texts / {{text, channel, source, "
                         "record, model}} mappings (claims of one run)", file, f"line {line}")


# -- helpers the kinds share -------------------------------------------------------------------
def check_template(rule: Rule, key: str, allowed: set[str]) -> None:
    """A message/suggestion template may use only the kind's placeholders."""
    text = getattr(rule, key, None) if key in ("message", "suggestion") else rule.params.get(key)
    if not text:
        return
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        rule.fail(f"`{key}` is not a valid template ({exc}); write a literal brace as {{{{ or }}}}", key)
        return
    bad = sorted(n for n in names if n.split(".")[0].split("[")[0] not in allowed)
    if bad:
        rule.fail(f"`{key}` uses unknown placeholder(s) {', '.join('{' + b + '}' for b in bad)} "
                  f"(this kind knows {', '.join('{' + a + '}' for a in sorted(allowed))})", key)


def fill(template: str, **values) -> str:
    class _Keep(dict):
        def __missing__(self, key):
            return "{" + key + "}"

    return string.Formatter().vformat(template, (), _Keep(values)) if template else ""


def str_list(rule: Rule, key, value, *, required: bool = False, path: tuple = ()) -> list[str]:
    path = path or (key,)
    if value is None:
        if required:
            rule.fail(f"`{key}` is required: a list of words", *path)
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
        rule.fail(f"`{key}` must be a list of words", *path)
    if required and not value:
        rule.fail(f"`{key}` must not be empty", *path)
    return [str(v) for v in value]


def regex_list(rule: Rule, key, value, *, path: tuple = ()) -> list[re.Pattern]:
    path = path or (key,)
    out = []
    for i, pattern in enumerate(str_list(rule, key, value, path=path)):
        try:
            out.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            rule.fail(f"`{key}` pattern {pattern!r} is not a valid regular expression ({exc})", *path, i)
    return out
