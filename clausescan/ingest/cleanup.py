"""Text repairs shared by the parsers: ligatures, hyphenation, control characters, quality."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

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
# Control characters other than tab/newline/form feed, C1 controls included (U+009B is a terminal
# escape on some terminals); pdfium uses \x02 for a generated hyphen.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
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
_COMPOUND_PREFIXES_TEXT = """
    non co self pre post re sub third anti multi cross semi one two three four five six seven eight nine
    ten first second long short full part well mid inter intra ex over under wind run follow start end
    set make stand e cost risk time
"""
COMPOUND_PREFIXES = frozenset(_COMPOUND_PREFIXES_TEXT.split())
_VOCAB_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def vocabulary(lines: list[str]) -> frozenset[str]:
    """Lower-cased words (hyphenated compounds kept whole) seen in the lines."""
    return frozenset(map(str.lower, _VOCAB_RE.findall("\n".join(lines))))  # words never span lines


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
                rest = nxt[w.end() :]
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
_COMMON_WORDS_TEXT = """
    the of and to in a or be by any for this that shall as with such on is not agreement party parties
    its all other may under are from at which an will provided services service customer supplier date
    notice section clause term termination each has have if no written within days period including
    without than upon been it time terms rights right information out own made use more their where
    these company contract following herein hereunder pursuant only so after prior set forth between
    same into those them would can must one two three thirty sixty ninety business reasonable applicable
    law laws data payment fees costs obligations
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())


def word_list(text: str) -> list[str]:
    """Words of two or more letters, the unit of the quality measures below."""
    return _WORD_RE.findall(text)


def text_quality(text: str, words: list[str] | None = None) -> float:
    """Share of words that are common English/legal words (0..1); ~0.3-0.5 for real contracts."""
    words = word_list(text) if words is None else words
    if not words:
        return 0.0
    hits = sum(map(COMMON_WORDS.__contains__, map(str.lower, words)))
    return hits / len(words)


_DOUBLED_RE = re.compile(r"(?:([A-Za-z])\1)+")


def doubled_char_share(text: str, words: list[str] | None = None) -> float:
    """Share of words made entirely of doubled letters ("TTeerrmm"): a font-rendering artefact."""
    words = word_list(text) if words is None else words
    if not words:
        return 0.0
    doubled = sum(1 for w in words if len(w) >= 6 and w[0] == w[1] and _DOUBLED_RE.fullmatch(w))
    return doubled / len(words)


# Typographic quotes and dashes as plain ASCII, soft hyphens dropped: for comparing clause text.
PLAIN_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00ad": None})


