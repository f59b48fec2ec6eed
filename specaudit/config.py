"""Project configuration: specaudit.yaml or [tool.specaudit] in pyproject.toml.

Found by walking up from the working directory; command-line flags override it. Every key is
declared once below with its type and default, and validated in one place: an unknown key or
a wrong type is an error naming the key and the file.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError
from .findings import FAIL_LEVELS

CONFIG_NAMES = ("specaudit.yaml", ".specaudit.yaml", "specaudit.yml")

# key: (type or tuple of types, default, help)
SCHEMA: dict[str, tuple[type | tuple, object, str]] = {
    "spec": (list, ["specs"], "spec tables or folders (relative to the config file)"),
    "claims": (list, ["claims"], "copy files or folders to audit"),
    "lexicon": (list, [], "extra lexicon files that extend the built-in pack"),
    "trim_aliases": (dict, {}, "model (or '*') -> {alias: [trim column, ...]}"),
    "fuzzy": (bool, True, "run the fuzzy matching pass for typos"),
    "fuzzy_threshold": ((int, float), 0, "lowest fuzzy score (0-100) that counts as a mention"),
    "fail_on": (str, "error", "error | warning | info | never"),
    "formats": (list, ["text", "json", "html"], "output formats of `specaudit audit`"),
    "output_dir": (str, "reports", "where machine formats are written"),
    "severities": (dict, {}, "verdict -> severity overrides"),
    "mappings": (list, [], "which spec applies to which copy: [{claims: GLOB, spec: PATH, model: NAME}]"),
    "rules": (list, [], "rule pack names or paths"),
    "baseline": (str, "specaudit-baseline.yaml", "accepted findings (relative to the config file)"),
    "outputs": (dict, {}, "format -> output path, for formats given without --output"),
}
MAPPING_KEYS = {"claims": (str,), "spec": (str, list), "model": (str,)}


@dataclass(frozen=True)
class Config:
    values: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def get(self, key: str):
        return self.values.get(key, SCHEMA[key][1])

    def paths(self, key: str) -> list[str]:
        """Path-valued keys, resolved against the config file's folder."""
        out = []
        for p in self.get(key):
            path = Path(p)
            out.append(str(path if path.is_absolute() or self.path is None else self._rel(self.root / path)))
        return out

    def mappings(self) -> tuple[tuple[str, tuple[str, ...], str | None], ...]:
        """(absolute claims glob, absolute spec paths, model) per `mappings` entry, in order."""
        out = []
        for m in self.get("mappings"):
            specs = m.get("spec", [])
            specs = [specs] if isinstance(specs, str) else specs
            out.append(((self.root / m["claims"]).resolve().as_posix() if not Path(m["claims"]).is_absolute()
                        else Path(m["claims"]).as_posix(),
                        tuple(str((self.root / s).resolve()) for s in specs), m.get("model")))
        return tuple(out)

    def mapped_specs(self) -> list[str]:
        """The spec files that mappings name, as paths relative to the working directory."""
        return [str(self._rel(Path(s))) for _, specs, _ in self.mappings() for s in specs]

    def baseline_path(self) -> Path:
        path = Path(self.get("baseline"))
        return path if path.is_absolute() else self._rel(self.root.resolve() / path)

    def output_for(self, fmt: str) -> str | None:
        target = self.get("outputs").get(fmt)
        if target is None or target == "-" or Path(target).is_absolute() or self.path is None:
            return target
        return str(self._rel(self.root / target))

    @staticmethod
    def _rel(p: Path) -> Path:
        try:
            return p.relative_to(Path.cwd())
        except ValueError:
            return p


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError):
                continue
            if "specaudit" in data.get("tool", {}):
                return pyproject
    return None


def load_config(path: Path | None = None, *, discover: bool = True) -> Config:
    if path is None and discover:
        path = find_config()
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read config: {exc.strerror or exc}", str(path)) from None
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(text).get("tool", {}).get("specaudit", {})
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"malformed TOML: {exc}", str(path)) from None
    else:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", str(path),
                             f"line {mark.line + 1}" if mark else None) from None
    if not isinstance(data, dict):
        raise InputError("the configuration must be a mapping of keys to values", str(path))
    return Config(validate(data, str(path)), path)


def validate(data: dict, source: str) -> dict:
    out = {}
    for key, value in data.items():
        if key not in SCHEMA:
            raise InputError(f"unknown key {key!r} (known: {', '.join(sorted(SCHEMA))})", source, f"key {key}")
        typ, _default, _help = SCHEMA[key]
        if typ is list and isinstance(value, str):
            value = [value]
        if not isinstance(value, typ) or (typ is not bool and isinstance(value, bool)):
            expected = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
            raise InputError(f"key {key!r} must be a {expected}, not {type(value).__name__}", source, f"key {key}")
        _validate_nested(key, value, source)
        out[key] = value
    if out.get("fail_on", "error") not in FAIL_LEVELS:
        raise InputError(f"fail_on must be one of {', '.join(FAIL_LEVELS)}", source, "key fail_on")
    return out


