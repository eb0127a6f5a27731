"""A project's glossary for one target language: terms that must be translated a given way, and
terms that must never be translated (names, brands). Every backend honours it through placeholders
(protect.py); check() verifies any translation afterwards, a person's edits included."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from dubstudio.translation.types import Flag


@dataclass(frozen=True)
class Term:
    source: str
    target: str | None = None  # None: keep the source words as they are

    @property
    def required(self) -> str:
        return self.source if self.target is None else self.target


def phrase_pattern(phrases: list[str]) -> re.Pattern:
    """Whole words, any case, any run of whitespace between the words; longest phrase first."""
    alternatives = sorted({" ".join(p.split()) for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    @classmethod
    def of(cls, mapping: Mapping[str, str | None]) -> "Glossary":
        """From {source term: required translation, or None for do-not-translate}."""
        return cls(tuple(Term(source, target) for source, target in mapping.items()))

    @cached_property
    def _by_key(self) -> dict[str, Term]:
        return {_key(term.source): term for term in self.terms if term.source.strip()}

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        return phrase_pattern(list(self._by_key)) if self._by_key else None

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """Non-overlapping occurrences of terms in text: (start, end, term), longest term first."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self._by_key[_key(m.group())]) for m in self._pattern.finditer(text)]

    def check(self, source: str, translation: str) -> tuple[Flag, ...]:
        """A QA flag for each term in source whose required wording is missing from translation."""
        flags, seen = [], set()
        for _, _, term in self.find(source):
            if term in seen:
                continue
            seen.add(term)
            if not phrase_pattern([term.required]).search(translation):
                why = ("must stay untranslated" if term.target is None
                       else f"is the glossary's translation of '{term.source}'")
                flags.append(Flag("glossary", f"'{term.required}' is missing: it {why}."))
        return tuple(flags)
