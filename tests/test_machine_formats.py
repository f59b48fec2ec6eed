"""Machine formats for CI: SARIF 2.1.0 (schema-valid, GitHub code scanning), JUnit XML, GitHub
workflow commands; several formats in one run."""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import make_project, write
from specaudit.cli import main
from specaudit.render.github import escape_data, escape_property

SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture
def project(tmp_path, monkeypatch):
    return make_project(tmp_path, monkeypatch, {
        "claims/page.md": "# 埃安UT super\n\n配备电动天窗，很受欢迎。\n\n全系标配倒车影像。\n\n标配前排座椅通风。\n",
        "claims/cs.jsonl": '{"id": "q1", "text": "您好，这款车配备电动天窗哦"}\n{"id": "q2", "text": "全系标配倒车影像"}\n',
        "claims/clean.md": "全系标配倒车影像。\n",
    })


def sarif_schema() -> dict:
    if not SARIF_SCHEMA.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the SARIF schema is missing: {SARIF_SCHEMA}")
        pytest.skip(f"no SARIF schema at {SARIF_SCHEMA}")
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


def run(*args) -> int:
    return int(main(["audit", *map(str, args)]))


# --------------------------------------------------------------------------- SARIF

def test_sarif_validates_against_the_official_schema(project):
    jsonschema = pytest.importorskip("jsonschema")
    assert run("--format", "sarif", "--output", "a.sarif") == 1
    doc = json.loads((project / "a.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(doc, sarif_schema())
    # the --all variant (supported results as notes) validates too
    assert run("--format", "sarif", "--output", "all.sarif", "--all") == 1
    jsonschema.validate(json.loads((project / "all.sarif").read_text(encoding="utf-8")), sarif_schema())


def test_sarif_has_rules_locations_and_fingerprints(project):
    run("--format", "sarif", "--output", "a.sarif")
    doc = json.loads((project / "a.sarif").read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0"
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["name"] == "specaudit"
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert r[key]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run_["results"]
    assert results and all(r["ruleId"] in ids and rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    roof = next(r for r in results if "电动天窗" in r["message"]["text"] and "page.md" in json.dumps(r["locations"]))
    assert roof["level"] == "error" and roof["ruleId"].startswith("contradicted")
    loc = roof["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "claims/page.md"          # relative, POSIX
    assert loc["region"]["startLine"] == 3 and loc["region"]["startColumn"] == 3
    record = next(r for r in results if "cs.jsonl" in json.dumps(r["locations"]))
    assert record["locations"][0]["physicalLocation"]["region"]["startLine"] == 1   # the record's line
    assert record["locations"][0]["logicalLocations"][0]["name"] == "q1"
    assert all(len(r["partialFingerprints"]) == 1 for r in results)


def test_sarif_fingerprint_survives_moving_and_reflowing_the_claim(project):
    run("--format", "sarif", "--output", "a.sarif")
    before = json.loads((project / "a.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    write(project / "claims" / "page.md",
          "# 埃安UT super\n\n新的一段。\n\n全系标配倒车影像。\n\n配备电动天窗，\n很受欢迎。\n\n标配前排座椅通风。\n")
    run("--format", "sarif", "--output", "b.sarif")
    after = json.loads((project / "b.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]

    def prints(results):
        return {r["partialFingerprints"]["specauditFingerprint/v1"] for r in results}

    assert prints(before) == prints(after)
    moved = [r for r in after if "电动天窗" in r["message"]["text"] and "page.md" in json.dumps(r["locations"])]
    assert moved[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_suppressed_findings_carry_a_sarif_suppression(project):
    write(project / "claims" / "page.md",
          "<!-- specaudit-ignore 电动天窗: \"image shows the concept car\" -->\n配备电动天窗，很受欢迎。\n")
    run("--format", "sarif", "--output", "a.sarif")
    results = json.loads((project / "a.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    waived = next(r for r in results if "page.md" in json.dumps(r["locations"]))
    assert waived["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "waiver: image shows the concept car"}]


# --------------------------------------------------------------------------- JUnit

def test_junit_parses_one_case_per_file_one_failure_per_failing_finding(project):
    assert run("--format", "junit", "--output", "j.xml") == 1
    root = ET.parse(project / "j.xml").getroot()
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert sorted(c.get("name") for c in cases) == ["claims/clean.md", "claims/cs.jsonl", "claims/page.md"]
    by_name = {c.get("name"): c for c in cases}
    assert len(by_name["claims/page.md"].findall("failure")) == 2      # 电动天窗, 前排座椅通风
    assert len(by_name["claims/cs.jsonl"].findall("failure")) == 1
    assert not by_name["claims/clean.md"].findall("failure")
    assert root.get("failures") == "3" and root.get("tests") == "3"
    failure = by_name["claims/cs.jsonl"].find("failure")
    assert failure.get("type") == "contradicted" and "q1" in failure.text


def test_junit_failures_follow_the_fail_level(project):
    write(project / "specaudit.yaml", "severities: {contradicted: warning}\n")   # below the default level
    (project / "claims" / "cs.jsonl").unlink()
    write(project / "claims" / "page.md", "配备电动天窗。\n")
    assert run("--format", "junit", "--output", "j.xml") == 0
    root = ET.parse(project / "j.xml").getroot()
    assert root.get("failures") == "0"
    assert "电动天窗" in root.find("./testsuite/testcase[@name='claims/page.md']/system-out").text
    assert run("--format", "junit", "--output", "j.xml", "--fail-on", "warning") == 1
    assert ET.parse(project / "j.xml").getroot().get("failures") == "1"


# --------------------------------------------------------------------------- GitHub

def test_github_escaping_follows_the_runner_rules():
    assert escape_data("50% off\r\nnow: a, b") == "50%25 off%0D%0Anow: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_workflow_commands(project, capsys):
    assert run("--format", "github") == 1                   # to stdout by default
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(l.startswith(("::error ", "::warning ", "::notice ")) for l in lines)
    roof = next(l for l in lines if "file=claims/page.md,line=3," in l)
    head, message = roof.split("::", 2)[1:]
    assert head.startswith("error file=claims/page.md,line=3,col=3,endColumn=7,title=specaudit contradicted%3A 电动天窗")
    assert "\n" not in message and "%0A" in message
    record = next(l for l in lines if "cs.jsonl" in l)
    assert "line=1" in record and "col=" not in record and "record q1" in record


def test_github_skips_suppressed_findings(project, capsys):
    write(project / "claims" / "page.md", "<!-- specaudit-ignore *: 'legacy' -->\n配备电动天窗。\n")
    run("--format", "github", "--output", "-")
    assert "page.md" not in capsys.readouterr().out


# --------------------------------------------------------------------------- together

def test_several_formats_in_one_run(project):
    assert run("--format", "json", "--output", "r.json", "--format", "sarif", "--output", "r.sarif",
               "--format", "junit", "--output", "r.xml", "--format", "github", "--output", "r.txt") == 1
    data = json.loads((project / "r.json").read_text(encoding="utf-8"))
    sarif = json.loads((project / "r.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == len(data["results"]) == data["summary"]["findings"]
    assert ET.parse(project / "r.xml").getroot().get("failures") == "3"
    assert len((project / "r.txt").read_text(encoding="utf-8").splitlines()) == 3
