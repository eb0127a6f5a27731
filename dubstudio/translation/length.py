"""How long a translation will take to say, and which candidate fits a line's slot.

The estimate is linear in what a text-to-speech voice spends time on: syllables and the pauses at
punctuation, with a voice's rates measured once by synthesising calibration sentences (calibrate.py,
stored in rates.py). Syllables are counted from spelling, so the estimate is pure and instant.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from dubstudio.translation.rates import RATES
from dubstudio.translation.types import Candidate

DIGIT_SYLLABLES = 1.5  # a digit read out ("veinticuatro") is one to three syllables

_WORD = re.compile(r"\d|[^\W\d_]+(?:['’][^\W\d_]+)*")  # "don't" is one word
# punctuation before more words: "10:30" and "3,5" are not pauses, nor the line's final stop
_PAUSE = re.compile(r"[,;:—–…]+(?=\s)|[.!?]+(?=\s+\S)|\s-(?=\s)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_VOWELS = {
    "es": "aeiouáéíóúü", "it": "aeiouàèéìíòóùú", "pt": "aeiouáàâãéêíóôõú", "ca": "aeiouàèéíïòóúü",
    "gl": "aeiouáéíóú", "ro": "aeiouăâî", "fr": "aeiouyàâæéèêëîïôœùûü", "en": "aeiouy",
}
_GENERIC_VOWELS = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýăąęőűœ"
# Vowels that open a syllable of their own next to another vowel (Spanish "dí-a", "a-é-re-o");
# the weak i and u glide into a neighbour ("ciu-dad", "cuen-to").
_STRONG = set("aeoáéíóúàèìòùâêôãõ")
_ONE_SOUND = {("ã", "o"), ("õ", "e"), ("ã", "e")}  # Portuguese nasal diphthongs


def _romance(word: str, vowels: str) -> int:
    word = re.sub(r"y$", "i", word)  # "hoy", "muy": y closes a diphthong only at the end of a word
    count = 0
    for run in re.findall(f"[{vowels}]+", word):
        count += 1 + sum(1 for a, b in pairwise(run) if a in _STRONG and b in _STRONG
                         and (a, b) not in _ONE_SOUND)
    return max(count, 1)


def _groups(word: str, vowels: str) -> int:
    return len(re.findall(f"[{vowels}]+", word))


def _word_syllables(word: str, language: str) -> float:
    if _CJK.search(word):
        return len(_CJK.findall(word))  # a character (or kana) is a syllable
    if language in ("es", "it", "pt", "ca", "gl", "ro"):
        return _romance(word, _VOWELS[language])
    if language == "fr":
        count = _groups(word, _VOWELS["fr"])
        return max(count - (1 if count > 1 and re.search(r"[^aeiouy]es?$", word) else 0), 1)
    if language == "en":
        count = _groups(word, _VOWELS["en"])
        silent_e = count > 1 and word.endswith("e") and not re.search(r"[^aeiouy]le$", word)
        return max(count - silent_e, 1)
    return max(_groups(word, _GENERIC_VOWELS), 1)


def syllables(text: str, language: str) -> float:
    return sum(DIGIT_SYLLABLES if word.isdigit() else _word_syllables(word, language)
               for word in _WORD.findall(text.lower()))


def pauses(text: str) -> int:
    """Breaks a voice pauses at inside the text (commas, dashes, sentence ends before more words)."""
    return len(_PAUSE.findall(text.strip()))


@dataclass(frozen=True)
class SpeechRate:
    """A voice's timing in one language, in project samples."""

    per_syllable: float
    per_pause: float
    fixed: float = 0.0

    def samples(self, text: str, language: str) -> int:
        if not text.strip():
            return 0
        return round(self.per_syllable * syllables(text, language) + self.per_pause * pauses(text)
                     + self.fixed)


def _mean(rates: list[SpeechRate]) -> SpeechRate:
    return SpeechRate(*(sum(values) / len(values) for values in
                        zip(*((r.per_syllable, r.per_pause, r.fixed) for r in rates))))


def speech_rate(backend: str, voice: str, language: str) -> SpeechRate:
    """The measured rate of this voice in this language; else the backend's voices' average in it;
    else the average of all voices measured in it; else of everything measured."""
    table = {key: SpeechRate(*values[:3]) for key, values in RATES.items()}
    if (backend, voice, language) in table:
        return table[backend, voice, language]
    for match in (lambda b, v, lang: b == backend and lang == language, lambda b, v, lang: lang == language,
                  lambda b, v, lang: True):
        found = [rate for key, rate in table.items() if match(*key)]
        if found:
            return _mean(found)
    raise LookupError("no speech rates measured: run python -m dubstudio.translation.calibrate")


@dataclass(frozen=True)
class FitWindow:
    """Dub length over slot length that needs no fitting: a little short is silence, a little long
    is a slightly faster delivery. Outside it, running over counts double: it costs speed-ups or
    borrowed gaps, while a short line only leaves silence."""

    shortest: float = 0.8
    longest: float = 1.05
    overrun_weight: float = 2.0

    def cost(self, estimated: int, slot: int) -> float:
        ratio = estimated / max(slot, 1)
        if ratio > self.longest:
            return (ratio - self.longest) * self.overrun_weight
        return max(self.shortest - ratio, 0.0)


def with_estimates(candidates: Sequence[Candidate], language: str, rate: SpeechRate) -> list[Candidate]:
    return [replace(c, estimated_samples=rate.samples(c.text, language)) for c in candidates]


def choose(candidates: Sequence[Candidate], slot: int, window: FitWindow = FitWindow()) -> int:
    """The index of the candidate to use: one that honours the glossary before one that does not;
    then the first (in the backend's order of quality) that fits the slot, or failing that the one
    that misses it by least. Candidates need estimated_samples (with_estimates)."""
    if not candidates:
        raise ValueError("no candidates to choose from")
    return min(range(len(candidates)), key=lambda i: (
        bool(candidates[i].flags), window.cost(candidates[i].estimated_samples, slot), i))
