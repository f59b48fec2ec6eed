"""The command line as CI and reviewers use it: exit codes, formats, and fail-closed errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from specaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "aion-ut-super.csv"


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def spec(tmp_path):
    return write(tmp_path / "spec.csv", "section,feature,A,B\n外观,电动天窗,-,-\n外观,LED大灯,●,●\n")


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "specaudit", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_contradiction_exits_1_and_json_follows_the_contract(tmp_path, spec):
    claims = write(tmp_path / "c.jsonl", '{"id": "c1", "text": "全景天窗，通透敞亮"}\n{"id": "c2", "text": "LED大灯"}\n')
    out = tmp_path / "out.json"
    p = run("audit", "--spec", spec, claims, "--format", "json", "--output", out, "--all")
    assert p.returncode == 1, p.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["by_verdict"] == {"supported": 1, "contradicted": 1}
    bad = next(r for r in data["results"] if r["verdict"] == "contradicted")
    assert bad["record"] == "c1" and bad["feature"] == "电动天窗" and bad["feature_id"] == "sunroof"
    assert bad["severity"] == "error" and bad["match"] == "全景天窗" and bad["line"] == 1
    for key in ("rule", "model", "trims", "source", "column", "text", "claimed_value", "spec_value", "message", "suggestion"):
        assert key in bad


def test_clean_copy_exits_0_and_all_flag_controls_supported_rows(tmp_path, spec):
    claims = write(tmp_path / "c.md", "全系标配LED大灯。\n")
    out = tmp_path / "o.json"
    assert main(["audit", "--spec", str(spec), str(claims), "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["results"] == []
    assert main(["audit", "--spec", str(spec), str(claims), "--format", "json", "--output", str(out), "--all"]) == 0
    assert [r["verdict"] for r in json.loads(out.read_text(encoding="utf-8"))["results"]] == ["supported"]


def test_fail_on_sets_the_gate(tmp_path, spec):
    claims = write(tmp_path / "c.md", "标配6个安全气囊。\n")  # unverifiable: a warning
    assert main(["audit", "--spec", str(spec), str(claims), "--format", "json", "--output", str(tmp_path / "o.json")]) == 0
    assert main(["audit", "--spec", str(spec), str(claims), "--fail-on", "warning", "--format", "json",
                 "--output", str(tmp_path / "o.json")]) == 1


@pytest.mark.parametrize("case", ["missing_spec", "missing_claims", "empty_spec", "headerless", "bad_symbol",
                                  "empty_claims", "bad_xlsx", "bad_jsonl", "undecodable"])
def test_bad_input_is_one_line_exit_2_naming_the_file(tmp_path, spec, case):
    claims = write(tmp_path / "ok.md", "全景天窗\n")
    args = {"missing_spec": (tmp_path / "nope.csv", claims),
            "missing_claims": (spec, tmp_path / "nope.md"),
            "empty_spec": (write(tmp_path / "empty.csv", ""), claims),
            "headerless": (write(tmp_path / "h.csv", "电动天窗,-,-\n"), claims),
            "bad_symbol": (write(tmp_path / "s.csv", "feature,A\n天窗,◎\n"), claims),
            "empty_claims": (spec, write(tmp_path / "blank.md", "\n\n")),
            "bad_xlsx": (write(tmp_path / "b.xlsx", "not a zip"), claims),
            "bad_jsonl": (spec, write(tmp_path / "b.jsonl", '{"id": "1", "text": "x"}\n{oops\n')),
            "undecodable": (spec, (tmp_path / "u.md").__class__(tmp_path / "u.md")),
            }[case]
    if case == "undecodable":
        (tmp_path / "u.md").write_bytes(b"\xff\xfe\x00\xd8 broken \x81")
    p = run("audit", "--spec", args[0], args[1], "--format", "json", "--output", tmp_path / "o.json")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("specaudit: error:")
    named = Path(str(args[1] if case in ("missing_claims", "empty_claims", "bad_jsonl", "undecodable") else args[0])).name
    assert named in lines[0]
    assert not (tmp_path / "o.json").exists()


def test_unknown_format_is_a_usage_error(tmp_path, spec):
    p = run("audit", "--spec", spec, tmp_path, "--format", "pdf")
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_shipped_example_reports_the_sunroof_with_file_and_line(tmp_path):
    out = tmp_path / "audit.json"
    p = run("audit", "--format", "json", "--output", out, cwd=ROOT)
    assert p.returncode == 1, p.stderr
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    roof = [r for r in results if r["feature"] == "电动天窗" and r["verdict"] == "contradicted"]
    assert any(r["source"].endswith("product-page.md") and r["line"] for r in roof)
    assert any(r["source"].endswith("customer-service.jsonl") or r["source"].endswith("captions.csv") for r in roof)
