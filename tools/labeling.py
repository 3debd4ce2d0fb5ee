"""Hand-labelling worksheets for the clause classifier (see data/labels/README.md).

  python tools/labeling.py dump SOURCE            # write data/labels/work/<slug>.jsonl
  python tools/labeling.py show WORKSHEET [--start N] [--end M]
  python tools/labeling.py apply WORKSHEET LABELS.json   # {"c0012": ["data_return"], ...}
  python tools/labeling.py finish WORKSHEET      # unlabelled clauses -> [] ; marks complete
  python tools/labeling.py stats

SOURCE is a path relative to ../shared/data. Every worksheet line records the source file, its
sha256, the extractor, the clause's offsets into clausescan's text of that file, and the text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clausescan.ingest import ingest  # noqa: E402
from clausescan.nlp.dataset import read_jsonl  # noqa: E402
from clausescan.segment import segment  # noqa: E402
from clausescan.taxonomy import LABELS  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
WORK = ROOT / "data" / "labels" / "work"


def slug(source: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", source).strip("-").lower()[:150]


def dump(source: str, work: Path = WORK) -> Path:
    doc = ingest(SHARED / source, display_path=source)
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"{slug(source)}.jsonl"
    if out.exists():
        raise SystemExit(f"{out} exists; delete it first to re-dump")
    with out.open("w", encoding="utf-8") as fh:
        for c in segment(doc):
            fh.write(
                json.dumps(
                    {
                        "source": source,
                        "sha256": doc.sha256,
                        "extractor": doc.extractor,
                        "clause_id": c.id,
                        "number": c.number,
                        "heading": c.heading,
                        "char_start": c.char_start,
                        "char_end": c.char_end,
                        "text": c.text,
                        "labels": None,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return out


def save(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def show(path: Path, start: int, end: int | None) -> None:
    for r in read_jsonl(path)[start:end]:
        labs = "?" if r["labels"] is None else ",".join(r["labels"]) or "-"
        print(f"[{r['clause_id']}] {r['number'] or ''} | {labs}\n{r['text']}\n")


def apply(path: Path, labels_file: Path) -> None:
    mapping = json.loads(labels_file.read_text("utf-8"))
    rows = read_jsonl(path)
    ids = {r["clause_id"] for r in rows}
    for cid, labs in mapping.items():
        if cid not in ids:
            raise SystemExit(f"unknown clause id {cid}")
        bad = [x for x in labs if x not in LABELS]
        if bad:
            raise SystemExit(f"unknown labels {bad} for {cid}")
    for r in rows:
        if r["clause_id"] in mapping:
            r["labels"] = sorted(set(mapping[r["clause_id"]]))
    save(path, rows)


def finish(path: Path) -> None:
    rows = read_jsonl(path)
    for r in rows:
        if r["labels"] is None:
            r["labels"] = []
        r["complete"] = True
    save(path, rows)
    print(f"{path.name}: {len(rows)} clauses, {sum(1 for r in rows if r['labels'])} labelled")


def stats() -> None:
    counts: Counter[str] = Counter()
    docs = 0
    for p in sorted(WORK.glob("*.jsonl")):
        rows = read_jsonl(p)
        if rows and rows[0].get("complete"):
            docs += 1
            for r in rows:
                counts.update(r["labels"] or [])
    print(f"{docs} complete worksheets")
    for lab in LABELS:
        print(f"{lab:<36} {counts[lab]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("source")
    d.add_argument("--workdir", type=Path, default=WORK, help="e.g. data/labels/agreement for a second annotator")
    s = sub.add_parser("show")
    s.add_argument("worksheet", type=Path)
    s.add_argument("--start", type=int, default=0)
    s.add_argument("--end", type=int, default=None)
    a = sub.add_parser("apply")
    a.add_argument("worksheet", type=Path)
    a.add_argument("labels", type=Path)
    f = sub.add_parser("finish")
    f.add_argument("worksheet", type=Path)
    sub.add_parser("stats")
    args = ap.parse_args()
    if args.cmd == "dump":
        print(dump(args.source, args.workdir))
    elif args.cmd == "show":
        show(args.worksheet, args.start, args.end)
    elif args.cmd == "apply":
        apply(args.worksheet, args.labels)
    elif args.cmd == "finish":
        finish(args.worksheet)
    else:
        stats()


if __name__ == "__main__":
    main()
