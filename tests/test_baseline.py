"""Baselines and inline waivers: accepted findings are reported as suppressed and do not fail the run."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import specaudit
from conftest import make_project, write
from specaudit.baseline import Entry, apply_suppressions, fingerprint, load_baseline
from specaudit.claims import parse_waiver
from specaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "aion-ut-super.csv"
PAGE = "# 埃安UT super\n\n配备电动天窗，很受欢迎。\n\n全系标配倒车影像。\n"
NEW_CLAIM = "\n标配前排座椅通风，夏天不闷。\n"          # contradicted: 前排座椅通风 is '-' on every trim


@pytest.fixture
def project(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, {
        "claims/page.md": PAGE,
        "specaudit.yaml": "spec: [specs]\nclaims: [claims]\nformats: [json]\noutputs: {json: out.json}\n",
    })
    monkeypatch.delenv("SPECAUDIT_TODAY", raising=False)
    return tmp_path


def report(project: Path) -> dict:
    return json.loads((project / "out.json").read_text(encoding="utf-8"))


def failing(data: dict) -> list[dict]:
    return [r for r in data["results"] if r["severity"] == "error" and not r["suppressed"]]


# --------------------------------------------------------------------------- fingerprints

def test_fingerprint_ignores_line_and_whitespace_but_not_feature_or_file(tmp_path):
    base = specaudit.audit(specs=[SPEC], claims=[write(tmp_path / "a.md", "配备电动天窗，很受欢迎。\n")]).findings[0]
    moved = replace(base, line=40, column=9, text="配备电动天窗，\n  很受欢迎。")
    assert fingerprint(moved, tmp_path) == fingerprint(base, tmp_path)
    assert fingerprint(replace(base, feature="全景天幕"), tmp_path) != fingerprint(base, tmp_path)
    assert fingerprint(replace(base, source=str(tmp_path / "b.md")), tmp_path) != fingerprint(base, tmp_path)
    assert fingerprint(replace(base, text="配备电动天窗！"), tmp_path) != fingerprint(base, tmp_path)
    # relative to the project root, whatever the working directory
    assert fingerprint(replace(base, source=str(tmp_path / "a.md")), tmp_path) == fingerprint(base, tmp_path)


# --------------------------------------------------------------------------- the lifecycle

def test_audit_baseline_new_claim_expiry(project, capsys):
    # 1. the audit fails on the sunroof
    assert main(["audit"]) == 1
    # 2. accept it
    assert main(["baseline", "--reason", "legacy page, rewrite in Q3", "--by", "Reviewer"]) == 0
    entries = load_baseline(project / "specaudit-baseline.yaml")
    assert len(entries) == 1
    e = entries[0]
    assert (e.feature, e.verdict, e.source, e.accepted_by, e.reason, e.expires) == (
        "电动天窗", "contradicted", "claims/page.md", "Reviewer", "legacy page, rewrite in Q3", None)
    assert e.text == "配备电动天窗，很受欢迎。" and len(e.fingerprint) == 64
    # 3. the audit passes, and still reports the accepted finding as suppressed
    assert main(["audit"]) == 0
    data = report(project)
    assert data["summary"]["suppressed"] == 1 and data["summary"]["passed"] is True
    assert data["results"][0]["suppressed"] == "baseline: legacy page, rewrite in Q3"
    # ... also after the claim moves and the paragraph is reflowed
    write(project / "claims" / "page.md", "# 埃安UT super\n\n全系标配倒车影像。\n\n配备电动天窗，\n很受欢迎。\n")
    assert main(["audit"]) == 0
    # 4. a new contradictory claim fails the run, alone
    write(project / "claims" / "page.md", PAGE + NEW_CLAIM)
    assert main(["audit"]) == 1
    bad = failing(report(project))
    assert [(r["feature"], r["line"]) for r in bad] == [("前排座椅通风", 7)]
    # 5. accept it until a date: passes until then
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert main(["baseline", "--reason", "promo ends this month", "--by", "Lead", "--expires", expires]) == 0
    entries = load_baseline(project / "specaudit-baseline.yaml")
    assert [(x.feature, x.expires and x.expires.isoformat()) for x in entries] == [
        ("电动天窗", None), ("前排座椅通风", expires)]
    capsys.readouterr()
    assert main(["audit"]) == 0
    assert "expired" not in capsys.readouterr().err
    # 6. the waiver expires: the claim fails the run again, and stderr says so once
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPECAUDIT_TODAY", expires)
        assert main(["audit"]) == 1
    err = capsys.readouterr().err
    assert err.count("expired") == 2 and "1 baseline entry has expired" in err and "前排座椅通风" in err
    assert [r["feature"] for r in failing(report(project))] == ["前排座椅通风"]
    assert [r["suppressed"] for r in report(project)["results"] if r["feature"] == "电动天窗"] == [
        "baseline: legacy page, rewrite in Q3"]


def test_baseline_needs_a_reason(project, capsys):
    assert main(["baseline"]) == 2
    assert "--reason" in capsys.readouterr().err
    assert not (project / "specaudit-baseline.yaml").exists()


def test_expires_must_be_a_future_date(project, capsys):
    assert main(["baseline", "--reason", "x", "--expires", "2020-01-01"]) == 2
    assert main(["baseline", "--reason", "x", "--expires", "next week"]) == 2
    assert not (project / "specaudit-baseline.yaml").exists()


def test_prune_drops_entries_that_no_longer_match(project):
    write(project / "claims" / "page.md", PAGE + NEW_CLAIM)
    assert main(["baseline", "--reason", "known"]) == 0
    assert len(load_baseline(project / "specaudit-baseline.yaml")) == 2
    write(project / "claims" / "page.md", PAGE)               # the new claim was fixed
    assert main(["baseline", "--reason", "known"]) == 0       # without --prune nothing is dropped
    assert len(load_baseline(project / "specaudit-baseline.yaml")) == 2
    assert main(["baseline", "--prune"]) == 0
    assert [e.feature for e in load_baseline(project / "specaudit-baseline.yaml")] == ["电动天窗"]


def test_configured_baseline_path_and_flags(project):
    write(project / "specaudit.yaml", "formats: [json]\noutputs: {json: out.json}\nbaseline: ci/accepted.yaml\n")
    assert main(["baseline", "--reason", "ok"]) == 0
    assert (project / "ci" / "accepted.yaml").exists() and not (project / "specaudit-baseline.yaml").exists()
    assert main(["audit"]) == 0
    assert main(["audit", "--no-baseline"]) == 1
    assert main(["audit", "--baseline", "elsewhere.yaml"]) == 1          # a missing baseline is empty


def test_baseline_is_read_from_a_subfolder_of_the_project(project, monkeypatch):
    assert main(["baseline", "--reason", "ok"]) == 0
    monkeypatch.chdir(project / "claims")
    assert main(["audit"]) == 0


def test_malformed_baseline_is_exit_2_naming_the_file(project, capsys):
    write(project / "specaudit-baseline.yaml", "entries:\n  - fingerprint: abc\n")
    assert main(["audit"]) == 2
    err = capsys.readouterr().err
    assert "specaudit-baseline.yaml" in err and "reason" in err and "entry 1" in err


def test_apply_suppressions_from_python(project):
    rep = specaudit.audit(specs=["specs"], claims=["claims"])
    f = rep.findings[0]
    entry = Entry(fingerprint(f, project), f.feature, f.verdict, "claims/page.md", f.text, "me", "ok",
                  dt.date(2030, 1, 1))
    assert apply_suppressions(rep, [entry], root=project, today=dt.date(2029, 12, 31)).exit_status() == 0
    notes = []
    late = apply_suppressions(rep, [entry], root=project, today=dt.date(2030, 1, 1), warn=notes.append)
    assert late.exit_status() == 1 and len(notes) == 1
    # the project's baseline is found through the config, as the CLI does
    assert main(["baseline", "--reason", "ok"]) == 0
    assert specaudit.apply_suppressions(rep).summary()["suppressed"] == 1


# --------------------------------------------------------------------------- inline waivers

def test_waiver_comment_parsing():
    assert parse_waiver(' sunroof: "image shows the concept car" ') == (("sunroof", "image shows the concept car"),)
    assert parse_waiver("sunroof, 全景天幕: 'x'") == (("sunroof", "x"), ("全景天幕", "x"))
    assert parse_waiver("all: reason") == (("*", "reason"),)
    assert parse_waiver('"reason only"') == (("*", "reason only"),)
    assert parse_waiver("sunroof") == (("sunroof", ""),)


def test_markdown_waiver_suppresses_the_claim_after_it(project):
    write(project / "claims" / "page.md",
          "<!-- specaudit-ignore 电动天窗: \"image shows the concept car\" -->\n配备电动天窗，很受欢迎。\n\n"
          "配备电动天窗，再说一次。\n")
    assert main(["audit"]) == 1                                   # the second claim is not waived
    data = report(project)
    assert [(r["line"], r["suppressed"]) for r in data["results"]] == [
        (2, "waiver: image shows the concept car"), (4, None)]
    assert data["summary"]["suppressed"] == 1


@pytest.mark.parametrize("target", ["sunroof", "电动天窗", "*", "all", "availability"])
def test_waiver_targets(project, target):
    write(project / "claims" / "page.md", f"<!-- specaudit-ignore {target}: 'ok' -->\n\n配备电动天窗。\n")
    data_rc = main(["audit"])
    r = report(project)["results"][0]
    if target == "sunroof" and r["feature_id"] != "sunroof":
        pytest.skip("the lexicon does not link 电动天窗 to the id 'sunroof' yet")
    assert data_rc == 0 and r["suppressed"] == "waiver: ok"


def test_waiver_for_another_feature_does_not_suppress(project):
    write(project / "claims" / "page.md", "<!-- specaudit-ignore 全景天幕: 'other' -->\n配备电动天窗。\n")
    assert main(["audit"]) == 1


def test_html_waiver(project):
    write(project / "claims" / "page.html",
          "<html><body>\n<!-- specaudit-ignore *: \"concept car\" -->\n<figure>\n"
          "  <img src=a.jpg alt=\"配备电动天窗\">\n  <figcaption>配备电动天窗</figcaption>\n</figure>\n"
          "<p>配备电动天窗</p>\n</body></html>\n")
    (project / "claims" / "page.md").unlink()
    assert main(["audit"]) == 1
    got = [(r["line"], r["kind"], r["suppressed"]) for r in report(project)["results"]]
    assert got == [(4, "alt", "waiver: concept car"), (5, "caption", None), (7, "body", None)]


@pytest.mark.parametrize("name, body", [
    ("cs.jsonl", '{"id": "q1", "text": "配备电动天窗", "specaudit_ignore": "电动天窗: scripted answer"}\n'
                 '{"id": "q2", "text": "配备电动天窗"}\n'),
    ("cs.csv", 'id,text,specaudit_ignore\nq1,配备电动天窗,"电动天窗: scripted answer"\nq2,配备电动天窗,\n'),
])
def test_record_waiver_field(project, name, body):
    (project / "claims" / "page.md").unlink()
    write(project / "claims" / name, body)
    assert main(["audit"]) == 1
    got = {r["record"]: r["suppressed"] for r in report(project)["results"]}
    assert got == {"q1": "waiver: scripted answer", "q2": None}


def test_waiver_without_reason_is_a_finding_and_waives_nothing(project):
    write(project / "claims" / "page.md", "<!-- specaudit-ignore 电动天窗 -->\n配备电动天窗。\n")
    assert main(["audit"]) == 1
    data = report(project)
    waiver = [r for r in data["results"] if r["rule"] == "waiver"]
    assert len(waiver) == 1
    assert waiver[0]["verdict"] == "unverifiable" and waiver[0]["severity"] == "warning"
    assert waiver[0]["source"].endswith("page.md") and "no reason" in waiver[0]["message"]
    assert all(r["suppressed"] is None for r in data["results"])
    # with the sunroof fixed, the reasonless waiver alone is a warning: fails only at --fail-on warning
    write(project / "claims" / "page.md", "<!-- specaudit-ignore 电动天窗 -->\n全系标配倒车影像。\n")
    assert main(["audit"]) == 0
    assert main(["audit", "--fail-on", "warning"]) == 1


def test_waived_findings_are_not_copied_into_the_baseline(project):
    write(project / "claims" / "page.md", "<!-- specaudit-ignore *: 'ok' -->\n配备电动天窗。\n\n标配前排座椅通风。\n")
    assert main(["baseline", "--reason", "r"]) == 0
    assert [e.feature for e in load_baseline(project / "specaudit-baseline.yaml")] == ["前排座椅通风"]
    doc = yaml.safe_load((project / "specaudit-baseline.yaml").read_text(encoding="utf-8"))
    assert set(doc["entries"][0]) == {"fingerprint", "feature", "verdict", "source", "text", "accepted_by", "reason"}
