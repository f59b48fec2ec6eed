"""Rule packs as data: every shipped rule proves itself on its examples, and a broken pack is an
error that names the file and the line."""
from __future__ import annotations

import textwrap

import pytest

from conftest import make_spec
from rules_helpers import cached_lexicon, AION_TRIMS, of, run
from specaudit.cli import main
from specaudit.errors import InputError
from specaudit.rules import DEFAULT_PACKS, builtin_names, check_examples, load_pack, load_rules, resolve
from specaudit.rules.packs import builtin_dir

ALL_SHIPPED = [r for name in builtin_names() for r in load_rules([name])]


@pytest.fixture(autouse=True)
def _one_lexicon(monkeypatch):
    cached_lexicon(monkeypatch)


def test_the_shipped_packs_are_there_and_the_defaults_leave_english_ad_law_out():
    assert {"disclosure-cn", "disclosure-en", "ad-law-cn", "ad-law-en", "consistency", "commercial-terms"} <= set(builtin_names())
    assert "ad-law-en" not in DEFAULT_PACKS and {"disclosure-cn", "ad-law-cn"} <= set(DEFAULT_PACKS)
    assert resolve([]) == resolve(["default"]) and resolve(["none"]) == []


@pytest.mark.parametrize("rule", ALL_SHIPPED, ids=lambda r: r.id)
def test_every_shipped_rule_fires_on_its_fire_examples_and_not_on_its_pass_examples(rule):
    assert rule.fire and rule.passes, f"{rule.where}: a rule needs fire: and pass: examples"
    assert rule.rationale
    assert check_examples(rule) == []


