"""Configuration discovery, validation and waivers; baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clausescan.cli import main
from clausescan.config import load_config
from clausescan.errors import UsageError

CONTRACT = (
    "1. Services\n1.1 The Supplier shall provide the Services.\n2. Confidentiality\n"
    "2.1 Each party shall keep the other party's Confidential Information confidential.\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "c.txt").write_text(CONTRACT)
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    return tmp_path


def scan(*args: str) -> tuple[int, dict]:
    r = CliRunner().invoke(main, ["scan", *args, "-f", "json"])
    return r.exit_code, (json.loads(r.output) if r.output.startswith("{") else {"output": r.output})


def test_pyproject_found_upward_and_cli_wins(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.clausescan]\nfail-on = "never"\nplaybook = "dora"\n')
    code, data = scan(str(project / "c.txt"))
    assert code == 0 and data["playbook"]["id"] == "dora"
    code, data = scan(str(project / "c.txt"), "--playbook", "backsourcing", "--fail-on", "high")
    assert code == 1 and data["playbook"]["id"] == "backsourcing"


def test_unknown_key_is_error_with_hint(project: Path) -> None:
    (project / "clausescan.toml").write_text('fail_on = "high"\n')
    with pytest.raises(UsageError) as exc:
        load_config(start=project)
    assert "unknown key 'fail_on'" in exc.value.message and "fail-on" in (exc.value.hint or "")
    r = CliRunner().invoke(main, ["scan", str(project / "c.txt")])
    assert r.exit_code == 2 and "CS-CONFIG-INVALID" in r.output


def test_config_waiver_needs_reason_and_shows_in_report(project: Path) -> None:
    (project / "clausescan.toml").write_text('[[waivers]]\nrule = "EXIT001"\nreason = ""\n')
    assert CliRunner().invoke(main, ["scan", str(project / "c.txt")]).exit_code == 2
    (project / "clausescan.toml").write_text('[[waivers]]\nrule = "EXIT001"\nreason = "Managed in the MSA"\n')
    _code, data = scan(str(project / "c.txt"))
    f = next(p for p in data["documents"][0]["provisions"] if p["rule_id"] == "EXIT001")
    assert f["status"] == "waived" and "Managed in the MSA" in f["waiver"] and "missing" in f["waiver"]


def test_inline_waiver_in_template(tmp_path: Path) -> None:
    p = tmp_path / "t.md"
    p.write_text(
        CONTRACT + "\n<!-- clausescan: waive ESC001 -- SaaS: no customer code to escrow -->\n"
        "<!-- clausescan: waive DATA002 -->\n"
    )
    _code, data = scan(str(p))
    doc = data["documents"][0]
    status = {f["rule_id"]: f for f in doc["provisions"]}
    assert status["ESC001"]["status"] == "waived"
    assert status["DATA002"]["status"] != "waived"  # a waiver without a reason is ignored ...
    assert any(w["code"] == "CS-WAIVER-NO-REASON" for w in doc["warnings"])  # ... and reported


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    c = tmp_path / "c.txt"
    c.write_text(CONTRACT)
    base = tmp_path / "base.json"
    r = CliRunner().invoke(main, ["scan", str(c), "-f", "json", "-o", str(base)])
    assert r.exit_code == 1
    code, data = scan(str(c), "--baseline", str(base))
    assert code == 0
    assert all(p["status"] not in ("missing", "weak") for p in data["documents"][0]["provisions"])
    c.write_text(CONTRACT.replace("2.1 Each party shall keep", "2.1 The Customer shall keep"))
    code, _ = scan(str(c), "--baseline", str(base))
    assert code in (0, 1)
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    assert scan(str(c), "--baseline", str(bad))[0] == 2
