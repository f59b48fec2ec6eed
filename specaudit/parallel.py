"""Auditing claims in batches, in other processes: `--jobs N` and the Dask path share this.

A worker process builds its Auditor (lexicon, spec contexts, matcher indexes) once, when it
starts (a forked worker inherits the one already built), and keeps it for every batch. The batch
function judges each claim's feature mentions; the rule packs and waivers, which need every
claim in order (disclosures per document, consistency across channels), run in the process
that reads the claims, on the results as they come back in input order, exactly as a
single-process audit runs them. So `--jobs N` gives the same report as `--jobs 1`.

Claims are read lazily and at most a few batches per worker are in flight, so memory does not
grow with the corpus.
"""
from __future__ import annotations

import hashlib
import itertools
import pickle
from collections import deque
from collections.abc import Iterable, Iterator

from .model import Claim, Finding, Spec

BATCH_SIZE = 1000  # claims per task: large enough to amortise pickling, small enough to stream

_AUDITOR = None
_AUDITOR_KEY: str | None = None


def setup(specs: list[Spec], options) -> None:
    """Build this process's Auditor for `specs` and `options` (a no-op when it already has it)."""
    global _AUDITOR, _AUDITOR_KEY
    key = _key(specs, options)
    if _AUDITOR is None or _AUDITOR_KEY != key:
        from .engine import Auditor

        _AUDITOR = Auditor(list(specs), options)
        _AUDITOR_KEY = key


def _key(specs, options) -> str:
    return hashlib.sha256(pickle.dumps((tuple(specs), options))).hexdigest()


def auditor():
    if _AUDITOR is None:
        raise RuntimeError("specaudit.parallel.setup(specs, options) has not run in this process")
    return _AUDITOR


def audit_claims(claims: Iterable[Claim], supported: bool = True) -> list[tuple[list[Finding], int, int]]:
    """Per claim, in order: its feature results, sentence count and mention count (without
    `supported`, results that would be supported are left out: see Auditor.audit_claim)."""
    a = auditor()
    return [a.audit_claim(c, supported) for c in claims]


def audit_batch(claims: Iterable[Claim]) -> list[Finding]:
    """The feature results of a batch of claims (this process's Auditor; see `setup`)."""
    return [f for found, _, _ in audit_claims(claims) for f in found]


_SETUP_ERROR: BaseException | None = None


def _setup_worker(specs, options) -> None:
    """Pool initializer. A failure is kept and raised by the first task, so that it reaches the
    caller through the task's result: a Pool whose initializer raises starts new workers forever."""
    global _SETUP_ERROR
    try:
        setup(specs, options)
    except BaseException as exc:  # noqa: BLE001 - re-raised in _task, in the caller's process
        _SETUP_ERROR = exc


def _task(payload):
    if _SETUP_ERROR is not None:
        raise _SETUP_ERROR
    claims, supported = payload
    return audit_claims(claims, supported)


def batches(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    it = iter(items)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def audit_parallel(specs: list[Spec], options, claims: Iterable[Claim], jobs: int,
                   batch_size: int = BATCH_SIZE, auditor=None,
                   supported: bool = True) -> Iterator[tuple[Claim, list[Finding], int, int]]:
    """(claim, results, sentences, mentions) for every claim, in input order, computed by
    `jobs` worker processes; at most 2 x jobs batches are read ahead. With `auditor` (built
    for these specs and options) and the fork start method, workers inherit it ready-made."""
    import multiprocessing

    global _AUDITOR, _AUDITOR_KEY
    specs = list(specs)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    saved = _AUDITOR, _AUDITOR_KEY
    if auditor is not None and "fork" in methods:
        _AUDITOR, _AUDITOR_KEY = auditor, _key(specs, options)
    try:
        # each worker sets up once (a forked one finds the Auditor it inherited); the tasks
        # then carry only claims, not the spec tables again with every batch
        pool = ctx.Pool(jobs, initializer=_setup_worker, initargs=(specs, options))
    finally:
        _AUDITOR, _AUDITOR_KEY = saved  # the workers have their copy; this process keeps none
    with pool:
        pending: deque = deque()
        for chunk in batches(claims, batch_size):
            pending.append((chunk, pool.apply_async(_task, ((chunk, supported),))))
            if len(pending) >= 2 * jobs:
                yield from _emit(*pending.popleft())
        while pending:
            yield from _emit(*pending.popleft())


def _emit(chunk, result):
    for claim, (found, s, m) in zip(chunk, result.get()):
        yield claim, found, s, m
