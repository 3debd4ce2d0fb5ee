"""The shipped classifier and the training procedure."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from clausescan.model import Clause
from clausescan.nlp.classifier import MODEL_NAME, find_model, load_classifier
from clausescan.nlp.dataset import LabelledDoc, cuad_group, cuad_label_matrix, split, split_imbalance
from clausescan.nlp.train import fit, stack
from clausescan.taxonomy import LABELS


def test_shipped_model_loads_without_pickle() -> None:
    d = find_model()
    with zipfile.ZipFile(d / f"{MODEL_NAME}.npz") as zf:
        for name in zf.namelist():
            with zf.open(name) as fh:
                header = fh.read(10)
                assert header.startswith(b"\x93NUMPY")  # plain arrays only
    np.load(d / f"{MODEL_NAME}.npz", allow_pickle=False)  # raises if any array needs pickle
    meta = json.loads((d / f"{MODEL_NAME}.json").read_text())
    assert meta["labels"] == list(LABELS)
    clf = load_classifier()
    assert clf.coef.shape[0] == len(LABELS) and 0 < float(clf.thresholds.min()) <= float(clf.thresholds.max()) < 1
    assert set(meta["train_documents"]).isdisjoint(meta["test_documents"])


def test_model_separates_obvious_clauses() -> None:
    clf = load_classifier()
    texts = [
        "The Supplier shall provide Termination Assistance Services to the Customer and any Replacement "
        "Supplier for up to twelve months after termination.",
        "This Agreement shall be governed by the laws of the State of New York.",
    ]
    labels = [{lab.label for lab in row} for row in clf.predict(texts)]
    assert "termination_assistance" in labels[0]
    assert not labels[1] & {"termination_assistance", "data_return", "exit_plan"}


def _toy_docs() -> list[LabelledDoc]:
    rng = np.random.default_rng(0)
    docs = []
    for i in range(8):
        inputs, ys = [], []
        for k in range(30):
            pos = (i + k) % 3 == 0
            inputs.append(
                "the supplier shall provide termination assistance on exit"
                if pos
                else f"payment terms clause {rng.integers(1000)} governed by law"
            )
            y = np.zeros(len(LABELS), dtype=np.int8)
            y[LABELS.index("termination_assistance")] = int(pos)
            ys.append(y)
        docs.append(LabelledDoc(f"doc{i}", f"g{i}", "toy", inputs, inputs, np.vstack(ys), True))
    return docs


def test_training_is_deterministic_for_a_seed() -> None:
    pytest.importorskip("sklearn")
    a = fit(stack(_toy_docs()), seed=7, log=lambda s: None)
    b = fit(stack(_toy_docs()), seed=7, log=lambda s: None)
    assert np.array_equal(a["coef"], b["coef"]) and np.array_equal(a["thresholds"], b["thresholds"])
    j = LABELS.index("termination_assistance")
    assert np.abs(a["coef"][j]).sum() > 0


def test_split_is_by_contract_group() -> None:
    empty = np.zeros((0, len(LABELS)), dtype=np.int8)
    parts = [
        LabelledDoc(f"cuad/x_Part{i}", cuad_group(f"X_Part{i}"), "cuad:Service", [], [], empty, False) for i in (1, 2)
    ]
    docs = [*_toy_docs(), *parts]
    train, test = split(docs, seed=3)
    assert {d.group for d in train}.isdisjoint({d.group for d in test})
    assert len(train) + len(test) == len(docs) and test
    assert cuad_group("A (1)") == cuad_group("A - Escrow Agreement") == cuad_group("A")


def test_split_keeps_a_rare_label_on_both_sides_when_it_can() -> None:
    # 10 contracts; one label sits in two of them only: a plain stratified draw often puts both in
    # one side, the label-balanced choice must not (and must stay deterministic)
    docs = []
    j = LABELS.index("staff_transfer")
    for i in range(10):
        y = np.zeros((3, len(LABELS)), dtype=np.int8)
        y[:, LABELS.index("confidentiality")] = 1
        if i in (2, 7):
            y[:, j] = 1
        docs.append(LabelledDoc(f"doc{i}", f"g{i}", "toy", ["x"] * 3, ["x"] * 3, y, True))
    train, test = split(docs, seed=2)  # seed 2: a single stratified draw puts both in train
    assert (train, test) == split(docs, seed=2)
    assert any(d.y[:, j].any() for d in train) and any(d.y[:, j].any() for d in test)
    assert len(test) == 3
    test_groups = {d.group for d in test}
    assert split_imbalance(docs, test_groups) < split_imbalance(docs, {"g2", "g7", "g0"})


def test_cuad_spans_are_negatives_only_where_cuads_category_is_as_broad_as_ours() -> None:
    parts = [
        "1. Either party may terminate this Agreement at any time on ninety days' written notice.",
        "2. The Agreement renews for one year unless either party gives notice of non-renewal 60 days before.",
        "3. The Company may audit the Contractor's records once a year.",
        "4. Either party may terminate this Agreement if the other party undergoes a change of control.",
        "5. The Contractor shall not assign this Agreement without consent, including on a change of control.",
        "6. The Contractor shall provide transition services for six months after termination.",
    ]
    text = "\n".join(parts)
    clauses, start = [], 0
    for i, part in enumerate(parts):
        clauses.append(Clause(f"c{i}", str(i + 1), None, None, part, start, start + len(part), 1, 1))
        start += len(part) + 1
    spans = {
        "Notice Period to Terminate Renewal": (parts[1][3:],),
        "Audit Rights": (parts[2][3:],),
        "Change of Control": (parts[3][3:], "including on a change of control"),
        "Post-Termination Services": (parts[5][3:],),
    }
    y = cuad_label_matrix(clauses, text, spans)
    col = {lab: y[:, LABELS.index(lab)].tolist() for lab in LABELS}
    # narrower than ours (renewal notices only): its spans are positives, nothing is a negative
    assert col["termination_notice_period"] == [-1, 1, -1, -1, -1, -1]
    assert col["audit_rights"] == [0, 0, 1, 0, 0, 0]
    # broader than ours: Change of Control spans count only in termination clauses, and
    # Post-Termination Services spans are not positives (other clauses are still negatives)
    assert col["termination_for_change_of_control"] == [0, 0, 0, 1, -1, 0]
    assert col["termination_assistance"] == [0, 0, 0, 0, 0, -1]
    assert set(col["governance"]) == {-1}  # no CUAD category: unknown


def test_platt_scaling_recovers_a_known_miscalibration() -> None:
    pytest.importorskip("sklearn")
    from clausescan.nlp.train import platt

    rng = np.random.default_rng(1)
    z = rng.normal(0.0, 3.0, 20_000)
    y = (rng.random(z.size) < 1 / (1 + np.exp(-(0.5 * z - 2.0)))).astype(int)  # truth: slope 0.5, offset -2
    slope, offset = platt(y, 1 / (1 + np.exp(-z)))  # raw scores overconfident and too high
    assert slope == pytest.approx(0.5, abs=0.05) and offset == pytest.approx(-2.0, abs=0.1)
    assert platt(np.zeros(10, dtype=int), np.full(10, 0.3)) == (1.0, 0.0)  # one class: identity


def test_calibration_changes_scores_not_decisions() -> None:
    from dataclasses import replace

    clf = load_classifier()
    assert clf.calibration is not None and float(clf.slope.min()) > 0
    texts = [
        "Either party may terminate this Agreement for convenience on ninety (90) days' written notice.",
        "Upon termination the Supplier shall return all Customer Data and then securely delete all copies.",
        "The Supplier shall meet the Service Levels; a Service Credit of 5% of the monthly Charges applies.",
        "This Agreement shall be governed by the laws of England and Wales.",
    ]
    probs, decided = clf.decide(texts)
    raw = replace(clf, calibration=None)  # the same model scoring raw probabilities
    raw_probs, raw_decided = raw.decide(texts)
    assert np.array_equal(decided, raw_decided)
    assert not np.allclose(probs, raw_probs)
    model_decided = (raw_probs >= clf.thresholds) & decided
    assert np.all(probs[model_decided] >= clf.score_thresholds[np.nonzero(model_decided)[1]] - 1e-5)
    for row, labels in zip(probs, clf.predict(texts)):
        for lab in labels:
            assert lab.score >= round(float(row[LABELS.index(lab.label)]), 4) - 1e-4


def test_model_saved_without_calibration_scores_raw_probabilities(tmp_path) -> None:
    d = find_model()
    meta = json.loads((d / f"{MODEL_NAME}.json").read_text())
    meta.pop("calibration", None)
    (tmp_path / f"{MODEL_NAME}.json").write_text(json.dumps(meta))
    (tmp_path / f"{MODEL_NAME}.npz").write_bytes((d / f"{MODEL_NAME}.npz").read_bytes())
    old = load_classifier(tmp_path)
    text = ["The Supplier shall provide termination assistance for six months after expiry."]
    z = old.logits(text)[0]
    assert np.allclose(old.scores(text), 1 / (1 + np.exp(-z)), atol=1e-6)
    assert np.allclose(old.score_thresholds, old.thresholds, atol=1e-5)


def test_cross_validation_in_parallel_matches_serial() -> None:
    pytest.importorskip("sklearn")
    from clausescan.nlp.train import cross_validate

    serial = cross_validate(seed=5, folds=4, log=lambda s: None, jobs=1, docs=_toy_docs())
    parallel = cross_validate(seed=5, folds=4, log=lambda s: None, jobs=2, docs=_toy_docs())
    assert serial == parallel
    ta = serial["model"]["termination_assistance"]  # type: ignore[index]
    assert ta["support"] == 80 and ta["f1"] > 0.9  # every toy contract predicted once, out of fold


def test_labels_fitted_in_parallel_match_serial() -> None:
    pytest.importorskip("sklearn")
    a = fit(stack(_toy_docs()), seed=3, log=lambda s: None, jobs=1)
    b = fit(stack(_toy_docs()), seed=3, log=lambda s: None, jobs=2)
    for key in ("coef", "intercept", "thresholds", "calibration", "keyword_union"):
        assert np.array_equal(a[key], b[key]), key
    assert a["counts"] == b["counts"]


def test_worksheet_with_unicode_line_separator_loads(tmp_path) -> None:
    """Regression: str.splitlines() also breaks on U+2028, which CUAD text contains raw inside a
    JSON string; such a worksheet failed to load (JSONDecodeError) and its labels were lost."""
    from clausescan.nlp.dataset import load_worksheets

    rows = [
        {
            "source": "cuad/x.txt",
            "clause_id": "c0000",
            "text": "first\u2028second",
            "labels": ["audit_rights"],
            "complete": True,
        },
        {"source": "cuad/x.txt", "clause_id": "c0001", "text": "third\u2029", "labels": [], "complete": True},
    ]
    (tmp_path / "x.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    sheets = load_worksheets(tmp_path)
    assert [r["text"] for r in sheets["cuad/x.txt"]] == ["first\u2028second", "third\u2029"]


def test_pieces_of_a_labelled_row_are_unknown_not_positive() -> None:
    """Regression: when the segmenter splits what the annotator labelled as one clause, every piece
    inherited the row's labels (a "14. Termination" row made its later "(d) Invoices" piece a
    termination clause)."""
    from clausescan.model import Clause
    from clausescan.nlp.dataset import row_labels

    def clause(cid: str, start: int, end: int) -> Clause:
        return Clause(cid, None, None, None, "x" * (end - start), start, end, 1, 1)

    rows = [
        {"char_start": 0, "char_end": 1000, "labels": ["termination_for_cause"]},
        {"char_start": 1000, "char_end": 1200, "labels": []},
    ]
    whole, piece_a, piece_b = clause("a", 0, 700), clause("b", 700, 900), clause("c", 900, 1000)
    other = clause("d", 1000, 1200)
    y = row_labels([whole, piece_a, piece_b, other], rows)
    j = LABELS.index("termination_for_cause")
    assert y[:, j].tolist() == [1, -1, -1, 0]
    assert int(y.sum()) == 1 - 2  # no other label touched: negatives stay negative


def test_document_presence_counts_contracts_not_clauses() -> None:
    from clausescan.nlp.train import doc_presence_hand

    j = LABELS.index("data_return")
    gold_a = np.zeros((3, len(LABELS)), dtype=np.int8)
    gold_a[1, j] = 1  # contract A has it in one clause ...
    gold_b = np.zeros((2, len(LABELS)), dtype=np.int8)
    gold_b[0, j] = -1  # ... contract B only in pieces of a split labelled row: it still has it ...
    gold_c = np.zeros((2, len(LABELS)), dtype=np.int8)  # ... contract C does not
    pred_a = np.zeros((3, len(LABELS)), dtype=bool)
    pred_a[2, j] = True  # found in another clause of A: the contract still has it
    pred_b = np.zeros((2, len(LABELS)), dtype=bool)
    pred_c = np.zeros((2, len(LABELS)), dtype=bool)
    pred_c[1, j] = True
    m = doc_presence_hand([gold_a, gold_b, gold_c], [pred_a, pred_b, pred_c])["data_return"]
    assert (m["support"], m["tp"], m["fp"], m["fn"]) == (2, 1, 1, 1)


def test_evaluation_scores_the_labels_a_scan_derives_and_nothing_on_headings() -> None:
    """The evaluation measures what a scan reports (nlp.classify): a transition period derived from
    an assistance clause that states its length, a notice period derived from a termination right
    that states its notice, and no label on a clause that is only its heading."""
    from clausescan.nlp.train import product_decisions

    inputs = [
        " // Exit // The Supplier shall provide termination assistance for six (6) months after the Termination Date.",
        " // Exit // The Supplier shall provide termination assistance as the Customer reasonably requests.",
        " // Termination // Either party may terminate this Agreement on ninety (90) days' written notice.",
        " // 14. Supplier Personnel and Subcontracting // 14. Supplier Personnel and Subcontracting",
    ]
    pred = np.zeros((4, len(LABELS)), dtype=bool)
    pred[[0, 1], LABELS.index("termination_assistance")] = True
    pred[2, LABELS.index("termination_for_convenience")] = True
    pred[3, LABELS.index("subcontracting_restriction")] = True
    out = product_decisions(pred, inputs)
    transition, notice = LABELS.index("transition_period"), LABELS.index("termination_notice_period")
    assert out[:, transition].tolist() == [True, False, False, False]  # no length stated in row 1
    assert out[:, notice].tolist() == [False, False, True, False]
    assert not out[3].any()
    assert not pred[:, transition].any()  # the input is not changed


def test_cuad_renewal_row_counts_only_notice_clauses_that_speak_of_renewal() -> None:
    """CUAD's "Notice Period to Terminate Renewal" is narrower than our notice label: the extra row
    counts a contract only when a clause predicted termination_notice_period names a renewal or the
    end of a term, while the label's own row counts any notice clause."""
    from clausescan.nlp.train import doc_presence_metrics
    from clausescan.taxonomy import CUAD_RENEWAL_ROW

    def doc(name: str, text: str) -> LabelledDoc:
        y = np.zeros((1, len(LABELS)), dtype=np.int8)
        return LabelledDoc(name, name, "cuad:x", [text], [text], y, hand=False, cuad_filename=name)

    docs = [
        doc("a", " // Term // Thereafter it renews for one-year terms unless either party gives 90 days' notice."),
        doc("b", " // Termination // Either party may terminate this Agreement on 30 days' written notice."),
        doc("c", " // Termination // Either party may terminate on 60 days' notice before the end of the Initial Term"),
    ]
    notice = LABELS.index("termination_notice_period")
    pred = [np.zeros((1, len(LABELS)), dtype=bool) for _ in docs]
    for p in pred:
        p[0, notice] = True
    cat = "Notice Period to Terminate Renewal"
    gold = {"a": {cat: ("renews ... 90 days' notice",)}, "b": {}, "c": {}}
    out = doc_presence_metrics(docs, pred, gold)
    broad, narrow = out["termination_notice_period"], out[CUAD_RENEWAL_ROW]
    assert (broad["tp"], broad["fp"], broad["fn"]) == (1, 2, 0)
    assert (narrow["tp"], narrow["fp"], narrow["fn"]) == (1, 1, 0)  # "c" names the Initial Term
    assert narrow["cuad_category"] == cat