def write(tmp_path, text, name="pack.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


GOOD = """\
    pack: mine
    rules:
      - id: mine/hype
        kind: prohibited
        rationale: Our house style forbids it.
        terms: [天花板]
        examples:
          fire: [同级天花板。]
          pass: [天窗。]
"""


def test_a_rule_without_examples_fails_the_meta_test(tmp_path):
    p = write(tmp_path, GOOD.replace("        examples:\n          fire: [同级天花板。]\n          pass: [天窗。]\n", ""))
    (rule,) = load_pack(p).rules
    problems = check_examples(rule)
    assert any("no `fire:` example" in x for x in problems) and any(f"{p}:3" in x for x in problems)


def test_an_example_that_does_not_behave_fails_the_meta_test(tmp_path):
    (rule,) = load_pack(write(tmp_path, GOOD.replace("fire: [同级天花板。]", "fire: [平平无奇。]"))).rules
    (problem,) = check_examples(rule)
    assert "does not fire on examples.fire[0]" in problem


@pytest.mark.parametrize("change, line, words", [
    (("kind: prohibited", "kind: forbidden"), 4, "kind must be one of"),
    (("terms: [天花板]", "terms: [天花板]\n        colour: red"), 7, "unknown key(s) colour"),
    (("rationale: Our house style forbids it.", "rationale: ''"), 3, "needs a `rationale`"),
    (("kind: prohibited", "kind: prohibited\n        severity: fatal"), 5, "severity must be one of"),
    (("rationale: Our house style forbids it.", "rationale: x\n        message: '«{word}»'"), 6, "unknown placeholder(s) {word}"),
    (("terms: [天花板]", "terms: []"), 6, "`terms` must list"),
    (("terms: [天花板]", "terms: [天花板\n"), 8, "malformed YAML"),
])
def test_load_errors_name_the_file_and_the_line(tmp_path, change, line, words):
    p = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(InputError) as e:
        load_pack(p)
    assert e.value.path == str(p) and words in e.value.message
    assert e.value.where == f"line {line}", str(e.value)


def test_a_bad_pattern_names_its_line(tmp_path):
    p = write(tmp_path, """\
        rules:
          - id: x
            kind: fact-list
            rationale: r
            rows: [开票城市]
            topic: [开票]
          - id: y
            kind: disclosure
            rationale: r
            trigger: [租电]
            require:
              - term: 里程
                spec: {rows: ['基础(里程']}
    """)
    with pytest.raises(InputError) as e:
        load_pack(p)
    assert e.value.where == "line 13" and "not a valid regular expression" in e.value.message


def test_a_rule_defined_twice_in_one_pack_is_an_error(tmp_path):
    text = GOOD + GOOD.split("rules:\n", 1)[1]
    with pytest.raises(InputError) as e:
        load_pack(write(tmp_path, text))
    assert "defined twice (first on line 3)" in e.value.message and e.value.where == "line 10"


def test_unknown_pack_names_and_missing_files_are_errors():
    with pytest.raises(InputError, match="unknown rule pack 'ad-law-xx'.*ad-law-cn"):
        resolve(["ad-law-xx"])
    with pytest.raises(InputError, match="not found"):
        resolve(["nowhere/pack.yaml"])


def test_a_later_pack_replaces_or_disables_a_rule_with_the_same_id(tmp_path):
    off = write(tmp_path, """\
        rules:
          - id: ad-law-cn/superlatives
            kind: prohibited
            enabled: false
            rationale: 本公司另有规定。
            terms: [最]
    """)
    ids = {r.id for r in load_rules(["default", str(off)])}
    assert "ad-law-cn/superlatives" not in ids and "ad-law-cn/rankings" in ids
    spec = make_spec("M", AION_TRIMS, [("中控屏尺寸", ["14.6 英寸"] * 3)])
    assert of(run(spec, ["同级最大的中控屏。"], packs=("default",)), "prohibited")
    assert not of(run(spec, ["同级最大的中控屏。"], packs=("default", str(off))), "prohibited")


def test_a_folder_of_packs_and_a_users_own_pack_load_by_path(tmp_path):
    write(tmp_path, GOOD, "house.yaml")
    spec = make_spec("M", AION_TRIMS, [("LED大灯", ["●"] * 3)])
    report = run(spec, ["同级天花板，LED大灯。"], packs=(str(tmp_path),))
    (f,) = of(report, "prohibited")
    assert f.rule == "mine/hype" and f.match == "天花板" and f.rationale == "Our house style forbids it."


def test_severity_comes_from_the_rule_then_the_config_then_the_verdict(tmp_path):
    spec = make_spec("M", AION_TRIMS, [("LED大灯", ["●"] * 3)])
    soft = write(tmp_path, GOOD.replace("kind: prohibited", "kind: prohibited\n        severity: warning"), "soft.yaml")
    assert of(run(spec, ["同级天花板。"], packs=(str(soft),)), "prohibited")[0].severity == "warning"
    hard = write(tmp_path, GOOD, "hard.yaml")
    assert of(run(spec, ["同级天花板。"], packs=(str(hard),)), "prohibited")[0].severity == "error"
    assert of(run(spec, ["同级天花板。"], packs=(str(hard),), severities={"prohibited": "info"}),
              "prohibited")[0].severity == "info"


def test_none_turns_every_pack_off_and_the_cli_takes_rules(tmp_path, capsys):
    spec = make_spec("M", AION_TRIMS, [("LED大灯", ["●"] * 3)])
    assert not [f for f in run(spec, ["史上最强的LED大灯。"], packs=("none",)).results if f.rule.startswith("ad-law")]
    csv = tmp_path / "spec.csv"
    csv.write_text("section,feature,A\n灯光,LED lights,●\n", encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text("The best LED lights in the world.\n", encoding="utf-8")
    out = tmp_path / "out.json"
    args = ["audit", "--spec", str(csv), str(copy), "--format", "json", "--output", str(out), "--no-baseline"]
    assert main(args) == 0  # ad-law-en is opt-in
    assert main(args + ["--rules", "default", "--rules", "ad-law-en"]) == 1
    import json

    (r,) = [r for r in json.loads(out.read_text(encoding="utf-8"))["results"] if r["verdict"] == "prohibited"]
    assert r["rule"] == "ad-law-en/superlatives" and r["match"] == "best" or r["match"].lower() == "the best"
    assert r["rationale"] and r["line"] == 1 and r["column"] == 1


def test_pack_files_ship_with_the_package():
    assert sorted(p.name for p in builtin_dir().glob("*.yaml")) == sorted(f"{n}.yaml" for n in builtin_names())


def test_the_example_pack_in_the_docs_loads_and_passes_its_examples(tmp_path):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "rule-packs.md").read_text(encoding="utf-8")
    block = re.search(r"## A pack\n\n```yaml\n(.*?)```", doc, re.S).group(1)
    (rule,) = load_pack(write(tmp_path, block, "house.yaml")).rules
    assert rule.id == "house/hype" and check_examples(rule) == []
