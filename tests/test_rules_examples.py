"""Every rule ships with example clauses; each must give its stated status through the real
pipeline (segment -> classify with the installed tagger -> rules), so a rule cannot silently
stop working."""

from __future__ import annotations

import pytest

from clausescan.ingest import ingest_bytes
from clausescan.nlp import classify, default_tagger
from clausescan.rules import builtin_playbooks, evaluate, load_playbook
from clausescan.segment import segment


def _cases() -> list[tuple[str, str, str, int, str]]:
    cases = []
    for name in builtin_playbooks():
        pb = load_playbook(name, options={"critical_function": True})
        for rule in pb.rules:
            for status in ("present", "weak", "missing"):
                for i, text in enumerate(rule.examples.get(status, ())):
                    cases.append((name, rule.id, status, i, text))
    return cases


CASES = _cases()


def status_of(playbook: str, rule_id: str, text: str) -> str:
    pb = load_playbook(playbook, options={"critical_function": True})
    rule = pb.rule(rule_id)
    assert rule is not None
    doc = ingest_bytes(text.encode("utf-8"), "example.txt")
    clauses = classify(segment(doc), default_tagger())
    single = type(pb)(pb.id, pb.version, pb.title, pb.description, (rule,), pb.options, pb.thresholds,
                      pb.sources, pb.not_covered, pb.path)
    findings, _ = evaluate(single, clauses)
    assert len(findings) == 1
    return findings[0].status


def test_every_rule_has_all_three_kinds_of_example() -> None:
    for name in builtin_playbooks():
        for rule in load_playbook(name).rules:
            for status in ("present", "weak", "missing"):
                assert rule.examples.get(status), f"{name}:{rule.id} has no {status} example"


@pytest.mark.parametrize(("playbook", "rule_id", "expected", "index", "text"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in CASES])
def test_rule_example(playbook: str, rule_id: str, expected: str, index: int, text: str) -> None:
    assert status_of(playbook, rule_id, text) == expected
