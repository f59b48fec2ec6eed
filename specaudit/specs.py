"""Loading configuration tables (spec sheets) into Spec values.

Formats, by file suffix:
  .csv .tsv        wide or long form; UTF-8 (with or without BOM), UTF-16 with BOM, or a
                   legacy encoding detected by charset-normalizer (GB18030/GBK, Big5, cp1252)
  .xlsx .xlsm      every non-empty sheet is a table (or only `sheet=`); merged cells are filled
  .yaml .yml .json {model, trims, rows: [{section, feature, cells: {trim: cell}}]}, a list of
                   such mappings, or a list of long-form records {model, section, trim, feature, value}

Wide form: one row per feature, one column per trim (cheapest first), an optional section
column (an empty section cell repeats the one above). Long form: columns model (optional),
section (optional), trim, feature, value. The header row is the first non-empty row.

Model name: the `model` argument, else the file's model key / column, else the sheet name
(in a workbook of several sheets), else the file stem. Anything that cannot be read with
certainty raises InputError naming the file and the cell; nothing is skipped silently.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import charset_normalizer
import yaml

from .cells import normalise, parse_cell, row_kind_hint
from .errors import InputError
from .model import Spec, SpecRow

if TYPE_CHECKING:
    import pandas as pd

MAX_BYTES = 50 * 1024 * 1024            # refuse larger spec files
MAX_XLSX_UNPACKED = 200 * 1024 * 1024   # and workbooks that unpack to more than this
FORMATS = {".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
LEGACY_ENCODINGS = ["gb18030", "big5", "cp1252"]
GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz"}
HEADERS = {  # header names (NFKC, case-folded) -> column role
    **dict.fromkeys(["feature", "配置", "参数", "项目", "配置项", "名称", "参数名称", "配置名称"],
                    "feature"),
    **dict.fromkeys(["section", "category", "分类", "类别"], "section"),
    **dict.fromkeys(["trim", "版本", "车型版本"], "trim"),
    **dict.fromkeys(["value", "值", "参数值", "配置值"], "value"),
    **dict.fromkeys(["model", "车型"], "model"),
}
FEATURE_NAMES = "feature, Feature, 配置, 参数, 项目, 配置项, 名称"
FRAME_COLUMNS = ["model", "trim", "section", "feature", "kind", "availability", "value", "unit",
                 "text", "note", "raw", "ref"]


# ---------------------------------------------------------------- public API

def load_spec(path: str | Path, *, sheet: str | None = None, model: str | None = None) -> list[Spec]:
    """The models in one spec file (one for a CSV; one per sheet for a workbook)."""
    source, p = str(path), Path(path)
    if not p.exists():
        raise InputError("no such file", source)
    if p.is_dir():
        raise InputError("is a folder, not a spec file", source)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        hint = " (save it as .xlsx)" if p.suffix.lower() == ".xls" else ""
        raise InputError(f"unsupported spec format {p.suffix!r}{hint}; expected "
                         f"{', '.join(FORMATS)}", source)
    if sheet is not None and fmt != "xlsx":
        raise InputError(f"sheet={sheet!r} applies to .xlsx workbooks only", source)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB", source)
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source) from None
    if not data.strip():
        raise InputError("empty file", source)
    ctx = _Context(source, hashlib.sha256(data).hexdigest(), model, p.stem)
    if fmt == "csv":
        specs = _grid_specs(_read_csv(data, ctx, p.suffix.lower() == ".tsv"), ctx, ctx.stem)
    elif fmt == "xlsx":
        specs = _xlsx_specs(data, ctx, sheet)
    else:
        specs = _document_specs(_read_document(data, ctx, fmt), ctx)
    _check_unique_models(specs)
    return specs


def load_specs(paths: Iterable[str | Path]) -> list[Spec]:
    """Every model in the given files and folders (folders recursively, in sorted order)."""
    files: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = sorted((f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in FORMATS
                            and not any(part.startswith(".") for part in f.relative_to(p).parts)),
                           key=lambda f: f.relative_to(p).as_posix())
            if not found:
                raise InputError(f"no spec tables ({', '.join(FORMATS)}) in this folder", str(given))
            files.extend(str(f) for f in found)
        else:
            files.append(str(given))
    seen: set[Path] = set()
    specs: list[Spec] = []
    for f in files:
        key = Path(f).resolve()
        if key not in seen:
            seen.add(key)
            specs.extend(load_spec(f))
    _check_unique_models(specs)
    return specs


def specs_frame(specs: Iterable[Spec]) -> pd.DataFrame:
    """One row per (model, feature, trim) cell, in table order."""
    records = [
        {"model": c.model, "trim": c.trim, "section": c.section, "feature": c.feature,
         "kind": c.kind.value, "availability": c.availability.value if c.availability else None,
         "value": c.value, "unit": c.unit, "text": c.text, "note": c.note, "raw": c.raw, "ref": c.ref}
        for spec in specs for row in spec.rows for c in row.cells
    ]
    import pandas as pd  # imported here: a CLI audit never needs it, and it takes 0.3 s to load

    return pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)


# ---------------------------------------------------------------- shared building

@dataclass(frozen=True)
class _Context:
    source: str            # the path as given
    sha256: str
    model: str | None      # the caller's model name, overriding the file's
    stem: str              # file stem, the last-resort model name

    def error(self, message: str, where: str | None = None) -> InputError:
        return InputError(message, self.source, where)


@dataclass(frozen=True)
class _Row:
    section: str
    feature: str
    where: str                          # the feature's cell, for messages
    cells: tuple[tuple[str, str], ...]  # (raw, ref) in trim order


@dataclass(frozen=True)
class _Record:
    """One long-form cell."""
    model: str
    section: str
    trim: str
    feature: str
    value: str
    ref: str
    where: str


def _build_spec(model: str, trims: list[str], rows: list[_Row], ctx: _Context,
                where: str | None) -> Spec:
    if not trims:
        raise ctx.error(f"model {model!r} has no trim columns", where)
    if not rows:
        raise ctx.error(f"model {model!r} has a header but no feature rows", where)
    first_seen: dict[str, str] = {}
    built = []
    for row in rows:
        if row.feature in first_seen:
            raise ctx.error(f"duplicate feature row {row.feature!r} in model {model!r} "
                            f"(at {first_seen[row.feature]} and {row.where})", row.where)
        first_seen[row.feature] = row.where
        hint = row_kind_hint(raw for raw, _ in row.cells)
        cells = tuple(parse_cell(raw, ref=ref, model=model, trim=trim, section=row.section,
                                 feature=row.feature, row_kind_hint=hint)
                      for trim, (raw, ref) in zip(trims, row.cells))
        built.append(SpecRow(model=model, section=row.section, feature=row.feature, cells=cells))
    return Spec(model=model, source=ctx.source, trims=tuple(trims), rows=tuple(built), sha256=ctx.sha256)


def _long_specs(records: list[_Record], ctx: _Context) -> list[Spec]:
    """Group long-form records by model; every model needs every (feature, trim) pair once."""
    if ctx.model is not None and len({r.model for r in records}) > 1:
        raise ctx.error(f"model={ctx.model!r} given but the table holds several models")
    by_model: dict[str, dict[str, Any]] = {}
    for rec in records:
        m = by_model.setdefault(rec.model, {"trims": [], "features": {}, "where": rec.where})
        if rec.trim not in m["trims"]:
            m["trims"].append(rec.trim)
        feat = m["features"].setdefault(rec.feature,
                                        {"section": rec.section, "where": rec.where, "cells": {}})
        feat["section"] = feat["section"] or rec.section
        if rec.trim in feat["cells"]:
            raise ctx.error(f"trim {rec.trim!r} / feature {rec.feature!r} appears twice "
                            f"(at {feat['cells'][rec.trim][2]} and {rec.where})", rec.where)
        feat["cells"][rec.trim] = (rec.value, rec.ref, rec.where)
    specs = []
    for model, m in by_model.items():
        rows = []
        for feature, feat in m["features"].items():
            missing = [t for t in m["trims"] if t not in feat["cells"]]
            if missing:
                raise ctx.error(f"feature {feature!r} has no value for trim {missing[0]!r}",
                                feat["where"])
            cells = tuple(feat["cells"][t][:2] for t in m["trims"])
            rows.append(_Row(feat["section"], feature, feat["where"], cells))
        specs.append(_build_spec(model, m["trims"], rows, ctx, m["where"]))
    return specs


def _check_unique_models(specs: list[Spec]) -> None:
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.model in seen:
            raise InputError(f"model {spec.model!r} is defined twice ({seen[spec.model]} and "
                             f"{spec.source}); give each table its own model name", spec.source)
        seen[spec.model] = spec.source


def _roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, name in enumerate(header):
        role = HEADERS.get(normalise(name).casefold())
        if role and role not in roles:
            roles[role] = i
    return roles


# ---------------------------------------------------------------- CSV and XLSX grids

def column_letter(n: int) -> str:
    """Spreadsheet column name of 1-based column n: 1 -> A, 27 -> AA (as openpyxl names them)."""
    letters = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@dataclass(frozen=True)
class _Grid:
    rows: list[tuple[int, list[str]]]  # (1-based row number, stripped cell texts); blank rows dropped
    sheet: str | None = None            # XLSX sheet name

    def where(self, col: int, row: int) -> str:
        cell = f"{column_letter(col + 1)}{row}"
        return f"{self.sheet}!{cell}" if self.sheet is not None else cell

    def ref(self, ctx: _Context, col: int, row: int) -> str:
        cell = f"{column_letter(col + 1)}{row}"
        return f"{ctx.source}[{self.sheet}]!{cell}" if self.sheet is not None else f"{ctx.source}:{cell}"


def _grid_specs(grid: _Grid, ctx: _Context, default_model: str) -> list[Spec]:
    if not grid.rows:
        raise ctx.error("empty table", f"{grid.sheet}!A1" if grid.sheet else None)
    header_no, header = grid.rows[0]
    width = max(len(cells) for _, cells in grid.rows)
    header = header + [""] * (width - len(header))
    body = [(n, cells + [""] * (width - len(cells))) for n, cells in grid.rows[1:]]
    roles = _roles(header)
    if "feature" not in roles:
        raise ctx.error(f"no feature column: the first row must be a header naming one "
                        f"({FEATURE_NAMES})", grid.where(0, header_no))
    fcol, scol = roles["feature"], roles.get("section")
    if not body:
        raise ctx.error("only a header row, no feature rows", grid.where(0, header_no))
    for col, name in enumerate(header):
        if not name:
            filled = next((n for n, cells in body if cells[col]), None)
            if filled is not None:
                raise ctx.error("cell in a column without a header", grid.where(col, filled))

    if "trim" in roles and "value" in roles:  # long form
        mcol, tcol, vcol = roles.get("model"), roles["trim"], roles["value"]
        extra = next((i for i, name in enumerate(header) if name and i not in roles.values()), None)
        if extra is not None:
            raise ctx.error(f"unexpected column {header[extra]!r} in a long-form table (columns: "
                            "model, section, trim, feature, value)", grid.where(extra, header_no))
        records = []
        for n, cells in body:
            for col, what in ((fcol, "feature"), (tcol, "trim"), (mcol, "model")):
                if col is not None and not cells[col]:
                    raise ctx.error(f"empty {what} cell", grid.where(col, n))
            model = ctx.model or (cells[mcol] if mcol is not None else default_model)
            section = cells[scol] if scol is not None else ""
            records.append(_Record(model, section, cells[tcol], cells[fcol], cells[vcol],
                                   grid.ref(ctx, vcol, n), grid.where(fcol, n)))
        return _long_specs(records, ctx)

    trim_cols = [i for i, name in enumerate(header) if name and i not in (fcol, scol)]
    trims = [header[i] for i in trim_cols]
    for k, i in enumerate(trim_cols):
        if header[i] in trims[:k]:
            first = trim_cols[trims.index(header[i])]
            raise ctx.error(f"trim column {header[i]!r} appears twice (at {grid.where(first, header_no)} "
                            f"and {grid.where(i, header_no)})", grid.where(i, header_no))
    rows, section = [], ""
    for n, cells in body:
        if scol is not None and cells[scol]:
            section = cells[scol]
        values = [cells[i] for i in trim_cols]
        if not cells[fcol]:
            if scol is not None and cells[scol] and not any(values):
                continue  # a section heading row: "基本信息,,,"
            raise ctx.error("row has cells but no feature label", grid.where(fcol, n))
        if scol is None and not any(values):
            # a heading in the feature column with every trim cell empty ("座椅,,,"), as
            # exported config tables have: it names the section of the rows below it
            section = cells[fcol]
            continue
        rows.append(_Row(section, cells[fcol], grid.where(fcol, n),
                         tuple((cells[i], grid.ref(ctx, i, n)) for i in trim_cols)))
    return [_build_spec(ctx.model or default_model, trims, rows, ctx, grid.where(0, header_no))]


def _decode(data: bytes, ctx: _Context) -> str:
    """BOM first, then strict UTF-8, then charset-normalizer restricted to plausible encodings."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            best = charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
            if best is None:
                raise ctx.error("cannot decode the file: not UTF-8, GB18030/GBK, Big5 or "
                                "Windows-1252 text") from None
            encoding = "gb18030" if best.encoding in GB_FAMILY else best.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ctx.error(f"cannot decode the file as {encoding} (byte {exc.start})") from None
    if "\x00" in text:
        raise ctx.error("binary data, not a text table")
    return text


