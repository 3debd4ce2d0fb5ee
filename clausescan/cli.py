"""Command line: parse options, call the library, print, choose the exit code.

Exit codes (like ruff and bandit): 0 no finding at or above --fail-on; 1 findings at or above
--fail-on; 2 usage, configuration or input error (an unreadable document under --strict).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clausescan import __version__
from clausescan.errors import ClausescanError, UsageError
from clausescan.model import SEVERITIES
from clausescan.runner import coerce

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def parse_pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise UsageError("CS-CONFIG-INVALID", f"--{what} expects name=value, got {v!r}")
        k, val = v.split("=", 1)
        out[k.strip()] = val.strip()
    return out


def fail(exc: ClausescanError) -> None:
    click.echo(f"error {exc.code}: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"hint: {exc.hint}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clausescan")
def main() -> None:
    """clausescan: can the customer get out? Checks outsourcing contracts for exit provisions."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    help="Output format (repeatable): text, json, html, markdown, sarif, junit, csv, xlsx.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(),
    help="Output file, one per --format, in order (default: stdout).",
)
@click.option("-p", "--playbook", default=None, help="Built-in playbook id (backsourcing, dora) or a YAML file.")
@click.option("--option", "option_pairs", multiple=True, help="Playbook option, e.g. --option critical_function=true.")
@click.option(
    "--threshold", "threshold_pairs", multiple=True, help="Override a playbook threshold, e.g. min_transition_days=365."
)
@click.option(
    "--fail-on",
    type=click.Choice([*SEVERITIES, "never"]),
    default=None,
    help="Lowest severity of a missing/weak finding that fails (exit 1). Default: high.",
)
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even when findings fail (input errors still exit 2 under --strict)."
)
@click.option("--strict", is_flag=True, help="Exit 2 if any document cannot be read.")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--ocr", is_flag=True, help="OCR PDFs without a text layer (needs clausescan[ocr] and tesseract).")
@click.option("--max-pages", type=int, default=None, help="Refuse documents with more pages (error for that file).")
@click.option("--max-bytes", type=int, default=None, help="Refuse files larger than this many bytes.")
@click.option("-j", "--jobs", type=int, default=None, help="Documents scanned in parallel (default 1).")
@click.option("--cache", "cache_path", type=click.Path(), default=None, help="Result cache (SQLite) path.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--timeout",
    type=float,
    default=None,
    help="Per-document time limit in seconds; a document over it is an error (CS-TIMEOUT).",
)
@click.option("--exclude", "exclude", multiple=True, help="Glob of files to skip in folders (repeatable).")
@click.option(
    "--baseline", type=click.Path(exists=False), default=None, help="Earlier JSON report: report only new findings."
)
@click.option("--scheduler", default=None, help="Dask distributed scheduler address (needs clausescan[dask]).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(),
    default=None,
    help="Config file (default: clausescan.toml or pyproject.toml found upward).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show present provisions in full.")
@click.option(
    "--color/--no-color", default=None, help="Colour in the text report (default: when stdout is a terminal)."
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal)."
)
def scan(
    paths: tuple[str, ...],
    formats: tuple[str, ...],
    outputs: tuple[str, ...],
    playbook: str | None,
    option_pairs: tuple[str, ...],
    threshold_pairs: tuple[str, ...],
    fail_on: str | None,
    exit_zero: bool,
    strict: bool,
    password: str | None,
    ocr: bool,
    max_pages: int | None,
    max_bytes: int | None,
    jobs: int | None,
    cache_path: str | None,
    no_cache: bool,
    timeout: float | None,
    exclude: tuple[str, ...],
    baseline: str | None,
    scheduler: str | None,
    config_path: str | None,
    verbose: bool,
    color: bool | None,
    progress: bool | None,
) -> None:
    """Scan contracts (files or folders, recursively) and report exit provisions."""
    from clausescan.runner import RunRequest, run_scan

    request = RunRequest(
        paths=paths,
        formats=formats,
        outputs=outputs,
        playbook=playbook,
        options=parse_pairs_safe(option_pairs, "option"),
        thresholds=parse_pairs_safe(threshold_pairs, "threshold"),
        fail_on=fail_on,
        exit_zero=exit_zero,
        strict=strict,
        password=password,
        max_pages=max_pages,
        max_bytes=max_bytes,
        jobs=jobs,
        cache_path=cache_path,
        no_cache=no_cache,
        timeout=timeout,
        baseline=baseline,
        scheduler=scheduler,
        config_path=config_path,
        verbose=verbose,
        color=sys.stdout.isatty() if color is None else color,
        progress=sys.stderr.isatty() if progress is None else progress,
        exclude=exclude,
        ocr=ocr,
    )
    try:
        code = run_scan(request, echo=lambda s: click.echo(s, nl=False))
    except ClausescanError as exc:
        fail(exc)
        return
    sys.exit(code)


