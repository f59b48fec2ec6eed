"""Auditing a corpus on a Dask cluster: `specaudit audit --engine dask --scheduler ADDRESS`.

For corpora beyond one machine. JSON Lines files are cut into partitions of whole lines (byte
ranges found by the client without parsing anything); Parquet files into partitions of whole
row groups (one each, or a few small consecutive ones up to about PARTITION_BYTES uncompressed,
found from the file's footer); every other claim file is one partition. Each partition is a
task on the cluster: the worker reads its claims (so the claim files must be at the same path
on the workers) and judges them with the same batch function as `--jobs` (specaudit.parallel,
one Auditor per worker process, built on its first task). The client gathers the results
partition by partition, in input order, and runs the rule packs and waivers over them exactly
as a local audit does, so the report is the same as `specaudit audit` on one machine. At most
a few partitions per worker thread are in flight, so the client's memory does not grow with
the corpus.

Dask is an optional extra: `pip install specaudit[dask]` (it is imported only here, only when
this engine is used; the extra includes pyarrow for Parquet claims). The workers need
specaudit installed too, at the same version.
"""
from __future__ import annotations

import io
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .claims import claim_files, iter_claims
from .claims.common import _ext
from .claims.parquet import parquet_claims, row_groups
from .claims.records import jsonl_claims
from .errors import InputError
from .model import Claim, Finding, Spec

PARTITION_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Partition:
    """Claims from one file: all of it, lines [first_line, ...) from byte `start` to `end` of a
    JSON Lines file, or row groups `row_groups` of a Parquet file."""

    path: str
    start: int = 0
    end: int | None = None       # None: the whole file, read by its format's reader
    first_line: int = 1
    claims: tuple[Claim, ...] = ()  # claims given as objects, not files
    row_groups: tuple[int, ...] = ()  # Parquet row groups (then start/end are unused)

    @property
    def split(self) -> bool:
        """Part of a file cut into several partitions (its reader never sees the whole file)."""
        return self.end is not None or bool(self.row_groups)


def partitions(paths: Iterable[str | Path], partition_bytes: int = PARTITION_BYTES) -> list[Partition]:
    """The partitions of `paths` (files and folders, as `specaudit audit` takes them), in order."""
    out: list[Partition] = []
    for path in claim_files(paths):
        ext = _ext(path)
        if ext == ".jsonl":
            out.extend(_jsonl_ranges(path, partition_bytes))
        elif ext == ".parquet":
            out.extend(_parquet_groups(path, partition_bytes))
        else:
            out.append(Partition(path))
    return out


def _parquet_groups(path: str, partition_bytes: int) -> list[Partition]:
    """Consecutive row groups of a Parquet file, as many as fit in `partition_bytes` (at least one)."""
    parts: list[Partition] = []
    group: list[int] = []
    size = 0
    for i, (_, nbytes) in enumerate(row_groups(path)):
        if group and size + nbytes > partition_bytes:
            parts.append(Partition(path, row_groups=tuple(group)))
            group, size = [], 0
        group.append(i)
        size += nbytes
    if group:
        parts.append(Partition(path, row_groups=tuple(group)))
    return parts or [Partition(path)]  # no row groups: the reader says "no claims found"


def _jsonl_ranges(path: str, partition_bytes: int) -> list[Partition]:
    size = os.path.getsize(path)
    parts: list[Partition] = []
    start, line = 0, 1
    with open(path, "rb") as fh:
        while start < size:
            fh.seek(start)
            target = start + partition_bytes
            lines = 0
            pos = start
            while pos < min(target, size):  # count the lines up to the cut, in blocks
                block = fh.read(min(1 << 20, target - pos))
                if not block:
                    break
                lines += block.count(b"\n")
                pos += len(block)
            if pos < size:  # finish the line the cut fell in
                rest = fh.readline()
                pos += len(rest)
                lines += rest.endswith(b"\n")
            parts.append(Partition(path, start, pos, line))
            start, line = pos, line + lines
    return parts or [Partition(path, 0, 0, 1)]


def read_partition(part: Partition) -> list[Claim]:
    """The claims of one partition, with the locators a local audit gives them."""
    if part.claims:
        return list(part.claims)
    if part.row_groups:
        return list(parquet_claims(part.path, part.row_groups))
    if part.end is None:
        return list(iter_claims([part.path]))
    with open(part.path, "rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.end - part.start)
    # lines end at b"\n" only, as in a file read line by line
    return list(jsonl_claims(part.path, io.BytesIO(data), part.first_line))


def judge_partition(part: Partition, specs: list[Spec], options) -> list[tuple[Claim, list[Finding], int, int]]:
    """The task: read a partition and judge its claims with this worker's Auditor."""
    from .parallel import audit_claims, setup

    setup(specs, options)
    claims = read_partition(part)
    return [(c, found, s, m) for c, (found, s, m) in zip(claims, audit_claims(claims))]


def _client(scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--engine dask needs Dask: pip install 'specaudit[dask]'") from None
    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(dashboard_address=None)
    return Client(cluster), cluster


def judged_on(client, partition_bytes: int = PARTITION_BYTES, window: int | None = None):
    """A `judged` function for engine.audit that runs on a Dask `client`."""

    def judged(specs: list[Spec], options, claim_objs: list[Claim], claim_paths: list) -> Iterator:
        parts = ([Partition("<claims>", claims=tuple(claim_objs))] if claim_objs else []) + partitions(
            claim_paths, partition_bytes)
        specs = list(specs)
        ahead = window or max(2, 2 * sum(client.nthreads().values()))
        pending: deque = deque()
        counts: dict[str, int] = {}
        todo = iter(parts)
        for part in todo:
            pending.append((part, client.submit(judge_partition, part, specs, options, pure=False)))
            if len(pending) >= ahead:
                yield from _take(pending, counts)
        while pending:
            yield from _take(pending, counts)
        for path in dict.fromkeys(p.path for p in parts if p.split):
            if not counts.get(path):
                raise InputError("no claims found in this file", path)

    return judged


def _take(pending: deque, counts: dict[str, int]):
    part, future = pending.popleft()
    results = future.result()
    future.release()
    counts[part.path] = counts.get(part.path, 0) + len(results)
    yield from results


def audit_dask(specs, claims, *, options, scheduler: str | None = None, client=None, progress=None,
               partition_bytes: int = PARTITION_BYTES):
    """`engine.audit` with the claims judged on a Dask cluster (`scheduler`: its address; none:
    a local cluster for this run; or an existing `client`). Same Report as a local audit."""
    from .engine import audit

    own = None
    if client is None:
        client, own = _client(scheduler)
    try:
        return audit(specs, claims, options=options, progress=progress,
                     judged=judged_on(client, partition_bytes))
    finally:
        if own is not None or scheduler:
            client.close()
        if own is not None:
            own.close()
