"""``clausescan annotate`` and ``clausescan compare``, registered on the main command group.

Exit codes follow ``clausescan scan``: 0 done; 1 ``compare --fail-on-weakening`` found a
provision weakened or removed; 2 usage, configuration or input error (code and hint on stderr).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from clausescan.errors import ClausescanError, UsageError
from clausescan.model import DocumentResult
from clausescan.rules.loader import Playbook

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(exc: ClausescanError) -> None:
    from clausescan.cli import fail

    fail(exc)


def _scan(
    paths: tuple[str, ...],
    playbook: str | None,
    option_pairs: tuple[str, ...],
    threshold_pairs: tuple[str, ...],
    password: str | None,
    config_path: str | None,
) -> tuple[list[DocumentResult], Playbook, str]:
    """Scan each path (config file and command line merged as for ``scan``); exit 2 on an input error."""
    from clausescan.cli import parse_pairs
    from clausescan.nlp import default_tagger
    from clausescan.review.language import with_filled_language
    from clausescan.runner import RunRequest, build_options
    from clausescan.scan import load_scan_playbook, scan_document

    request = RunRequest(
        paths=paths,
        playbook=playbook,
        options=parse_pairs(option_pairs, "option"),
        thresholds=parse_pairs(threshold_pairs, "threshold"),
        password=password,
        config_path=config_path,
    )
    options = build_options(request)[0]
    pb = load_scan_playbook(options)
    tagger = default_tagger()
    results = []
    for p in paths:
        result = scan_document(Path(p), pb, tagger, options)
        if result.status != "ok":
            err = result.error
            raise _InputFailure(
                result.path,
                err.code if err else "CS-INTERNAL",
                err.message if err else "unreadable",
                err.hint if err else None,
            )
        results.append(with_filled_language(result, pb))
    return results, pb, tagger.name


class _InputFailure(ClausescanError):
    def __init__(self, path: str, code: str, message: str, hint: str | None) -> None:
        super().__init__(code, f"{path}: {message}", hint)


_playbook_option = click.option(
    "-p", "--playbook", default=None, help="Built-in playbook id (backsourcing, dora) or a YAML file."
)
_option_option = click.option(
    "--option", "option_pairs", multiple=True, help="Playbook option, e.g. --option critical_function=true."
)
_threshold_option = click.option(
    "--threshold", "threshold_pairs", multiple=True, help="Override a playbook threshold, e.g. min_transition_days=365."
)
_password_option = click.option("--password", default=None, help="Password for encrypted PDFs.")
_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(),
    default=None,
    help="Config file (default: clausescan.toml or pyproject.toml found upward).",
)


@click.command()
@click.argument("contract", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="The DOCX to write.")
@_playbook_option
@_option_option
@_threshold_option
@click.option("--memo", is_flag=True, help="Write a review memo even for a DOCX input.")
@_password_option
@_config_option
def annotate(
    contract: str,
    output: str,
    playbook: str | None,
    option_pairs: tuple[str, ...],
    threshold_pairs: tuple[str, ...],
    memo: bool,
    password: str | None,
    config_path: str | None,
) -> None:
    """Review one contract for a lawyer.

    A DOCX comes back as an annotated copy: a Word comment on each clause that provides (or
    half-provides) a provision, and a summary comment listing what is missing. A PDF, TXT or
    Markdown contract comes back as a DOCX review memo. The contract itself is never modified.
    """
    from clausescan.review.annotate import review

    out = Path(output)
    try:
        if out.exists() and Path(contract).exists() and out.resolve() == Path(contract).resolve():
            raise UsageError(
                "CS-CONFIG-INVALID", "the output would overwrite the contract", "Pass a different file to -o."
            )
        (result,), pb, model = _scan((contract,), playbook, option_pairs, threshold_pairs, password, config_path)
    except ClausescanError as exc:
        _fail(exc)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp.docx")
    try:
        summary = review(Path(contract), tmp, result, pb, memo=memo, model=model)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    if summary.mode == "comments":
        located = f"{summary.matched} of {summary.evidence_clauses} evidence clauses located"
        click.echo(
            f"wrote {out}: annotated copy, {summary.comments_added} comments ({located}; "
            f"{summary.missing} missing provision{'s' if summary.missing != 1 else ''} in the summary comment)"
        )
        if summary.unmatched:
            click.echo(f"not located in the Word text: {', '.join(summary.unmatched)}", err=True)
    else:
        click.echo(f"wrote {out}: review memo, {summary.findings} findings ({summary.missing} missing)")
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    sys.exit(EXIT_CLEAN)


@click.command("compare")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(), default=None, help="Write to this file (default: stdout).")
@click.option("--fail-on-weakening", is_flag=True, help="Exit 1 when any provision was weakened or removed.")
@_playbook_option
@_option_option
@_threshold_option
@_password_option
@_config_option
def compare_command(
    old: str,
    new: str,
    fmt: str,
    output: str | None,
    fail_on_weakening: bool,
    playbook: str | None,
    option_pairs: tuple[str, ...],
    threshold_pairs: tuple[str, ...],
    password: str | None,
    config_path: str | None,
) -> None:
    """Compare two versions of a contract: which provisions were added, removed, weakened or strengthened."""
    from clausescan.output import write_atomic
    from clausescan.review.compare import compare, render_comparison

    try:
        (a, b), pb, _ = _scan((old, new), playbook, option_pairs, threshold_pairs, password, config_path)
    except ClausescanError as exc:
        _fail(exc)
        return
    cmp = compare(a, b, pb)
    text = render_comparison(cmp, fmt)
    if output:
        write_atomic(Path(output), text)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_FINDINGS if fail_on_weakening and cmp.weakened else EXIT_CLEAN)


def register(main: click.Group) -> None:
    """Add ``annotate`` and ``compare`` to the ``clausescan`` command group."""
    main.add_command(annotate, "annotate")
    main.add_command(compare_command, "compare")