def parse_pairs_safe(values: tuple[str, ...], what: str) -> dict[str, str]:
    try:
        return parse_pairs(values, what)
    except ClausescanError as exc:
        fail(exc)
        raise  # unreachable


@main.group()
def rules() -> None:
    """List and explain playbook rules."""


@rules.command("list")
@click.option("-p", "--playbook", default="backsourcing", show_default=True)
@click.option("--option", "option_pairs", multiple=True)
def rules_list(playbook: str, option_pairs: tuple[str, ...]) -> None:
    """List the rules of a playbook."""
    from clausescan.rules import load_playbook

    try:
        pb = load_playbook(playbook, options={k: coerce(v) for k, v in parse_pairs(option_pairs, "option").items()})
    except ClausescanError as exc:
        fail(exc)
        return
    click.echo(f"{pb.id} {pb.version}: {pb.title} ({len(pb.rules)} rules)")
    for r in pb.rules:
        cond = f"  [only if {r.applies_if['option']}]" if r.applies_if else ""
        click.echo(f"{r.id:<8} {r.severity:<8} {r.title}  ({', '.join(r.labels)}){cond}")


@rules.command("explain")
@click.argument("rule_id")
@click.option("-p", "--playbook", default="backsourcing", show_default=True)
def rules_explain(rule_id: str, playbook: str) -> None:
    """Rationale, checks, sources and examples of one rule."""
    from clausescan.rules import builtin_playbooks, load_playbook

    try:
        pbs = [load_playbook(playbook)]
        if pbs[0].rule(rule_id.upper()) is None:  # look in the other built-ins too
            pbs += [load_playbook(n) for n in builtin_playbooks() if n != playbook]
    except ClausescanError as exc:
        fail(exc)
        return
    for pb in pbs:
        r = pb.rule(rule_id.upper())
        if r is None:
            continue
        click.echo(f"{r.id}: {r.title}  [{r.severity}]  (playbook {pb.id})")
        click.echo(f"labels: {', '.join(r.labels)}")
        for pat in r.evidence_patterns:
            click.echo(f"also evidence: a clause matching {pat.pattern}")
        for pat in r.evidence_requires:
            click.echo(f"a labelled clause counts only if it matches: {pat.pattern}")
        if r.applies_if:
            click.echo(f"applies only if option {r.applies_if['option']} is set")
        click.echo(f"\nWhy it matters:\n  {r.rationale}\n\nWhat to ask for:\n  {r.recommendation}")
        if r.weak_if:
            click.echo("\nWeak when:")
            for c in r.weak_if:
                t = f" (threshold {c.threshold_name or ''}={c.threshold:g})" if c.threshold is not None else ""
                click.echo(f"  - {c.check}{t}: {c.reason}")
        if r.suggested_language:
            click.echo(f"\nSuggested language:\n  {r.suggested_language}")
        click.echo("\nSources:")
        for s in pb.source_titles(r.sources):
            click.echo(f"  - {s}")
        for status in ("present", "weak", "missing"):
            for ex in r.examples.get(status, ()):
                click.echo(f"\nExample ({status}):\n  {ex}")
        return
    fail(
        UsageError(
            "CS-CONFIG-INVALID",
            f"no rule {rule_id!r} in the built-in playbooks or {playbook!r}",
            "List rules with: clausescan rules list",
        )
    )


def _metrics_table(report: dict[str, object]) -> str:
    sections = (
        ("clause_level_hand", "Clause level, hand-labelled test contracts"),
        ("document_level_hand", "Document level (contract contains the label), hand-labelled test contracts"),
        ("document_level_cuad", "Document level (contract contains the label), CUAD test contracts"),
    )
    lines: list[str] = []
    for key, title in sections:
        section = report.get(key) or {}
        model, kw = section.get("model", {}), section.get("keywords", {})  # type: ignore[union-attr]
        if not model:
            continue
        if lines:
            lines.append("")
        lines.append(f"{title} (model | keyword baseline)")
        lines.append(f"{'label':36} {'support':>7}  {'P':>5} {'R':>5} {'F1':>5}  | {'P':>5} {'R':>5} {'F1':>5}")
        for lab, m in model.items():
            k = kw.get(lab, {})
            lines.append(
                f"{lab:36} {m['support']:>7}  {m['precision']:>5.2f} {m['recall']:>5.2f} {m['f1']:>5.2f}  | "
                f"{k.get('precision', 0):>5.2f} {k.get('recall', 0):>5.2f} {k.get('f1', 0):>5.2f}"
            )
    summary = report.get("summary") or {}
    for key, value in summary.items():  # type: ignore[union-attr]
        if not key.endswith("eligible_labels"):
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


