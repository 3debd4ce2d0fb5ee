"""Text repairs shared by the parsers: ligatures, hyphenation, control characters, quality."""

from __future__ import annotations

import re
import unicodedata

# Presentation-form ligatures that PDF fonts emit as one code point.
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_LIGATURE_RE = re.compile("[" + "".join(LIGATURES) + "]")
# Control characters other than tab/newline/form feed; pdfium uses \x02 for a generated hyphen.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HYPHEN_END_RE = re.compile(r"([A-Za-z])[-\u00ad]$")
_LEADING_WORD_RE = re.compile(r"^([a-z][A-Za-z]*)([,.;:)]*)\s*")


def repair_line(line: str) -> str:
    """Fix one extracted line: ligatures to letters, drop control chars, normalise odd spaces."""
    line = _LIGATURE_RE.sub(lambda m: LIGATURES[m.group(0)], line)
    line = line.replace("\u00a0", " ").replace("\u2009", " ").replace("\u200b", "").replace("\ufeff", "")
    # pdfium marks a hyphen it saw at a line break as \x02 or U+FFFE
    line = line.replace("\ufffe", "-")
    line = _CONTROL_RE.sub(lambda m: "-" if m.group(0) == "\x02" else "", line)
    return line.rstrip()


# First parts of real hyphenated compounds ("non-exclusive", "third-party"): a line break after
# them keeps the hyphen unless the document spells the joined word without one elsewhere.
COMPOUND_PREFIXES = frozenset(
    "non co self pre post re sub third anti multi cross semi one two three four five six seven "
    "eight nine ten first second long short full part well mid inter intra ex over under "
    "wind run follow start end set make stand e cost risk time".split()
)
_VOCAB_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def vocabulary(lines: list[str]) -> frozenset[str]:
    """Lower-cased words (hyphenated compounds kept whole) seen in the lines."""
    return frozenset(w.lower() for line in lines for w in _VOCAB_RE.findall(line))


def keep_hyphen(head: str, tail: str, vocab: frozenset[str]) -> bool:
    """Is "head-" + "tail" at a line break a compound (keep "-") or a broken word (join)?"""
    head_word = re.findall(r"[A-Za-z]+$", head)
    if not head_word:
        return False
    a, b = head_word[0].lower(), tail.lower()
    if a + b in vocab:
        return False
    if f"{a}-{b}" in vocab:
        return True
    return a in COMPOUND_PREFIXES


def join_hyphenated(lines: list[tuple[int, str]], vocab: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Join words broken across lines ("manage-" + "ment is ...") by moving the tail up.

    Lines are (page, text) pairs so provenance survives the join. Only a letter, a hyphen at
    line end and a lower-case continuation count, so numbered items and dashes used as
    separators are left alone. Compounds keep their hyphen (see ``keep_hyphen``). A line
    emptied by the move is dropped.
    """
    out = list(lines)
    i = 0
    while i < len(out) - 1:
        page, cur = out[i]
        if _HYPHEN_END_RE.search(cur) and not cur.endswith("--"):
            next_page, nxt = out[i + 1]
            nxt = nxt.lstrip()
            w = _LEADING_WORD_RE.match(nxt)
            if w:
                hyphen = "-" if keep_hyphen(cur[:-1], w.group(1), vocab) else ""
                out[i] = (page, cur[:-1] + hyphen + w.group(1) + w.group(2))
                rest = nxt[w.end():]
                if rest:
                    out[i + 1] = (next_page, rest)
                else:
                    del out[i + 1]
                    continue
        i += 1
    return out


_WORD_RE = re.compile(r"[A-Za-z]{2,}")
# A short list of very common English and legal words: garbled extraction (CID soup, doubled
# characters, dropped ligatures) shows up as a low share of these among the words of a page.
COMMON_WORDS = frozenset(
    """the of and to in a or be by any for this that shall as with such on is not
    agreement party parties its all other may under are from at which an will provided
    services service customer supplier date notice section clause term termination
    each has have if no written within days period including without than upon been
    it time terms rights right information out own made use more their where these
    company contract following herein hereunder pursuant only so after prior set forth
    between same into those them would can must one two three thirty sixty ninety
    business reasonable applicable law laws data payment fees costs obligations""".split()
)


def text_quality(text: str) -> float:
    """Share of words that are common English/legal words (0..1); ~0.3-0.5 for real contracts."""
    words = _WORD_RE.findall(text)
    if not words:
        return 0.0
    hits = sum(1 for w in words if w.lower() in COMMON_WORDS)
    return hits / len(words)


_DOUBLED_RE = re.compile(r"(?:([A-Za-z])\1)+")


def doubled_char_share(text: str) -> float:
    """Share of words made entirely of doubled letters ("TTeerrmm"): a font-rendering artefact."""
    words = _WORD_RE.findall(text)
    if not words:
        return 0.0
    doubled = sum(1 for w in words if len(w) >= 6 and _DOUBLED_RE.fullmatch(w))
    return doubled / len(words)


def normalise_for_match(text: str) -> str:
    """Whitespace/hyphenation/quote-insensitive form, used to locate spans and compare text."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text).replace("\u00ab", "<<").replace("\u00bb", ">>")
    text = re.sub(r"[-\u00ad\x02]\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()
