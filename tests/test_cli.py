"""CliRunner tests for every command and exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clausescan.cli import main

from .conftest import REPO


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_version_and_help() -> None:
    code, out = run("--version")
    assert code == 0 and "clausescan" in out
    code, out = run("scan", "--help")
    assert code == 0 and "--fail-on" in out


def test_python_dash_m_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "clausescan", "--help"], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert "scan" in out.stdout


def test_scan_samples_text_report(in_repo: None) -> None:
    code, out = run("scan", "sample_contracts", "--no-color")
    assert code == 1  # the bare and weak contracts miss high-severity provisions
    assert "sample_contracts/strong-it-outsourcing.pdf" in out
    assert "MISSING" in out and "coverage" in out
    assert "README.md" not in out  # documentation beside contracts is not scanned


def test_exit_codes_fail_on_and_exit_zero(in_repo: None) -> None:
    strong = "sample_contracts/strong-it-outsourcing.pdf"
    bare = "sample_contracts/bare-saas-subscription.docx"
    assert run("scan", bare, "--exit-zero")[0] == 0
    assert run("scan", bare, "--fail-on", "never")[0] == 0
    assert run("scan", bare)[0] == 1
    assert run("scan", strong, "--fail-on", "critical")[0] == 0


def test_json_is_deterministic_and_has_contract_fields(in_repo: None) -> None:
    code1, out1 = run("scan", "sample_contracts", "-f", "json")
    code2, out2 = run("scan", "sample_contracts", "-f", "json")
    assert out1 == out2 and code1 == code2 == 1
    data = json.loads(out1)
    assert data["schema_version"] == 1 and data["clausescan_version"]
    doc = data["documents"][0]
    for key in ("path", "sha256", "format", "status", "error", "pages", "clauses", "provisions"):
        assert key in doc
    clause = next(c for d in data["documents"] for c in d["clauses"] if c["labels"])
    for key in ("id", "number", "heading", "text", "page_start", "page_end", "char_start", "char_end", "labels"):
        assert key in clause
    prov = doc["provisions"][0]
    for key in ("rule_id", "label", "status", "severity", "message", "evidence"):
        assert key in prov


def test_output_file_is_written_atomically(in_repo: None, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "r.json"
    code, _ = run("scan", "sample_contracts/weak-hosting-services.txt", "-f", "json", "-o", str(out))
    assert code == 1 and json.loads(out.read_text())["documents"][0]["status"] == "ok"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_bad_path_is_usage_error(tmp_path: Path) -> None:
    code, out = run("scan", str(tmp_path / "nope.pdf"))
    assert code == 2
    assert "CS-IO-NOT-FOUND" in out


def test_unreadable_file_strict(tmp_path: Path) -> None:
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    good = tmp_path / "c.txt"
    good.write_text("1. Termination\n1.1 The Customer may terminate this Agreement for convenience.\n")
    code, out = run("scan", str(tmp_path), "-f", "json", "--fail-on", "never")
    assert code == 0
    docs = {Path(d["path"]).name: d for d in json.loads(out)["documents"]}
    assert docs["empty.pdf"]["status"] == "error" and docs["empty.pdf"]["provisions"] == []
    assert docs["c.txt"]["status"] == "ok"
    assert run("scan", str(tmp_path), "--strict", "--fail-on", "never")[0] == 2


def test_unknown_format_and_mismatched_outputs(tmp_path: Path) -> None:
    f = tmp_path / "c.txt"
    f.write_text("Confidentiality. Each party shall keep the other's Confidential Information secret.\n")
    assert run("scan", str(f), "-f", "pdf")[0] == 2
    assert run("scan", str(f), "-f", "json", "-f", "text")[0] == 2
    assert run("scan", str(f), "--threshold", "min_transition_days")[0] == 2


def test_rules_list_and_explain() -> None:
    code, out = run("rules", "list")
    assert code == 0 and "EXIT001" in out and "DATA001" in out
    code, out = run("rules", "list", "-p", "dora", "--option", "critical_function=true")
    assert code == 0 and "DORA" in out
    code, out = run("rules", "explain", "EXIT001")
    assert code == 0 and "Why it matters" in out and "Sources" in out and "Example (weak)" in out
    code, out = run("rules", "explain", "DATA001")  # the evidence filter is shown
    assert code == 0 and "counts only if it matches" in out
    code, out = run("rules", "explain", "NOPE999")
    assert code == 2 and "no rule" in out


def test_playbook_option_and_threshold_change_findings(in_repo: None) -> None:
    doc = "sample_contracts/strong-it-outsourcing.pdf"
    base = json.loads(run("scan", doc, "-f", "json")[1])
    strict = json.loads(run("scan", doc, "-f", "json", "--threshold", "min_transition_days=730")[1])
    status = {p["rule_id"]: p["status"] for p in base["documents"][0]["provisions"]}
    strict_status = {p["rule_id"]: p["status"] for p in strict["documents"][0]["provisions"]}
    assert status != strict_status
    dora = json.loads(run("scan", doc, "-f", "json", "-p", "dora", "--option", "critical_function=true")[1])
    assert dora["playbook"]["id"] == "dora"
