"""YAML caption lists: strings, or mappings with ``text``, optionally wrapped in
``{channel:, model:, kind:, lang:, captions: [...]}``; kind defaults to ``caption``, and a
caption's ``id`` and other keys go to ``Claim.extra``. Claims are located at the first
character of their (folded) scalar.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import yaml

from ..errors import InputError
from ..model import Claim
from .common import (_RECORD_FIELDS, WAIVER_FIELD, _check_kind, _Defaults, _field_waivers, _lines,
                     _make, _opt_str, _read_text)

_NULL_TAG = "tag:yaml.org,2002:null"


def _scalar(node) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == _NULL_TAG and node.style is None:
        return None
    return node.value


def _scalar_position(node, lines: list[str]) -> tuple[int, int]:
    """1-based (line, column) of the first character of a scalar's text in the file."""
    mark = node.start_mark
    if node.style in ('"', "'"):
        line, col = mark.line, mark.column + 1
        rest = lines[line][col:] if line < len(lines) else ""
        return line + 1, col + (len(rest) - len(rest.lstrip())) + 1
    if node.style in ("|", ">"):
        for i in range(mark.line + 1, len(lines)):
            if lines[i].strip():
                return i + 1, len(lines[i]) - len(lines[i].lstrip()) + 1
    return mark.line + 1, mark.column + 1


def _read_yaml(path: str) -> Iterator[Claim]:
    text = _read_text(path)
    lines = _lines(text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", path,
                         f"line {mark.line + 1}" if mark else None) from None
    if root is None:
        return
    d = _Defaults(kind="caption")

    def where(node) -> str:
        return f"line {node.start_mark.line + 1}"

    def settings(mapping, into: _Defaults, allowed: tuple[str, ...]) -> dict:
        values = {}
        for k, v in mapping.value:
            key = _scalar(k)
            values[key] = v
            if key in ("channel", "model", "lang") and key in allowed:
                setattr(into, key, _opt_str(_scalar(v)))
            elif key == "kind" and key in allowed and _opt_str(_scalar(v)):
                into.kind = _check_kind(_scalar(v), path, where(v))
        return values

    items = root
    if isinstance(root, yaml.MappingNode):
        top = settings(root, d, ("channel", "model", "kind", "lang"))
        items = top.get("captions")
        if items is None:
            raise InputError("expected a list of captions, or a mapping with a 'captions' list",
                             path, where(root))
    if not isinstance(items, yaml.SequenceNode):
        raise InputError("'captions' must be a list", path, where(items))

    for item in items.value:
        own = _Defaults(d.channel, d.model, d.kind, d.lang)
        extra: tuple[tuple[str, str], ...] = ()
        if isinstance(item, yaml.ScalarNode):
            node = item
        elif isinstance(item, yaml.MappingNode):
            values = settings(item, own, ("channel", "model", "kind", "lang"))
            node = values.get("text")
            if node is None or (isinstance(node, yaml.ScalarNode) and _scalar(node) is None):
                raise InputError("caption has no 'text'", path, where(item))
            # An 'id' is kept in extra: Locator.record is for .jsonl/.csv records only.
            extra = tuple(sorted((str(k), _scalar(v) or "") for k, v in values.items()
                                 if k not in _RECORD_FIELDS[1:]))
        else:
            raise InputError("a caption must be a string or a mapping with 'text'", path, where(item))
        if not isinstance(node, yaml.ScalarNode):
            raise InputError("'text' must be a string", path, where(node))
        value = _scalar(node)
        if value is None or not value.strip():
            continue
        line, col = _scalar_position(node, lines)
        claim = _make(path, value.strip(), line, col, own, extra=tuple(e for e in extra if e[0] != WAIVER_FIELD))
        if isinstance(item, yaml.MappingNode) and WAIVER_FIELD in values:
            claim = replace(claim, waivers=_field_waivers(_scalar(values[WAIVER_FIELD])))
        yield claim