def _read_csv(data: bytes, ctx: _Context, tab: bool) -> _Grid:
    text = _decode(data, ctx)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if tab else max([",", ";", "\t"], key=first.count)  # ties keep ','
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for n, record in enumerate(reader, 1):
            cells = [c.strip() for c in record]
            if any(cells):
                rows.append((n, cells))
    except csv.Error as exc:
        raise ctx.error(f"malformed CSV: {exc}", f"line {reader.line_num}") from None
    return _Grid(rows)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).strip()


def _xlsx_specs(data: bytes, ctx: _Context, sheet: str | None) -> list[Spec]:
    from openpyxl import load_workbook  # only for workbooks: a CSV audit need not load it

    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise ctx.error("not an .xlsx workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(buffer) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise ctx.error("workbook unpacks to more than "
                                f"{MAX_XLSX_UNPACKED // (1024 * 1024)} MB")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), data_only=True)
            formulas = load_workbook(io.BytesIO(data), data_only=False)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise ctx.error(f"cannot read the workbook ({detail})") from None
    names = [ws.title for ws in book.worksheets]
    if sheet is not None and sheet not in names:
        raise ctx.error(f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
    grids = []
    for ws in book.worksheets:
        if sheet is not None and ws.title != sheet:
            continue
        grid = _sheet_grid(ws, formulas[ws.title], ctx)
        if grid.rows or sheet is not None:
            grids.append(grid)
    if not grids:
        raise ctx.error("empty workbook: no sheet has any cells")
    if ctx.model is not None and len(grids) > 1:
        raise ctx.error(f"model={ctx.model!r} given but the workbook has {len(grids)} tables; "
                        "name one with sheet=")
    specs: list[Spec] = []
    for grid in grids:
        specs.extend(_grid_specs(grid, ctx, grid.sheet if len(names) > 1 else ctx.stem))
    return specs


def _sheet_grid(ws, formula_ws, ctx: _Context) -> _Grid:
    values = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:  # a merged cell holds its value in the top-left cell
        top_left = values[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                values[r - 1][c - 1] = top_left
    for row in formula_ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" and not values[cell.row - 1][cell.column - 1]:
                raise ctx.error("formula without a saved value; open and save the workbook in a "
                                "spreadsheet program first", f"{ws.title}!{cell.coordinate}")
    return _Grid([(n, row) for n, row in enumerate(values, 1) if any(row)], sheet=ws.title)


# ---------------------------------------------------------------- YAML and JSON

def _read_document(data: bytes, ctx: _Context, fmt: str) -> Any:
    text = _decode(data, ctx)
    try:
        if fmt == "json":
            return json.loads(text, object_pairs_hook=_no_duplicate_keys)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ctx.error(f"not valid JSON: {exc.msg}", f"line {exc.lineno}") from None
    except ValueError as exc:  # a duplicate key
        raise ctx.error(str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ctx.error(f"not valid YAML: {problem}", f"line {mark.line + 1}" if mark else None) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _scalar(value: Any, ctx: _Context, where: str) -> str:
    if value is None or isinstance(value, (str, int, float, bool)):
        return _cell_text(value)
    raise ctx.error(f"expected a single value, got a {type(value).__name__}", where)


def _document_specs(doc: Any, ctx: _Context) -> list[Spec]:
    shape = ("expected a mapping {model, trims, rows: [{section, feature, cells}]}, a list of such "
             "mappings, or a list of records {model, section, trim, feature, value}")
    if doc is None:
        raise ctx.error("empty document")
    if isinstance(doc, dict):
        return [_wide_document(doc, ctx, "")]
    if not isinstance(doc, list) or not doc:
        raise ctx.error(shape)
    if all(isinstance(item, dict) and "rows" in item for item in doc):
        if ctx.model is not None and len(doc) > 1:
            raise ctx.error(f"model={ctx.model!r} given but the file holds {len(doc)} tables")
        return [_wide_document(item, ctx, f"[{i}].") for i, item in enumerate(doc)]
    records = []
    for i, item in enumerate(doc):
        if not isinstance(item, dict):
            raise ctx.error(f"list item is not a mapping; {shape}", f"[{i}]")
        roles: dict[str, str] = {}
        for key in item:
            role = HEADERS.get(normalise(str(key)).casefold())
            if role is None or role in roles:
                raise ctx.error(f"unknown or repeated key {key!r} in a long-form record",
                                f"[{i}].{key}")
            roles[role] = key
        for role in ("feature", "trim", "value"):
            if role not in roles:
                raise ctx.error(f"record has no {role!r} key", f"[{i}]")
        get = {role: _scalar(item[key], ctx, f"[{i}].{key}") for role, key in roles.items()}
        for role in ("feature", "trim"):
            if not get[role]:
                raise ctx.error(f"empty {role!r}", f"[{i}].{roles[role]}")
        model = ctx.model or get.get("model") or ctx.stem
        records.append(_Record(model, get.get("section", ""), get["trim"], get["feature"], get["value"],
                               f"{ctx.source}:[{i}].{roles['value']}", f"[{i}]"))
    return _long_specs(records, ctx)


def _wide_document(doc: dict, ctx: _Context, prefix: str) -> Spec:
    unknown = [k for k in doc if k not in ("model", "trims", "rows")]
    if unknown:
        raise ctx.error(f"unknown key {unknown[0]!r} (expected model, trims, rows)",
                        f"{prefix}{unknown[0]}")
    rows = doc.get("rows")
    if not isinstance(rows, list) or not rows:
        raise ctx.error("'rows' must be a non-empty list of {section, feature, cells}", f"{prefix}rows")
    model = ctx.model or _scalar(doc.get("model"), ctx, f"{prefix}model") or ctx.stem
    trims = doc.get("trims")
    if trims is not None:
        if not isinstance(trims, list) or not trims:
            raise ctx.error("'trims' must be a non-empty list of trim names", f"{prefix}trims")
        trims = [_scalar(t, ctx, f"{prefix}trims[{i}]") for i, t in enumerate(trims)]
        if "" in trims or len(set(trims)) != len(trims):
            raise ctx.error("'trims' has an empty or repeated name", f"{prefix}trims")
    else:  # the cell keys in the order first seen
        mappings = [row.get("cells") for row in rows if isinstance(row, dict)]
        trims = list(dict.fromkeys(str(k) for cells in mappings if isinstance(cells, dict) for k in cells))
    parsed = []
    for i, row in enumerate(rows):
        at = f"{prefix}rows[{i}]"
        if not isinstance(row, dict):
            raise ctx.error("each row must be a mapping {section, feature, cells}", at)
        unknown = [k for k in row if k not in ("section", "feature", "cells")]
        if unknown:
            raise ctx.error(f"unknown key {unknown[0]!r} (expected section, feature, cells)",
                            f"{at}.{unknown[0]}")
        feature = _scalar(row.get("feature"), ctx, f"{at}.feature")
        if not feature:
            raise ctx.error("row has no 'feature'", f"{at}.feature")
        cells = row.get("cells")
        if isinstance(cells, list):
            if len(cells) != len(trims):
                raise ctx.error(f"'cells' has {len(cells)} entries for {len(trims)} trims",
                                f"{at}.cells")
            cells = dict(zip(trims, cells))
        if not isinstance(cells, dict):
            raise ctx.error("'cells' must map trim names to cells", f"{at}.cells")
        for key in cells:
            if str(key) not in trims:
                raise ctx.error(f"cell for unknown trim {key!r} (trims: {', '.join(trims)})",
                                f"{at}.cells")
        by_trim = {str(k): v for k, v in cells.items()}
        parsed.append(_Row(_scalar(row.get("section"), ctx, f"{at}.section"), feature, at,
                           tuple((_scalar(by_trim.get(t), ctx, f"{at}.{t}"), f"{ctx.source}:{at}.{t}")
                                 for t in trims)))
    return _build_spec(model, trims, parsed, ctx, f"{prefix}rows")
