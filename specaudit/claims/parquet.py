"""Parquet claim files: one row a claim, read with pyarrow in record batches, in bounded memory.

The record semantics are those of JSON Lines and CSV (``records.py``): columns ``id`` and
``text`` are required; ``channel``, ``kind``, ``model`` and ``lang`` are optional; a
``specaudit_ignore`` column holds waivers (a string, or a list of strings); every other column
goes to ``Claim.extra``. Column names are matched exactly, as JSON keys are. Every row has every
column in Parquet, so a null means "not given": a null optional field or extra value is left
out, a null ``id`` or ``text`` is the same error as a record without one, and a row whose text is
empty is skipped (its number still counts).

Locators: ``record`` is the id, and for Parquet the ``line`` is the **1-based row number** in
the file (counted across row groups; there are no lines in a columnar file); there is no column.
Errors name the file and the row (``copy.parquet:row 12: record r7 has no 'text'``).

Memory: rows are read ``BATCH_ROWS`` at a time with ``ParquetFile.iter_batches``, so a huge file
costs a batch of Python records plus the pages pyarrow holds for the row group it is in.
``parquet_claims(path, groups)`` reads only some row groups, with the row numbers a whole-file
read gives them: the Dask engine makes a partition of each row group (or of a few small ones).

pyarrow is an optional extra (``pip install 'specaudit[parquet]'``), imported only when a
``.parquet`` file is read. A missing pyarrow, a file that is not Parquet or is damaged, and a file
without an ``id`` or ``text`` column are InputErrors naming the file.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..errors import InputError
from ..model import Claim
from .records import _record_claim

BATCH_ROWS = 1024  # rows turned into Python records at a time


def _pyarrow(path: str):
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError("reading Parquet claim files needs pyarrow: pip install 'specaudit[parquet]'",
                         path) from None
    return pyarrow


def _damaged(path: str, exc: BaseException, where: str | None = None) -> InputError:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OSError) and getattr(exc, "strerror", None):
        return InputError(f"cannot read: {exc.strerror}", path, where)
    return InputError(f"cannot read as Parquet: {detail}", path, where)


def _open(path: str):
    """(pyarrow, the ParquetFile of `path`), its id/text columns checked; InputError if it
    cannot be read."""
    pa = _pyarrow(path)
    try:
        pf = pa.parquet.ParquetFile(path)
        names = list(pf.schema_arrow.names)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _damaged(path, exc) from None
    missing = [c for c in ("id", "text") if c not in names]
    if missing:
        raise InputError(f"the file must have columns 'id' and 'text' (missing: {', '.join(missing)}; "
                         f"found: {', '.join(names) or 'none'})", path)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"duplicate column(s): {', '.join(dupes)}", path)
    return pa, pf


def row_groups(path: str) -> list[tuple[int, int]]:
    """(rows, uncompressed bytes) of each row group of a Parquet claim file, from its footer."""
    meta = _open(path)[1].metadata
    return [(meta.row_group(i).num_rows, meta.row_group(i).total_byte_size)
            for i in range(meta.num_row_groups)]


def parquet_claims(path: str, groups: Sequence[int] | None = None) -> Iterator[Claim]:
    """The claims of row groups `groups` of a Parquet file (all of them: None), in file order.

    Rows are numbered as in the whole file (1-based), whichever row groups are read, so a
    partition's claims are those a whole-file read gives for its rows.
    """
    pa, pf = _open(path)
    meta = pf.metadata
    count = meta.num_row_groups
    wanted = list(range(count)) if groups is None else sorted(set(groups))
    for g in wanted:
        if not 0 <= g < count:
            raise InputError(f"no row group {g} (the file has {count})", path)
    starts, row = [], 1
    for g in range(count):
        starts.append(row)
        row += meta.row_group(g).num_rows
    # consecutive row groups are read in one pass; a gap starts a new one with its own numbering
    runs: list[list[int]] = []
    for g in wanted:
        if runs and runs[-1][-1] == g - 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    for run in runs:
        yield from _claims_of(pa, pf, path, run, starts[run[0]])


def _claims_of(pa, pf, path: str, groups: list[int], first_row: int) -> Iterator[Claim]:
    number = first_row
    batches = pf.iter_batches(batch_size=BATCH_ROWS, row_groups=groups, use_pandas_metadata=False)
    while True:
        try:
            batch = next(batches, None)
            records = batch.to_pylist() if batch is not None else None
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise _damaged(path, exc, f"row {number}") from None
        if records is None:
            return
        for record in records:
            where = f"row {number}"
            fields = {k: v for k, v in record.items() if v is not None or k in ("id", "text")}
            claim = _record_claim(path, number, fields, where)
            if claim is not None:
                yield claim
            number += 1

