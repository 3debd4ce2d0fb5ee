"""For the lawyer: filled clause language, annotated DOCX / review memo, version comparison."""

from __future__ import annotations

from clausescan.review.language import defined_terms, fill_language, with_filled_language

__all__ = ["defined_terms", "fill_language", "with_filled_language"]