@main.command()
@click.option(
    "--out", "out_dir", type=click.Path(), default=None, help="Model directory (default: models/ of this checkout)."
)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--max-documents", type=int, default=None, help="Train on a deterministic subset (quick runs, tests).")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=2, show_default=True, help="Labels fitted at once (same model)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def train(out_dir: str | None, seed: int, max_documents: int | None, jobs: int, fmt: str) -> None:
    """Rebuild the clause classifier from data/labels and ../shared/data (deterministic for a seed)."""
    import json as _json

    from clausescan.nlp.classifier import load_classifier, model_dirs
    from clausescan.nlp.model_card import write_card
    from clausescan.nlp.train import train_and_evaluate

    target = Path(out_dir) if out_dir else model_dirs()[-1]
    report = train_and_evaluate(
        target, seed=seed, log=lambda s: click.echo(s, err=True), max_documents=max_documents, jobs=jobs
    )
    (target / "evaluation.json").write_text(_json.dumps(report, indent=2, sort_keys=True) + "\n", "utf-8")
    clf = load_classifier(target)
    write_card(target, report, clf.meta, float(clf.meta.get("load_seconds", 0.0)))  # type: ignore[arg-type]
    click.echo(_json.dumps(report, indent=2, sort_keys=True) if fmt == "json" else _metrics_table(report))


@main.command()
@click.option(
    "--model", "model_dir", type=click.Path(), default=None, help="Model directory (default: the installed model)."
)
@click.option("--split", type=click.Choice(["test", "train", "all"]), default="test", show_default=True)
@click.option(
    "--labels",
    "labels_dir",
    type=click.Path(),
    default=None,
    help="Evaluate on these worksheets only (e.g. data/labels/agreement).",
)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option(
    "--attributes",
    is_flag=True,
    help="Score the attribute extractors (notice, cure and transition days, percentages, amounts, party) "
    "against data/labels/attributes/gold.jsonl instead; --split train means its dev half.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def evaluate(model_dir: str | None, split: str, labels_dir: str | None, seed: int, attributes: bool, fmt: str) -> None:
    """Per-label precision/recall/F1 of the model and the keyword baseline on a labelled set."""
    import json as _json

    if attributes:
        from clausescan.nlp import attribute_eval

        if model_dir or labels_dir:
            fail(UsageError("CS-CONFIG-INVALID", "--attributes scores the extractors alone: drop --model and --labels"))
        if not attribute_eval.GOLD.exists():
            fail(UsageError("CS-DATA-MISSING", f"attribute gold set not found: {attribute_eval.GOLD}"))
        items = attribute_eval.select(attribute_eval.load_gold(), {"train": "dev"}.get(split, split))
        metrics = attribute_eval.attribute_metrics(items)
        click.echo(
            _json.dumps(metrics, indent=2, sort_keys=True) if fmt == "json" else attribute_eval.attribute_table(metrics)
        )
        return
    from clausescan.nlp import dataset
    from clausescan.nlp.classifier import load_classifier
    from clausescan.nlp.train import attach_cuad_twins, evaluate_docs

    clf = load_classifier(Path(model_dir) if model_dir else None)
    if labels_dir:
        docs = dataset.load_all(include_cuad=False, work=Path(labels_dir))
    else:
        docs = dataset.load_all()
    attach_cuad_twins(docs)
    if split != "all" and not labels_dir:
        train_docs, test_docs = dataset.split(docs, seed)
        docs = test_docs if split == "test" else train_docs
    report = evaluate_docs(clf, docs)
    click.echo(_json.dumps(report, indent=2, sort_keys=True) if fmt == "json" else _metrics_table(report))


def _register_commands() -> None:
    """Commands defined in other modules (annotate, compare) join the group here."""
    from clausescan.review.cli import register

    register(main)


_register_commands()
