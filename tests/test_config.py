"""Project configuration: discovery, validation (top level and nested), init, mappings, overrides."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import make_project, write
from specaudit.cli import main
from specaudit.config import STARTER, find_config, load_config, validate
from specaudit.engine import glob_match
from specaudit.errors import InputError


@pytest.fixture
def project(tmp_path, monkeypatch):
    return make_project(tmp_path, monkeypatch, {"claims/page.md": "# 页面\n\n配备电动天窗，很受欢迎。\n"})


def results(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["results"]


# --------------------------------------------------------------------------- discovery

def test_config_is_found_by_walking_up(project, monkeypatch):
    cfg = write(project / "specaudit.yaml", "fail_on: warning\n")
    sub = project / "claims"
    monkeypatch.chdir(sub)
    assert find_config() == cfg
    config = load_config()
    assert config.get("fail_on") == "warning" and config.root == project
    # paths resolve against the config's folder, whatever the working directory
    assert [Path(p).resolve() for p in config.paths("claims")] == [project / "claims"]


def test_pyproject_tool_table_is_a_config(project):
    write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.specaudit]\nfail_on = "never"\n'
                                      'outputs = { sarif = "out/a.sarif" }\n')
    config = load_config()
    assert config.path.name == "pyproject.toml" and config.get("fail_on") == "never"
    assert Path(config.output_for("sarif")) == Path("out/a.sarif")


def test_pyproject_without_the_table_is_not_a_config(project):
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(project) is None or find_config(project).parent != project


# --------------------------------------------------------------------------- validation

@pytest.mark.parametrize("text, key", [
    ("fail_onn: error\n", "fail_onn"),
    ("fuzzy: 'yes'\n", "fuzzy"),
    ("fail_on: sometimes\n", "fail_on"),
    ("mappings: [{claims: 'claims/**', sepc: specs/a.csv}]\n", "mappings[0].sepc"),
    ("mappings: [{claims: 'claims/**', spec: 3}]\n", "mappings[0].spec"),
    ("mappings: [{spec: specs/a.csv}]\n", "mappings[0]"),
    ("mappings: [{claims: 'claims/**'}]\n", "mappings[0]"),
    ("mappings: ['claims/**']\n", "mappings[0]"),
    ("severities: {contradicted: fatal}\n", "severities.contradicted"),
    ("severities: {wrong: error}\n", "severities.wrong"),
    ("outputs: {pdf: a.pdf}\n", "outputs.pdf"),
    ("outputs: {sarif: 3}\n", "outputs.sarif"),
    ("formats: [text, pdf]\n", "formats[1]"),
    ("rules: [3]\n", "rules[0]"),
    ("baseline: [a, b]\n", "baseline"),
    ("trim_aliases: {'*': [a]}\n", "trim_aliases.*"),
    ("trim_aliases: {'*': {顶配: 3}}\n", "trim_aliases.*.顶配"),
])
def test_unknown_or_mistyped_keys_name_the_key_and_the_file(project, text, key):
    cfg = write(project / "specaudit.yaml", text)
    with pytest.raises(InputError) as err:
        load_config()
    assert key in str(err.value) and str(cfg) in str(err.value)


def test_config_error_is_exit_2_naming_key_and_file(project, capsys):
    write(project / "specaudit.yaml", "mappings:\n  - claims: 'claims/**'\n    spec: specs/aion-ut-super.csv\n    colour: red\n")
    assert main(["audit", "--format", "json", "--output", "o.json"]) == 2
    err = capsys.readouterr().err
    assert "specaudit.yaml" in err and "mappings[0].colour" in err and "Traceback" not in err
    assert not (project / "o.json").exists()


def test_malformed_yaml_is_exit_2(project, capsys):
    write(project / "specaudit.yaml", "fail_on: [error\n")
    assert main(["audit"]) == 2
    assert "specaudit.yaml" in capsys.readouterr().err


# --------------------------------------------------------------------------- init

def test_init_writes_a_starter_that_loads_back(project, capsys):
    assert main(["init"]) == 0
    path = project / "specaudit.yaml"
    text = path.read_text(encoding="utf-8")
    assert text == STARTER and text.count("#") > 10  # commented
    config = load_config(path)
    assert config.values == validate(yaml.safe_load(text), str(path))
    assert config.get("fail_on") == "error" and config.get("baseline") == "specaudit-baseline.yaml"
    # the commented examples are valid too, once uncommented
    example = yaml.safe_load("mappings:\n  - claims: \"claims/aion/**\"\n    spec: specs/aion-ut-super.csv\n"
                             "  - claims: \"claims/corvale/**\"\n    model: Corvale E5\n")
    validate(example, "example")
    # and the starter drives an audit as is
    assert main(["audit", "--format", "json", "--output", "o.json"]) == 1


def test_init_refuses_to_overwrite_without_force(project, capsys):
    path = write(project / "specaudit.yaml", "fail_on: never\n")
    assert main(["init"]) == 2
    assert "--force" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "fail_on: never\n"
    assert main(["init", "--force"]) == 0
    assert path.read_text(encoding="utf-8") == STARTER


# --------------------------------------------------------------------------- behaviour

def test_flags_override_the_config(project):
    write(project / "specaudit.yaml", "fail_on: never\nformats: [json]\noutputs: {json: out/c.json}\n")
    assert main(["audit"]) == 0                                   # config: never fails
    assert results(project / "out" / "c.json")                   # config: output path
    assert main(["audit", "--fail-on", "error", "--format", "json", "--output", "flag.json"]) == 1
    assert (project / "flag.json").exists()


def test_outputs_and_formats_from_the_config(project):
    write(project / "specaudit.yaml", "formats: [sarif, junit]\noutputs: {sarif: ci/a.sarif}\noutput_dir: rep\n")
    assert main(["audit"]) == 1
    assert json.loads((project / "ci" / "a.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert (project / "rep" / "audit.xml").read_text(encoding="utf-8").startswith("<?xml")


def test_mappings_pick_the_spec_for_each_copy_folder(project):
    write(project / "specs" / "roofless.csv", "section,feature,A,B\n外观,电动天窗,-,-\n")
    write(project / "specs" / "roofed.csv", "section,feature,C,D\n外观,电动天窗,●,●\n")
    (project / "specs" / "aion-ut-super.csv").unlink()
    write(project / "claims" / "page.md", "配备电动天窗。\n")
    write(project / "claims" / "roofed" / "page.md", "配备电动天窗。\n")
    write(project / "claims" / "model" / "page.md", "配备电动天窗。\n")
    write(project / "specaudit.yaml", "mappings:\n"
          "  - claims: 'claims/roofed/**'\n    spec: specs/roofed.csv\n"
          "  - claims: 'claims/model/*.md'\n    model: roofed\n"
          "  - claims: 'claims/*.md'\n    spec: specs/roofless.csv\n")
    assert main(["audit", "--format", "json", "--output", "o.json", "--all"]) == 1
    by_file = {Path(r["source"]).parent.name: (r["verdict"], r["model"]) for r in results(project / "o.json")}
    assert by_file == {"claims": ("contradicted", "roofless"), "roofed": ("supported", "roofed"),
                       "model": ("supported", "roofed")}


def test_mapped_spec_outside_the_spec_folders_is_loaded(project):
    write(project / "other" / "roofed.csv", "section,feature,C,D\n外观,电动天窗,●,●\n")
    write(project / "specaudit.yaml", "mappings:\n  - claims: 'claims/**'\n    spec: other/roofed.csv\n")
    assert main(["audit", "--format", "json", "--output", "o.json", "--all"]) == 0
    assert {r["model"] for r in results(project / "o.json")} == {"roofed"}


@pytest.mark.parametrize("pattern, path, ok", [
    ("/p/claims/**", "/p/claims/a/b.md", True),
    ("/p/claims/**", "/p/claims/b.md", True),
    ("/p/claims/*.md", "/p/claims/a/b.md", False),
    ("/p/claims/**/*.md", "/p/claims/b.md", True),
    ("/p/claims/**/*.md", "/p/claims/x/y/b.md", True),
    ("/p/claims/?.md", "/p/claims/b.md", True),
    ("/p/claims", "/p/claims/b.md", True),
    ("/p/claims", "/p/claimsx/b.md", False),
])
def test_glob_match(pattern, path, ok):
    assert glob_match(pattern, path) is ok
