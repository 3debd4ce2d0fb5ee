"""GitHub-flavoured Markdown for pull-request comments: the HTML report's content, safely escaped."""

from __future__ import annotations

import re

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import coverage_text, report_byline, split_message, status_counts, where
from clausescan.model import DocumentResult, Finding, Report, summarise

# Colour (emoji) always next to the status word, so it also reads in plain text and for colour-blind readers.
MARK = {"missing": "🔴 MISSING", "weak": "🟠 WEAK", "present": "🟢 PRESENT", "waived": "🔵 WAIVED", "error": "⛔ ERROR"}
# Contract text must not become markup: table pipes, raw HTML, code spans, emphasis, links.
_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "~": "\\~",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
    }
)
COMMENT_LIMIT = 65536  # characters GitHub accepts in one issue or pull-request comment
# Line starts that would turn a quote line into a heading, list or setext underline.
_BLOCK_MARK = re.compile(r"^([#+\-=])")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])")


def _line(text: str) -> str:
    # Leading spaces would make an indented code block; "9. TERM" at a line start would become a list.
    line = text.strip().translate(_INLINE)
    return _NUMBERED.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", line))


def md(text: object) -> str:
    """Escaped text on one line (a newline would end a table row or paragraph)."""
    return _line(" ".join(str(text).split()))


