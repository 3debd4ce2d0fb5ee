"""One self-contained HTML page for a lawyer: no scripts, no external resources, everything escaped."""

from __future__ import annotations

import html
import re

from clausescan.formats import FormatOptions, register
from clausescan.formats._common import coverage_text, report_byline, split_message, status_counts, where
from clausescan.model import DocumentResult, Finding, Report, summarise

# Inline so the file can be mailed or archived alone; colours always come with the status word (WCAG 1.4.1).
CSS = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; color: #1a1a1a; background: #fff;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3, h4, nav, .meta, .badge, .sev, table { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; overflow-wrap: anywhere; }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
h4 { font-size: .9rem; margin: .8rem 0 .2rem; color: #444; }
.meta { color: #555; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
td a { overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05em .5em; border: 1px solid; border-radius: .25em;
         font-size: .8em; font-weight: bold; letter-spacing: .04em; }
.badge-missing, .badge-error { background: #fde2e1; color: #8a1c15; }
.badge-weak { background: #fff1c2; color: #6b4200; }
.badge-present { background: #dcf5e3; color: #145c2c; }
.badge-waived { background: #dde9f7; color: #1f4e78; }
.sev { font-size: .8em; color: #444; border: 1px solid #999; border-radius: .25em; padding: .05em .4em; }
.finding { border-left: .4rem solid #999; background: #fafafa; margin: 1rem 0; padding: .6rem 1rem; }
.finding.missing { border-color: #b3261e; } .finding.weak { border-color: #c98a00; }
.finding.present { border-color: #2e7d46; } .finding.waived { border-color: #2f6fb0; }
blockquote { margin: .3rem 0; padding: .3rem .8rem; border-left: 3px solid #999; background: #fff;
             white-space: pre-wrap; }
figure { margin: .4rem 0; } figcaption { font-size: .85em; color: #555; }
.error-box { border-left: .4rem solid #b3261e; background: #fdf3f2; padding: .6rem 1rem; }
@media print { .finding, figure { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"""


# Control characters (PDF form feeds, vertical tabs) are not allowed in HTML text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """Everything from a report is untrusted (contract text can hold markup): escape it, quotes included."""
    return html.escape(_CONTROL.sub(" ", str(value)), quote=True)


def _badge(status: str) -> str:
    return f'<span class="badge badge-{esc(status)}">{esc(status.upper())}</span>'


def _finding(f: Finding, anchor: str) -> list[str]:
    message, reasons = split_message(f)
    out = [
        f'<article class="finding {esc(f.status)}" id="{esc(anchor)}">',
        f'<h3>{_badge(f.status)} <span class="sev">severity {esc(f.severity)}</span> '
        f"<code>{esc(f.rule_id)}</code> {esc(f.title)}</h3>",
        f'<p class="message">{esc(message)}</p>',
    ]
    if reasons:
        out += ['<ul class="reasons">', *(f"<li>{esc(r)}</li>" for r in reasons), "</ul>"]
    if f.waiver:
        out.append(f'<p class="waiver"><strong>Waived:</strong> {esc(f.waiver)}</p>')
    out.append("<h4>Evidence</h4>")
    if f.evidence:
        out += [
            f"<figure><blockquote>{esc(e.quote)}</blockquote><figcaption>{esc(where(e))}</figcaption></figure>"
            for e in f.evidence
        ]
    else:
        out.append("<p>Not found anywhere in the document.</p>")
    if f.rationale:
        out.append(f"<h4>Why it matters</h4><p>{esc(f.rationale)}</p>")
    if f.recommendation:
        out.append(f"<h4>What to ask for</h4><p>{esc(f.recommendation)}</p>")
    if f.suggested_language:
        out.append(f"<h4>Suggested language</h4><blockquote>{esc(f.suggested_language)}</blockquote>")
    if f.sources:
        out += ["<h4>Sources</h4>", '<ul class="sources">', *(f"<li>{esc(s)}</li>" for s in f.sources), "</ul>"]
    out.append(f'<p class="meta">Confidence: {esc(f.confidence)}</p>')
    out.append("</article>")
    return out


def _document(d: DocumentResult, anchor: str) -> list[str]:
    out = [f'<section class="document" id="{esc(anchor)}">', f"<h2>{esc(d.path)}</h2>"]
    if d.error:
        out += [
            '<div class="error-box">',
            f"<p>{_badge('error')} <code>{esc(d.error.code)}</code> {esc(d.error.message)}</p>",
        ]
        if d.error.hint:
            out.append(f"<p><strong>Hint:</strong> {esc(d.error.hint)}</p>")
        out += ["<p>No provisions were assessed: the text could not be read.</p>", "</div>", "</section>"]
        return out
    fmt = (d.format or "").upper()
    out.append(
        f'<p class="meta">{esc(fmt)} · {d.pages} page(s) · {len(d.clauses)} clauses'
        + (f" · read with {esc(d.extractor)}" if d.extractor else "")
        + "</p>"
    )
    counts = status_counts(d)
    out.append(
        f"<p>Coverage <strong>{esc(coverage_text(d))}</strong> · "
        + " · ".join(f"{_badge(s)} {counts[s]}" for s in ("missing", "weak", "present", "waived"))
        + "</p>"
    )
    if d.warnings:
        out += ["<h4>Warnings</h4>", '<ul class="warnings">']
        out += [
            f"<li><code>{esc(w.code)}</code> {esc(w.message)}"
            + (f" <em>{esc(w.hint)}</em>" if w.hint else "")
            + "</li>"
            for w in d.warnings
        ]
        out.append("</ul>")
    for f in d.provisions:  # the engine already orders them worst first
        out += _finding(f, f"{anchor}-{f.rule_id}")
    out.append("</section>")
    return out


def _contents(docs: list[DocumentResult]) -> list[str]:
    out = [
        '<nav aria-label="Contents">',
        "<h2>Contents</h2>",
        "<table>",
        '<thead><tr><th>Document</th><th class="num">Coverage</th><th class="num">Missing</th>'
        '<th class="num">Weak</th><th class="num">Present</th><th class="num">Waived</th></tr></thead>',
        "<tbody>",
    ]
    for i, d in enumerate(docs, 1):
        link = f'<td><a href="#doc-{i}">{esc(d.path)}</a></td>'
        if d.error:
            out.append(f'<tr>{link}<td colspan="5">{_badge("error")} <code>{esc(d.error.code)}</code></td></tr>')
            continue
        c = status_counts(d)
        out.append(
            f'<tr>{link}<td class="num">{esc(coverage_text(d))}</td>'
            + "".join(f'<td class="num">{c[s]}</td>' for s in ("missing", "weak", "present", "waived"))
            + "</tr>"
        )
    out += ["</tbody>", "</table>", "</nav>"]
    return out


@register("html", ".html")
def render_html(report: Report, options: FormatOptions) -> str:
    docs = sorted(report.documents, key=lambda d: d.path)
    pb = report.playbook
    meta = report_byline(report)
    s = summarise(docs)
    found = s["findings"]
    summary = (
        f"{s['documents']} document(s): {s['documents_ok']} read, {s['documents_error']} could not be read; "
        f"{s['pages']} page(s). Findings: {found['missing']} missing, {found['weak']} weak, "
        f"{found['present']} present, {found['waived']} waived."
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{esc(meta)}">',
        f"<title>clausescan report{esc(' · ' + pb.title) if pb else ''}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Exit provisions report</h1>",
        f'<p class="meta">{esc(meta)}</p>',
        f"<p>{esc(summary)}</p>",
        "</header>",
    ]
    if len(docs) > 1:
        out += _contents(docs)
    out.append("<main>")
    for i, d in enumerate(docs, 1):
        out += _document(d, f"doc-{i}")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
