"""Throughput and memory of clausescan on the CUAD PDFs (../shared/data), against raw pypdfium2.

  python benchmarks/bench_scan.py [--repeat 12] [--profile]

Prints, in one run on this machine: raw pypdfium2 text extraction pages/s; end-to-end scan
pages/s with --jobs 1 and --jobs 2 (no cache); their ratio; peak RSS of the scanning process and
of each worker; a cold scan into an empty cache and the cached re-scan; and the same scan over a
synthetic folder of >= 1,000 documents (the PDFs repeated via symlinks) to check cost is linear in
pages. Each measurement runs in a fresh subprocess so memory figures are its own.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CUAD_PDF = REPO.parent / "shared" / "data" / "cuad" / "full_contract_pdf"


def pdfs() -> list[str]:
    return sorted(glob.glob(str(CUAD_PDF / "**" / "*.[pP][dD][fF]"), recursive=True))


def child_raw(files: list[str]) -> dict[str, float]:
    import pypdfium2 as pdfium

    t = time.perf_counter()
    pages = 0
    for f in files:
        pdf = pdfium.PdfDocument(f)
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        pdf.close()
    return {"pages": pages, "seconds": time.perf_counter() - t}


def child_plumber(files: list[str]) -> dict[str, float]:
    import pdfplumber

    t = time.perf_counter()
    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return {"pages": pages, "seconds": time.perf_counter() - t}


def child_scan(folder: str, jobs: int, cache: str | None) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    from clausescan.batch import BatchOptions, run_batch
    from clausescan.nlp import default_tagger
    from clausescan.scan import ScanOptions

    t0 = time.perf_counter()
    default_tagger()  # model load is part of a real run, but report it separately
    load = time.perf_counter() - t0
    t = time.perf_counter()
    results = list(
        run_batch([folder], ScanOptions(), BatchOptions(jobs=jobs, cache_path=Path(cache) if cache else None))
    )
    return {
        "pages": sum(r.pages for r in results),
        "documents": len(results),
        "seconds": time.perf_counter() - t,
        "errors": sum(r.status == "error" for r in results),
        "model_load_seconds": load,
    }


def run_child(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--child", nargs="*")
    ap.add_argument("--repeat", type=int, default=12, help="copies of each PDF in the synthetic folder")
    ap.add_argument("--plumber-files", type=int, default=8, help="PDFs to time with pdfplumber (it is slow)")
    ap.add_argument("--cache-runs", type=int, default=3, help="cold + cached scan pairs (the median is printed)")
    ap.add_argument("--profile", action="store_true", help="cProfile one --jobs 1 scan and print the top entries")
    args = ap.parse_args()
    if args.child is not None:
        kind = args.child[0]
        if kind == "raw":
            res = child_raw(pdfs())
        elif kind == "plumber":
            res = child_plumber(pdfs()[: int(args.child[1])])
        else:
            res = child_scan(args.child[1], int(args.child[2]), args.child[3] if len(args.child) > 3 else None)
        res["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        res["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(res))
        return
    files = pdfs()
    if not files:
        raise SystemExit(f"no PDFs under {CUAD_PDF}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cuad"
        folder.mkdir()
        for f in files:
            os.symlink(f, folder / Path(f).name)
        big = Path(tmp) / "synthetic"
        big.mkdir()
        for k in range(args.repeat):
            for f in files:
                os.symlink(f, big / f"{k:02d}-{Path(f).name}")
        raw = run_child(["raw"])
        plumber = run_child(["plumber", str(args.plumber_files)])
        j1 = run_child(["scan", str(folder), "1"])
        j2 = run_child(["scan", str(folder), "2"])
        colds, warms = [], []
        for k in range(args.cache_runs):  # a cached re-scan takes ~0.2 s: one run is too noisy to quote
            cache = str(Path(tmp) / f"cache{k}.sqlite")
            colds.append(run_child(["scan", str(folder), "2", cache]))
            warms.append(run_child(["scan", str(folder), "2", cache]))
        cold = sorted(colds, key=lambda r: r["seconds"])[len(colds) // 2]  # medians
        warm = sorted(warms, key=lambda r: r["seconds"])[len(warms) // 2]
        syn = run_child(["scan", str(big), "2"])
    rate = {k: v["pages"] / v["seconds"] for k, v in {"raw": raw, "j1": j1, "j2": j2, "syn": syn}.items()}
    print(f"CUAD PDFs: {len(files)} files, {raw['pages']} pages")
    print(f"raw pypdfium2 text extraction : {rate['raw']:8.1f} pages/s")
    print(
        f"pdfplumber text extraction    : {plumber['pages'] / plumber['seconds']:8.1f} pages/s  "
        f"(first {args.plumber_files} PDFs, {plumber['pages']} pages: why pypdfium2 is the main text path)"
    )
    print(
        f"clausescan scan --jobs 1      : {rate['j1']:8.1f} pages/s  ({rate['j1'] / rate['raw']:.0%} of raw)  "
        f"peak RSS {j1['rss_self_mb']:.0f} MB  (model load {j1['model_load_seconds']:.2f}s)"
    )
    print(
        f"clausescan scan --jobs 2      : {rate['j2']:8.1f} pages/s  ({rate['j2'] / rate['raw']:.0%} of raw)  "
        f"speed-up x{rate['j2'] / rate['j1']:.2f}  peak RSS parent {j2['rss_self_mb']:.0f} MB, "
        f"per worker {j2['rss_children_mb']:.0f} MB"
    )
    print(f"cold scan into empty cache    : {cold['seconds']:8.2f} s  (--jobs 2, median of {len(colds)})")
    speedup = cold["seconds"] / max(warm["seconds"], 1e-9)
    print(f"cached re-scan                : {warm['seconds']:8.3f} s  (x{speedup:.0f} faster, median of {len(warms)})")
    print(
        f"synthetic folder --jobs 2     : {syn['documents']} documents, {syn['pages']} pages, "
        f"{rate['syn']:.1f} pages/s ({rate['syn'] / rate['j2']:.2f} of the 86-file rate: linear if ~1)"
    )
    if args.profile:
        import cProfile
        import pstats

        sys.path.insert(0, str(REPO))
        from clausescan.batch import BatchOptions, run_batch
        from clausescan.scan import ScanOptions

        prof = cProfile.Profile()
        prof.enable()
        list(run_batch([str(CUAD_PDF)], ScanOptions(), BatchOptions(jobs=1)))
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
