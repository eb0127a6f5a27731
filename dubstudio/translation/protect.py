"""Protecting what must not be translated: glossary terms, URLs, e-mail addresses, handles and
numbers are swapped for placeholder words before a backend sees the line, and put back after.

A placeholder is one lower-case word that no language knows ('zxq0'): Apertium passes unknown words
through where they stand, and neural models copy such a token. Backends may still drop one; restore()
says which, and the candidate gets a QA flag.
"""

import re
from dataclasses import dataclass

from dubstudio.translation.glossary import Glossary, Term
from dubstudio.translation.types import Flag

# Patterns for spans no backend should touch. Trailing punctuation stays outside a URL.
_AUTOMATIC = re.compile("|".join((
    r"(?<!\w)(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]}']",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"(?<![\w@#])[@#]\w+",
    # a number with its separators (10:30, 1,000.50, 12/05/2024, 3.5%); not ordinals like 10th
    r"(?<![\w.,])\d+(?:[.,:/]\d+)*%?(?![\w%])",
)))


@dataclass(frozen=True)
class Slot:
    token: str  # the placeholder the backend sees
    original: str  # what the source said
    replacement: str  # what the translation must say in its place
    term: Term | None = None  # the glossary term, when it is one


@dataclass(frozen=True)
class Protected:
    text: str
    slots: tuple[Slot, ...] = ()


def _placeholder_prefix(text: str) -> str:
    prefix, lowered = "zxq", text.casefold()
    while prefix in lowered:  # never mistake the source's own words for a placeholder
        prefix += "q"
    return prefix


def _replacement(original: str, term: Term | None) -> str:
    if term is None or term.target is None:
        return original
    # a term that opens a sentence ("Train station...") opens it in the translation too
    if original[:1].isupper() and term.source[:1].islower():
        return term.target[:1].upper() + term.target[1:]
    return term.target


def protect(text: str, glossary: Glossary | None = None) -> Protected:
    spans = [(start, end, term) for start, end, term in (glossary.find(text) if glossary else [])]
    taken = [(start, end) for start, end, _ in spans]
    for m in _AUTOMATIC.finditer(text):
        if not any(m.start() < end and start < m.end() for start, end in taken):
            spans.append((m.start(), m.end(), None))
    if not spans:
        return Protected(text)
    prefix = _placeholder_prefix(text)
    pieces, slots, cursor = [], [], 0
    for index, (start, end, term) in enumerate(sorted(spans, key=lambda span: span[0])):
        token = f"{prefix}{index}"
        original = text[start:end]
        slots.append(Slot(token, original, _replacement(original, term), term))
        pieces += [text[cursor:start], token]
        cursor = end
    pieces.append(text[cursor:])
    return Protected("".join(pieces), tuple(slots))


def restore(text: str, protected: Protected) -> tuple[str, tuple[Flag, ...]]:
    """The translation with every placeholder replaced, and a flag for each non-glossary span the
    backend lost (a lost glossary term is Glossary.check's to report)."""
    flags = []
    for slot in protected.slots:
        text, count = re.subn(rf"(?<!\w){re.escape(slot.token)}(?!\w)", lambda _, s=slot: s.replacement,
                              text, flags=re.IGNORECASE)
        if count == 0 and slot.term is None:
            flags.append(Flag("protected", f"'{slot.original}' was lost in translation: put it back by "
                                           f"hand."))
    return text, tuple(flags)