def normalise_for_match(text: str) -> str:
    """Whitespace/hyphenation/quote-insensitive form, used to locate spans and compare text."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text).replace("\u00ab", "<<").replace("\u00bb", ">>")
    text = re.sub(r"[-\u00ad\x02]\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------------------------
# Lost ligatures
#
# Some PDF fonts map the "ti", "fi", "fl", "ff", "ffi", "ffl", "tt" and "ft" ligature glyphs to
# their first letter only (or to nothing), so pdfium and pdfminer both read "notce",
# "informaton", "specifed", "staf". A word is a suspect when restoring a ligature turns it into a
# known word: one seen elsewhere in the same document with the ligature letters present, a
# COMMON_WORDS entry, or an entry of LIGATURE_WORDS (frequent contract words that contain a
# ligature; words that occur in at least 25 of the CUAD contracts). Real words collide now and
# then ("patent" from "patient"), so a document is only flagged when the suspects are frequent
# AND outnumber a fair share of the intact ligature words.

_LIGATURE_WORDS_TEXT = """
    accounting acquisition acting action actions active actively activities activity addition additional
    additionally additions administration administrative advertise advertisement advertisements
    advertising affairs affect affected affecting affects affiliate affiliated affiliates aforementioned
    after allocation alteration alterations alternative anticipated application applications arbitration
    article articles association assumption attached attachment attachments attempt attempted attend
    attendance attention attorney attorneys attributable auditing authorities authorization
    authorizations automatic automatically beneficial beneficiaries beneficiary benefit benefits better
    calculating calculation calculations cancellation capabilities captions certificate certificates
    certification certified certify characteristics collaboration collection collectively combination
    commercialization committed committee commotion communication communications compensation competing
    competition competitive competitor completion composition condition conditioned conditions
    conducting confidence confidential confidentiality configuration confirm confirmation confirmed
    confirming confirms conflict conflicts conjunction connection consecutive consequential
    consideration considerations consisting consolidation constitute constitutes constituting
    construction consultation consulting consummation contingent continuation continue continued
    continues continuing continuous contracting contribution contributions convention cooperation
    coordination corporation correction corrective corruption creating creation creative critical
    cumulative declaration deduction deductions defaulting defective deficiencies deficiency define
    defined definition definitions delegation derivative description descriptions designation
    destruction determination difference different direction discontinue discretion disposition
    dissolution distributing distribution documentation domestic draft drafted drafting duration duties
    education educational effect effected effective effectively effectiveness effects effectuate
    efficiency efficient effort efforts election entire entirely entirety entities entitled entity
    essential estimate estimated evaluation examination exception exceptions executing execution
    executive exemption existing expertise expiration explanation exploitation facilities fiduciary
    field fields fifteen fifth fifty file filed files filing filings fill final finally finance
    financial financing findings fines finished fire firm first fiscal fitness five fixed flood floods
    floor flow formation fulfill fulfilled fulfilling fulfillment function functionality functions
    granting hereafter hereinafter hosting identification identified identify identifying identity
    implementation implementing implication incentive incorporating incorporation indemnification
    indemnified indemnities indicating indication influence information initial initially initiate
    initiated initiation injunction injunctive inspection inspections installation institute instituted
    institution institutions instruction instructions integration intention intentional intentionally
    international internationally interpretation interruption invention inventions investigate
    investigating investigation investigations jurisdiction jurisdictions left legislation legislative
    letter letters liabilities limitation limitations limiting liquidation listing litigation location
    locations marketing matter matters mediation meeting meetings mentioned misappropriation
    misrepresentation mitigate modification modifications modified multiple national nationally nations
    negative negotiate negotiated negotiation negotiations notice notices notification notified notifies
    notify notifying objection objectives obligation obligations offer offered offering offerings offers
    office officer officers offices official officials offset omitted operating operation operational
    operations opportunities option options organization organizational organizations partial partially
    participate participating participation particular particularly parties penalties permitted
    permitting petition political portion portions position posting potential practicable practical
    practice practices precautions preparation presentation presentations prevention production profit
    profits prohibition promoting promotion promotional promotions properties proportion prosecution
    prospective protecting protection protective publication publications punitive qualification
    qualified quantities quantity question questions rating recognition recommendations reduction
    reflect reflected reflects registration registrations regulation regulations rejection relating
    relation relations relationship relationships relative remuneration reorganization reporting
    representation representations representative representatives representing reputation requesting
    resolution respective respectively responsibilities restriction restrictions restrictive resulting
    retention routine royalties satisfaction satisfactory satisfied satisfy scientific section sections
    securities selection setting settle settled settlement settlements significant situation software
    solicitation solution solutions specific specifically specification specifications specified staff
    starting stating still submitted submitting subscription subsection subsections substantial
    substantially substantive substitute substituted suffer suffered sufficiency sufficient sufficiently
    supporting terminating termination testing thereafter time timely times timing title titles traffic
    transaction transactions transition translation transmitted transportation unconditional
    unconditionally until utility utilize utilized utilizing variation verification violating violation
    violations voting warranties writing written