def quote(text: str) -> str:
    """A `>` blockquote; every line escaped, including what only matters at the start of a line."""
    lines = [_line(raw) for raw in str(text).splitlines() or [""]]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def slug(text: str, seen: dict[str, int]) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, -N for repeats."""
    base = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


def _finding(f: Finding, rule_anchor: str, language: bool = True) -> list[str]:
    message, reasons = split_message(f)
    out = [f"### {MARK[f.status]} · {md(f.severity)} · **{md(f.rule_id)}** {md(f.title)}", "", md(message), ""]
    if reasons:
        out += [*(f"- {md(r)}" for r in reasons), ""]
    if f.waiver:
        out += [f"**Waived:** {md(f.waiver)}", ""]
    if f.evidence:
        for e in f.evidence:
            out += [f"**Evidence** ({md(where(e))}):", "", quote(e.quote), ""]
    else:
        out += ["**Evidence:** not found anywhere in the document.", ""]
    if f.recommendation and f.status != "present":
        out += [f"**What to ask for:** {md(f.recommendation)}", ""]
    what = "why it matters, suggested language, sources" if language else "why it matters, sources"
    more = f" · [{what}](#{rule_anchor})" if rule_anchor else ""
    out += [f"Confidence: {md(f.confidence)}{more}", ""]
    return out


def _present_table(present: list[Finding]) -> list[str]:
    """Present provisions folded into one table: reviewers need the gaps first, and comments have a size limit."""
    out = [
        f"<details><summary>{MARK['present']}: {len(present)} provision(s)</summary>",
        "",
        "| Rule | Title | Evidence |",
        "|---|---|---|",
    ]
    out += [f"| {md(f.rule_id)} | {md(f.title)} | {md('; '.join(where(e) for e in f.evidence))} |" for f in present]
    return [*out, "", "</details>", ""]


def _document(d: DocumentResult, anchors: dict[str, str], verbose: bool, language: bool = True) -> list[str]:
    out = [f"## {md(d.path)}", ""]
    if d.error:
        out += [f"{MARK['error']} **{md(d.error.code)}** {md(d.error.message)}", ""]
        if d.error.hint:
            out += [f"Hint: {md(d.error.hint)}", ""]
        return [*out, "No provisions were assessed: the text could not be read.", ""]
    c = status_counts(d)
    fmt = (d.format or "").upper()
    counts = " · ".join(f"{MARK[s]} {c[s]}" for s in ("missing", "weak", "present", "waived"))
    out += [f"Coverage **{coverage_text(d)}** · {counts} · {md(fmt)}, {d.pages} page(s), {len(d.clauses)} clauses", ""]
    for w in d.warnings:
        out += [f"> [!WARNING]\n> **{md(w.code)}** {md(w.message)}" + (f" {md(w.hint)}" if w.hint else ""), ""]
    present = [f for f in d.provisions if f.status == "present"]
    for f in d.provisions:  # the engine already orders them worst first
        if f.status != "present" or verbose:
            out += _finding(f, anchors.get(f.rule_id, ""), language)
    if present and not verbose:
        out += _present_table(present)
    return out


def _rule_reference(findings: dict[str, Finding], anchors: dict[str, str], language: bool = True) -> list[str]:
    """Why it matters, suggested language and sources once per rule, not per finding: the text is the same
    every time, and GitHub rejects comments over 65,536 characters. "What to ask for" stays with each finding."""
    out = ["## Rule reference", ""]
    if not language:
        out += [
            "Suggested language is left out to keep this report under GitHub's 65,536-character comment "
            "limit; `clausescan rules explain RULE_ID` prints it.",
            "",
        ]
    for rule_id in sorted(findings):
        f = findings[rule_id]
        out += [f"### {md(rule_id)} {md(f.title)}", "", f"Severity: {md(f.severity)} · provision: {md(f.label)}", ""]
        if f.rationale:
            out += [f"**Why it matters:** {md(f.rationale)}", ""]
        if f.suggested_language and language:  # folded to keep the comment scannable (<details> needs blank lines)
            out += [
                "<details><summary>Suggested language</summary>",
                "",
                quote(f.suggested_language),
                "",
                "</details>",
                "",
            ]
        if f.sources:
            out += ["<details><summary>Sources</summary>", "", *(f"- {md(s)}" for s in f.sources), "", "</details>", ""]
    return out


def _contents(docs: list[DocumentResult]) -> list[str]:
    seen: dict[str, int] = {}
    out = ["| Document | Coverage | Missing | Weak | Present | Waived |", "|---|---:|---:|---:|---:|---:|"]
    for d in docs:
        link = f"[{md(d.path)}](#{slug(d.path, seen)})"
        if d.error:
            out.append(f"| {link} | {MARK['error']} {md(d.error.code)} | | | | |")
            continue
        c = status_counts(d)
        out.append(f"| {link} | {coverage_text(d)} | {c['missing']} | {c['weak']} | {c['present']} | {c['waived']} |")
    return [*out, ""]


@register("markdown", ".md")
def render_markdown(report: Report, options: FormatOptions) -> str:
    docs = sorted(report.documents, key=lambda d: d.path)
    meta = report_byline(report)
    s = summarise(docs)
    found = s["findings"]
    out = [
        "# Exit provisions report",
        "",
        md(meta),
        "",
        f"{s['documents']} document(s): {s['documents_ok']} read, {s['documents_error']} could not be read; "
        f"{s['pages']} page(s). Findings: {found['missing']} missing, {found['weak']} weak, "
        f"{found['present']} present, {found['waived']} waived.",
        "",
    ]
    first: dict[str, Finding] = {}
    for d in docs:
        for f in d.provisions:
            if f.status != "present" or options.verbose:  # nothing to negotiate for a present provision
                first.setdefault(f.rule_id, f)
    # Rule reference headings are unique ("ID title") and never equal a path, so their anchors have no -N suffix.
    anchors = {r: slug(f"{r} {f.title}", {}) for r, f in first.items()}
    if len(docs) > 1:
        out += _contents(docs)

    def rendered(language: bool) -> str:
        body = [line for d in docs for line in _document(d, anchors, options.verbose, language)]
        return _joined([*out, *body, *(_rule_reference(first, anchors, language) if first else [])])

    text = rendered(language=True)
    if len(text) > COMMENT_LIMIT and first:
        # Suggested language is the one part a reader can fetch elsewhere; dropped only if that makes the
        # report fit one comment (a batch report too long either way keeps everything).
        short = rendered(language=False)
        text = short if len(short) <= COMMENT_LIMIT else text
    return text


def _joined(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"
