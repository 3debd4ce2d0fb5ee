"""Playbooks are validated on load; errors name the file, line and field (exit code 2 in the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from clausescan.cli import main
from clausescan.errors import UsageError
from clausescan.rules import builtin_playbooks, load_playbook
from clausescan.taxonomy import LABELS

RULE = """
  - id: EXIT901
    title: Termination assistance
    labels: [termination_assistance]
    severity: high
    message: {present: p, weak: w, missing: m}
    rationale: r
    recommendation: rec
    sources: [S1]
    examples: {present: [a], weak: [b], missing: [c]}
"""


def write(tmp_path: Path, text: str, name: str = "pb.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def minimal(rule: str = RULE, extra: str = "") -> str:
    return (
        "schema: clausescan-playbook/1\nid: mine\nversion: '1'\ntitle: Mine\n"
        "sources:\n  S1: {title: Source one}\n" + extra + "rules:" + rule
    )


def test_builtin_playbooks_load_and_cover_every_label() -> None:
    assert {"backsourcing", "dora"} <= set(builtin_playbooks())
    pb = load_playbook("backsourcing")
    covered = {lab for r in pb.rules for lab in r.labels}
    assert covered == set(LABELS)
    for r in pb.rules:
        assert r.sources and all(s in pb.sources for s in r.sources)
        assert any(s.startswith("SEED") for s in r.sources), f"{r.id} cites no seed"


def test_dora_rules_cite_articles_and_critical_switch() -> None:
    plain = load_playbook("dora")
    critical = load_playbook("dora", options={"critical_function": True})
    assert all(any("DORA" in s for s in r.sources) for r in critical.rules)
    gated = [r for r in critical.rules if r.applies_if]
    assert gated, "Art. 30(3) rules apply only to critical or important functions"
    assert plain.options.get("critical_function") is False


def test_unknown_field_names_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path, minimal(RULE.replace("    severity: high", "    severity: high\n    colour: red")))
    with pytest.raises(UsageError) as exc:
        load_playbook(str(p))
    assert exc.value.code == "CS-PLAYBOOK-INVALID"
    assert f"{p}:" in exc.value.message and "colour" in exc.value.message
    line = int(exc.value.message.split(f"{p}:")[1].split(":")[0])
    assert p.read_text().splitlines()[line - 1].strip().startswith(("- id", "id", "colour"))


def test_bad_severity_points_at_its_line(tmp_path: Path) -> None:
    p = write(tmp_path, minimal(RULE.replace("severity: high", "severity: urgent")))
    with pytest.raises(UsageError) as exc:
        load_playbook(str(p))
    line = int(exc.value.message.split(f"{p}:")[1].split(":")[0])
    assert "severity: urgent" in p.read_text().splitlines()[line - 1]
    assert "rules.0.severity" in exc.value.message


@pytest.mark.parametrize(
    ("mutation", "needle"),
    [
        (("labels: [termination_assistance]", "labels: [exit_strategy]"), "unknown label"),
        (("sources: [S1]", "sources: [S9]"), "undefined source"),
        (("id: EXIT901", "id: exit-1"), "does not match"),
    ],
)
def test_semantic_errors(tmp_path: Path, mutation: tuple[str, str], needle: str) -> None:
    p = write(tmp_path, minimal(RULE.replace(*mutation)))
    with pytest.raises(UsageError) as exc:
        load_playbook(str(p))
    assert needle in exc.value.message


def test_bad_regex_and_threshold(tmp_path: Path) -> None:
    check = "    weak_if:\n      - {check: pattern_all, pattern: '(unclosed', reason: x}\n"
    p = write(tmp_path, minimal(RULE.replace("    message:", check + "    message:")))
    with pytest.raises(UsageError, match="bad regex"):
        load_playbook(str(p))
    check = "    weak_if:\n      - {check: attribute_below, attribute: transition_days, threshold: nope, reason: x}\n"
    p = write(tmp_path, minimal(RULE.replace("    message:", check + "    message:")))
    with pytest.raises(UsageError, match="undefined threshold"):
        load_playbook(str(p))


def test_evidence_requires_is_loaded_and_its_regex_checked(tmp_path: Path) -> None:
    requires = "    evidence_requires: ['\\bassist\\w*']\n"
    p = write(tmp_path, minimal(RULE.replace("    message:", requires + "    message:")))
    rule = load_playbook(str(p)).rules[0]
    assert [r.pattern for r in rule.evidence_requires] == ["\\bassist\\w*"]
    p = write(tmp_path, minimal(RULE.replace("    message:", "    evidence_requires: ['(unclosed']\n    message:")))
    with pytest.raises(UsageError, match="bad regex") as exc:
        load_playbook(str(p))
    assert "evidence_requires" in exc.value.message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    p = write(tmp_path, "schema: clausescan-playbook/1\nid: [unclosed\n")
    with pytest.raises(UsageError) as exc:
        load_playbook(str(p))
    assert "YAML syntax" in exc.value.message and f"{p}:" in exc.value.message


def test_extends_overrides_thresholds_and_replaces_rules(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "schema: clausescan-playbook/1\nid: strict\nextends: backsourcing\n"
        "thresholds: {min_transition_days: 365}\ndisable: [RISK004]\n",
    )
    pb = load_playbook(str(p))
    base = load_playbook("backsourcing")
    assert pb.id == "strict" and pb.thresholds["min_transition_days"] == 365
    assert len(pb.rules) == len(base.rules) - 1 and pb.rule("RISK004") is None
    checks = [c for r in pb.rules for c in r.weak_if if c.threshold_name == "min_transition_days"]
    assert checks and all(c.threshold == 365 for c in checks)


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "schema: clausescan-playbook/1\nid: a\nextends: b.yaml\n", "a.yaml")
    write(tmp_path, "schema: clausescan-playbook/1\nid: b\nextends: a.yaml\n", "b.yaml")
    with pytest.raises(UsageError, match="cycle"):
        load_playbook(str(tmp_path / "a.yaml"))


def test_cli_bad_playbook_exits_2_without_traceback(tmp_path: Path) -> None:
    p = write(tmp_path, minimal(RULE.replace("severity: high", "severity: urgent")))
    contract = write(tmp_path, "1. Term\n1.1 This Agreement starts today.\n", "c.txt")
    result = CliRunner().invoke(main, ["scan", str(contract), "--playbook", str(p)])
    assert result.exit_code == 2
    assert "CS-PLAYBOOK-INVALID" in result.output and "Traceback" not in result.output
