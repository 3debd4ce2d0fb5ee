"""CUAD (shared/data/cuad) reader: contracts, their expert spans and character offsets.

Used for training/evaluating the classifier and for measuring segmentation. Reads only what
is on disk; callers skip when the data is absent.
"""

from __future__ import annotations

import ast
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MIN_SPAN_CHARS = 5


@dataclass(frozen=True)
class CuadContract:
    filename: str  # the master_clauses.csv row name
    contract_type: str
    txt_path: Path
    pdf_path: Path | None
    spans: dict[str, tuple[str, ...]]  # CUAD category -> annotated segments
    answers: dict[str, str]  # CUAD category -> the "-Answer" cell


def default_root() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cuad"


def contracts(root: Path | None = None) -> Iterator[CuadContract]:
    root = root or default_root()
    index = {r["Filename"]: r for r in csv.DictReader((root / "cuad_file_index.csv").open(encoding="utf-8"))}
    with (root / "master_clauses.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            meta = index[row["Filename"]]
            spans: dict[str, tuple[str, ...]] = {}
            answers: dict[str, str] = {}
            for key in row:
                if key.endswith("-Answer") or key == "Filename":
                    continue
                try:
                    cell = ast.literal_eval(row[key]) if row[key].startswith("[") else []
                except (ValueError, SyntaxError):
                    cell = []
                segs = []
                for item in cell:
                    segs += [s for s in str(item).split("<omitted>") if len(s.strip()) >= MIN_SPAN_CHARS]
                spans[key] = tuple(segs)
                answers[key] = row.get(f"{key}-Answer", "")
            pdf = meta.get("pdf_path") or ""
            yield CuadContract(
                filename=row["Filename"],
                contract_type=meta["contract_type"],
                txt_path=root / meta["txt_path"],
                pdf_path=(root / pdf) if pdf and (root / pdf).exists() else None,
                spans=spans,
                answers=answers,
            )


def locate(text: str, segment: str) -> tuple[int, int] | None:
    """Offsets of ``segment`` in ``text`` (first exact occurrence; CUAD segments are byte-exact)."""
    i = text.find(segment)
    if i < 0:
        s = segment.strip()
        i = text.find(s)
        if i < 0:
            return None
        return i, i + len(s)
    return i, i + len(segment)
