"""The consistency pack's pair search: the same pairs as comparing every pair, without doing so."""
import random

from specaudit.rules import consistency
from specaudit.rules.consistency import Statement, _clashing_pairs, _conflict
from specaudit.units import Quantity


def _statements(n: int, seed: int) -> list[Statement]:
    r = random.Random(seed)
    trims = [("A",), ("B",), ("A", "B")]
    out = []
    for i in range(n):
        kind = r.choice(["pol", "pol", "fig", "unbounded", "text"])
        if kind == "pol":
            stance = ("pol", r.choice([1, -1]))
        elif kind == "fig":
            value = r.choice([3000.0, 3000.0, 3010.0, 5000.0])
            decimals = r.choice([0, 1])
            stance = ("fig", r.choice(["eq", "eq", "min", "max"]),
                      Quantity(value, r.choice(["km", "km", "kWh"]), decimals, str(value), 0, 4, 10 ** -decimals))
        elif kind == "text":
            stance = ("text", r.choice(["广州", "全国"]))
        else:
            stance = ("unbounded",)
        verdict = r.choice(["supported", "contradicted", "unqualified", "unverifiable"])
        out.append(Statement(finding=None, order=i, claim_model=None, stance=stance,
                             trims=r.choice(trims), verdict=verdict))
    return out


def test_grouped_search_finds_every_clashing_pair_in_loop_order():
    for seed in range(20):
        stmts = _statements(120, seed)
        every_pair = [(a, b) for i, a in enumerate(stmts) for b in stmts[i + 1:] if _conflict(a, b)]
        assert list(_clashing_pairs(stmts)) == every_pair


def test_agreeing_statements_are_not_compared_pair_by_pair(monkeypatch):
    # a catalogue says the same thing about a feature thousands of times
    calls = []
    real = consistency._conflict
    monkeypatch.setattr(consistency, "_conflict", lambda a, b: calls.append(1) or real(a, b))
    stmts = [Statement(None, i, None, ("pol", 1), ("A", "B"), "supported") for i in range(5000)]
    stmts.append(Statement(None, 5000, None, ("pol", -1), ("A",), "contradicted"))
    pairs = list(_clashing_pairs(stmts))
    assert len(pairs) == 5000 and all(b is stmts[-1] for _, b in pairs)
    assert len(calls) <= 4  # two kinds of statement: the kinds are compared, not the pairs
