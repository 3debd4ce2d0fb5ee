"""Acceptance on the project's own sample contracts (issue: playbooks and rules engine)."""

from __future__ import annotations

from clausescan.model import DocumentResult, Report


def doc(report: Report, name: str) -> DocumentResult:
    return next(d for d in report.documents if d.path.endswith(name))


def test_every_sample_is_read(sample_report: Report) -> None:
    names = {d.path.rsplit("/", 1)[-1] for d in sample_report.documents}
    assert {
        "strong-it-outsourcing.pdf",
        "strong-managed-services.docx",
        "weak-hosting-services.txt",
        "weak-support-agreement.pdf",
        "bare-saas-subscription.docx",
        "bare-consulting-terms.md",
    } <= names
    assert all(d.status == "ok" for d in sample_report.documents)


def test_strong_contracts_have_no_high_severity_missing(sample_report: Report) -> None:
    for name in ("strong-it-outsourcing.pdf", "strong-managed-services.docx"):
        d = doc(sample_report, name)
        missing = [f.rule_id for f in d.provisions if f.status == "missing" and f.severity in ("high", "critical")]
        assert missing == [], f"{name}: {missing}"
        assert d.coverage is not None and d.coverage >= 0.85


def test_bare_contracts_miss_every_high_severity_exit_rule(sample_report: Report) -> None:
    for name in ("bare-saas-subscription.docx", "bare-consulting-terms.md"):
        d = doc(sample_report, name)
        high = [f for f in d.provisions if f.severity in ("high", "critical")]
        assert high and all(f.status == "missing" for f in high), [(f.rule_id, f.status) for f in high]
        assert d.coverage is not None and d.coverage < 0.25


def test_weak_contracts_show_weak_findings_with_reasons(sample_report: Report) -> None:
    for name in ("weak-hosting-services.txt", "weak-support-agreement.pdf"):
        d = doc(sample_report, name)
        weak = [f for f in d.provisions if f.status == "weak"]
        assert len(weak) >= 3, name
        assert all(f.reasons and f.evidence for f in weak)
    cov = {
        n: doc(sample_report, n).coverage
        for n in ("strong-it-outsourcing.pdf", "weak-support-agreement.pdf", "bare-saas-subscription.docx")
    }
    assert cov["strong-it-outsourcing.pdf"] > cov["weak-support-agreement.pdf"] > cov["bare-saas-subscription.docx"]


def test_evidence_has_page_clause_and_quote(sample_report: Report) -> None:
    d = doc(sample_report, "strong-it-outsourcing.pdf")
    f = next(f for f in d.provisions if f.rule_id == "EXIT001")
    assert f.status in ("present", "weak")
    e = f.evidence[0]
    assert e.page >= 1 and e.quote and e.number


def test_findings_sorted_worst_first(sample_report: Report) -> None:
    order = {"missing": 0, "weak": 1, "present": 2, "waived": 3}
    for d in sample_report.documents:
        ranks = [order[f.status] for f in d.provisions]
        assert ranks == sorted(ranks)
