"""Literal prefilters for regular expressions: skip a regex when a word every match needs is absent.

Contract patterns such as ``terminat\\w*[^.;]{0,120}for cause`` backtrack on every clause; a plain
substring test (``"for cause" in text``) rules most clauses out first. Exact by construction: a
guard never changes whether a pattern matches, only how fast we find out (pinned by
tests/test_features.py with generated text).
"""

from __future__ import annotations

try:  # the regex parser: used only to read which literal words a pattern needs
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MIN_LITERAL = 3  # shorter literals rule out too little to pay for the test

# Characters that re.IGNORECASE matches to an ASCII letter but str.lower() does not lower to it.
_FOLD_PAIRS = (("\u017f", "s"), ("\u212a", "k"), ("\u0131", "i"), ("\u0130", "i"))


def fold(text: str) -> str:
    """The text guards are tested against: lower-cased, with re's extra case equivalences applied."""
    if not text.isascii():
        for src, dst in _FOLD_PAIRS:
            if src in text:  # before lower(): "\u0130".lower() is two characters
                text = text.replace(src, dst)
    return text.lower()


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-case ASCII strings of which ``fold(text)`` contains one wherever ``pattern`` matches.

    None when no such string of MIN_LITERAL characters is known. Only literal runs the pattern
    cannot match without are collected (in mandatory groups, in every branch of an alternation,
    in repeats with a minimum of one); the case of the pattern does not matter because the test
    is against folded text.
    """

    def walk(items: object) -> tuple[str, ...] | None:
        options: list[tuple[str, ...]] = []
        run = ""
        for op, av in items:  # type: ignore[attr-defined]
            if op is sre_constants.LITERAL and chr(av).isascii():
                run += chr(av).lower()
                continue
            if run:
                options.append((run,))
                run = ""
            found: tuple[str, ...] | None = None
            if op is sre_constants.SUBPATTERN:
                found = walk(av[-1])
            elif op is sre_constants.BRANCH:
                branches = [walk(b) for b in av[1]]
                if all(branches):
                    found = tuple(sorted({lit for b in branches for lit in b}))  # type: ignore[union-attr]
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
                found = walk(av[2])
            if found:
                options.append(found)
        if run:
            options.append((run,))
        # the most selective requirement: the one whose shortest alternative is longest
        return max(options, key=lambda opt: min(map(len, opt)), default=None)

    try:
        found = walk(sre_parse.parse(pattern, flags))
    except Exception:
        return None
    return found if found and min(map(len, found)) >= MIN_LITERAL else None