def _validate_nested(key: str, value, source: str) -> None:
    """The insides of list and mapping keys: every item's type, and the names it may use."""
    from .findings import SEVERITIES, VERDICTS
    from .render import FORMATS

    def fail(where: str, message: str):
        raise InputError(f"key {where!r} {message}", source, f"key {where}")

    def need_str(where: str, v) -> None:
        if not isinstance(v, str) or not v.strip():
            fail(where, f"must be a non-empty string, not {type(v).__name__}")

    if key in ("spec", "claims", "lexicon", "rules", "formats"):
        for i, item in enumerate(value):
            need_str(f"{key}[{i}]", item)
            if key == "formats" and item not in FORMATS:
                fail(f"{key}[{i}]", f"names unknown format {item!r} (known: {', '.join(sorted(FORMATS))})")
    elif key == "outputs":
        for fmt, target in value.items():
            if fmt not in FORMATS:
                fail(f"outputs.{fmt}", f"is not a format (known: {', '.join(sorted(FORMATS))})")
            need_str(f"outputs.{fmt}", target)
    elif key == "severities":
        for verdict, sev in value.items():
            if verdict not in VERDICTS:
                fail(f"severities.{verdict}", f"is not a verdict (known: {', '.join(VERDICTS)})")
            if sev not in SEVERITIES:
                fail(f"severities.{verdict}", f"must be one of {', '.join(SEVERITIES)}, not {sev!r}")
    elif key == "trim_aliases":
        for model, aliases in value.items():
            if not isinstance(aliases, dict):
                fail(f"trim_aliases.{model}", f"must be a mapping of alias -> trim columns, not {type(aliases).__name__}")
            for alias, trims in aliases.items():
                where = f"trim_aliases.{model}.{alias}"
                trims = [trims] if isinstance(trims, str) else trims
                if not isinstance(trims, list) or not trims:
                    fail(where, f"must be a trim column or a list of them, not {type(trims).__name__}")
                for j, t in enumerate(trims):
                    need_str(f"{where}[{j}]", t)
    elif key == "mappings":
        for i, m in enumerate(value):
            where = f"mappings[{i}]"
            if not isinstance(m, dict):
                fail(where, f"must be a mapping like {{claims: GLOB, spec: PATH}}, not {type(m).__name__}")
            for k, v in m.items():
                if k not in MAPPING_KEYS:
                    fail(f"{where}.{k}", f"is unknown (known: {', '.join(MAPPING_KEYS)})")
                if not isinstance(v, MAPPING_KEYS[k]):
                    expected = " or ".join(t.__name__ for t in MAPPING_KEYS[k])
                    fail(f"{where}.{k}", f"must be a {expected}, not {type(v).__name__}")
                for j, item in enumerate(v if isinstance(v, list) else [v]):
                    need_str(f"{where}.{k}" + (f"[{j}]" if isinstance(v, list) else ""), item)
            if "claims" not in m:
                fail(where, "needs 'claims' (a glob of copy paths)")
            if "spec" not in m and "model" not in m:
                fail(where, "needs 'spec' (a spec file) or 'model' (a model name)")


STARTER = """\
# specaudit project configuration, written by `specaudit init`.
# Paths are relative to this file. Command-line flags override every key.

# Spec tables (CSV, XLSX, YAML, JSON) or folders of them.
spec:
  - specs
# Copy to audit: files or folders (.md .txt .html .jsonl .csv .yaml).
claims:
  - claims

# Which spec applies to which copy. The first mapping whose glob matches a copy file wins;
# copy that no mapping matches is paired with a spec by its `model` (front matter, record field).
# mappings:
#   - claims: "claims/aion/**"
#     spec: specs/aion-ut-super.csv
#   - claims: "claims/corvale/**"
#     model: Corvale E5

# Extra lexicon files and rule packs (names of built-in packs, or paths).
lexicon: []
rules: []

# Trim aliases per model ('*' = every model): alias -> trim columns.
# trim_aliases:
#   "*":
#     顶配: [买断Max版]
trim_aliases: {}

# The fuzzy pass catches typos (天慕 for 天幕); 0 keeps the built-in threshold.
fuzzy: true
fuzzy_threshold: 0

# Lowest severity that fails the run: error | warning | info | never.
fail_on: error
# Verdict -> severity overrides, e.g. {unverifiable: error}.
severities: {}

# Accepted findings (`specaudit baseline --reason ...` writes it; `specaudit audit` reads it).
baseline: specaudit-baseline.yaml

# Output formats of `specaudit audit` (text json sarif junit github ...), and where each goes.
formats:
  - text
  - json
  - html
output_dir: reports
# Where a format goes when no --output names it (default: output_dir/audit.<ext>), e.g.
#   outputs: {sarif: specaudit.sarif, junit: reports/specaudit.xml}
outputs: {}
"""


def write_starter(folder: Path | None = None, *, force: bool = False) -> Path:
    """Write the commented starter `specaudit.yaml`; refuses to overwrite unless force."""
    path = (folder or Path.cwd()) / CONFIG_NAMES[0]
    if path.exists() and not force:
        raise InputError("already exists; use --force to overwrite it", str(path))
    try:
        path.write_text(STARTER, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    return path