"""
LIGATURE_WORDS = frozenset(_LIGATURE_WORDS_TEXT.split())
_LIGATURE_SEQ_RE = re.compile(r"ffi|ffl|ff|fi|fl|ti|tt|ft")
_LIG_WORD_RE = re.compile(r"[A-Za-z]+")
LOST_LIGATURE_MIN_SHARE = 0.005  # suspects among all words
LOST_LIGATURE_MIN_LOSS = 0.3  # suspects / (suspects + intact ligature words)
LOST_LIGATURE_MIN_COUNT = 8


@dataclass(frozen=True)
class LigatureReport:
    """What ``lost_ligatures`` found. ``repairs`` maps a damaged lower-case word to its repair."""

    words: int
    suspects: int
    intact: int
    examples: tuple[str, ...]
    repairs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def share(self) -> float:
        """Estimated share of the document's words that lost a ligature."""
        return self.suspects / self.words if self.words else 0.0

    @property
    def loss(self) -> float:
        """Share of the ligature-bearing words that lost their ligature."""
        return self.suspects / (self.suspects + self.intact) if self.suspects else 0.0

    @property
    def detected(self) -> bool:
        return (
            self.suspects >= LOST_LIGATURE_MIN_COUNT
            and self.share >= LOST_LIGATURE_MIN_SHARE
            and self.loss >= LOST_LIGATURE_MIN_LOSS
        )


def damaged_forms(word: str) -> set[str]:
    """Spellings of ``word`` with one or more ligatures collapsed to their first letter or dropped."""
    matches = list(_LIGATURE_SEQ_RE.finditer(word))
    forms: set[str] = set()
    if not matches or len(matches) > 4:
        return forms

    def build(i: int, pos: int, acc: str, damaged: bool) -> None:
        if i == len(matches):
            if damaged:
                forms.add(acc + word[pos:])
            return
        m = matches[i]
        head = acc + word[pos : m.start()]
        build(i + 1, m.end(), head + m.group(0), damaged)
        build(i + 1, m.end(), head + m.group(0)[0], True)
        build(i + 1, m.end(), head, True)

    build(0, 0, "", False)
    return forms


def _add_targets(targets: dict[str, set[str]], words: set[str] | frozenset[str]) -> None:
    for k in words:
        for form in damaged_forms(k):
            if len(form) >= 3:
                targets.setdefault(form, set()).add(k)


@lru_cache(maxsize=1)
def _static_ligature_targets() -> tuple[frozenset[str], dict[str, set[str]]]:
    """Damaged spellings of the built-in word lists: the same for every document, built once."""
    known = frozenset(LIGATURE_WORDS | {w for w in COMMON_WORDS if _LIGATURE_SEQ_RE.search(w)})
    targets: dict[str, set[str]] = {}
    _add_targets(targets, known)
    return known, targets


def lost_ligatures(text: str) -> LigatureReport:
    """Estimate how many words of ``text`` lost a ligature, and which can be repaired safely.

    A repair is offered only for a damaged spelling that is not itself a word and maps to exactly
    one known word (seen intact elsewhere in the text, or in the contract word list); it is only
    applied (by the caller) when the report says ``detected``, i.e. the document is damaged.
    """
    all_words = _LIG_WORD_RE.findall(text)
    words = len(all_words)
    counts = Counter(map(str.lower, all_words))
    in_doc = {w for w in counts if _LIGATURE_SEQ_RE.search(w)}
    static_known, static_targets = _static_ligature_targets()
    known = in_doc | static_known
    doc_targets: dict[str, set[str]] = {}  # damaged spellings of the document's own ligature words
    _add_targets(doc_targets, in_doc - static_known)
    suspects = 0
    found: list[tuple[int, str]] = []
    repairs: dict[str, str] = {}
    for w, c in counts.items():
        cands = static_targets.get(w)
        extra = doc_targets.get(w)
        if extra:
            cands = extra | (cands or set())
        if not cands or w in known or w in COMMON_WORDS:
            continue
        suspects += c
        found.append((-c, w))
        if len(cands) == 1:
            (fix,) = cands
            if fix in in_doc or fix in LIGATURE_WORDS:
                repairs[w] = fix
    intact = sum(counts[w] for w in in_doc)
    examples = tuple(w for _, w in sorted(found)[:5])
    return LigatureReport(words, suspects, intact, examples, repairs)


def repair_ligatures(line: str, repairs: dict[str, str]) -> str:
    """Replace damaged words (whole words, any case) by their repair, keeping the capitalisation."""
    if not repairs:
        return line

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        rep = repairs.get(w.lower())
        if rep is None:
            return w
        if w.isupper() and len(w) > 1:
            return rep.upper()
        if w[0].isupper():
            return rep[0].upper() + rep[1:]
        return rep

    return _LIG_WORD_RE.sub(fix, line)
