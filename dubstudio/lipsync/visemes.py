"""Mouth shapes over time for the embedded lip-sync: from the synthesizer's phonemes and timings
(visemes) when it gives them, else from the speech envelope alone, smoothed with an attack and a
release as real lips move.

A shape is the inner-lip gap at the middle of the mouth in eye distances (`opening`), and the mouth's
width relative to the source face's (`width`: below 1 rounded, above 1 spread).
"""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class MouthShape:
    opening: float
    width: float = 1.0


REST = MouthShape(0.0, 1.0)
OPEN_MAX = 0.26  # loud speech, when only the envelope is known

# viseme classes of espeak-ng IPA phonemes
VISEMES = {
    "open": MouthShape(0.30, 1.03),         # a ɑ æ ɐ ʌ
    "mid": MouthShape(0.20, 1.06),          # e ɛ ə ɜ
    "spread": MouthShape(0.11, 1.12),       # i ɪ
    "rounded": MouthShape(0.19, 0.82),      # o ɔ ɒ ø œ
    "close-rounded": MouthShape(0.10, 0.74),  # u ʊ y w
    "bilabial": MouthShape(0.0, 0.98),      # p b m: lips together
    "labiodental": MouthShape(0.03, 1.0),   # f v: lower lip under the upper teeth
    "dental": MouthShape(0.07, 1.03),       # t d n l s z θ ð r
    "postalveolar": MouthShape(0.08, 0.86),  # ʃ ʒ tʃ dʒ: lips pushed out
    "back": MouthShape(0.11, 1.0),          # k g ŋ x h j ɲ ʎ
}
_CLASSES = {
    "open": "aɑæɐʌɶ", "mid": "eɛəɜɚɝɘ", "spread": "iɪɨ", "rounded": "oɔɒøœɵ", "close-rounded": "uʊyʏɯwʍɥ",
    "bilabial": "pbmɸβ", "labiodental": "fvɱʋ", "dental": "tdnlszθðrɾɹɬɫ", "postalveolar": "ʃʒɕʑ",
    "back": "kgŋxɣhɦjɲʎçʝqɢʁχcɟʔ",
}
_CLASS_OF = {char: name for name, chars in _CLASSES.items() for char in chars}
_MARKS = "ˈˌːˑ̃ʰʲʷ̩̯-_ "


def viseme(phoneme: str) -> MouthShape:
    """The mouth shape of one espeak-ng IPA phoneme ("a", "tʃ", "eː", "ˈo"); unknown or empty: REST.
    A vowel's first sound sets the shape of a diphthong; an affricate takes its hushing part."""
    sounds = [c for c in phoneme if c not in _MARKS]
    if not sounds:
        return REST
    if any(_CLASS_OF.get(c) == "postalveolar" for c in sounds):
        return VISEMES["postalveolar"]
    return VISEMES.get(_CLASS_OF.get(sounds[0], ""), REST)


def _phoneme_targets(phonemes, frames: int, fps: Fraction, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, the shapes of the phonemes sounding in it, weighted by how long each sounds; a
    closure (p, b, m) that fills a third of a frame wins, so it is never averaged away."""
    opening, width = np.zeros(frames), np.ones(frames)
    closed = np.zeros(frames)
    per_frame = Fraction(rate) / Fraction(fps)
    for start, end, phoneme in phonemes:
        shape = viseme(phoneme)
        first = max(0, int(start / per_frame))
        last = min(frames - 1, int((end - 1) / per_frame))
        for frame in range(first, last + 1):
            lo, hi = max(start, frame * per_frame), min(end, (frame + 1) * per_frame)
            share = float((hi - lo) / per_frame)
            if share <= 0:
                continue
            opening[frame] += shape.opening * share
            width[frame] += (shape.width - 1.0) * share
            if shape is VISEMES["bilabial"]:
                closed[frame] += share
    opening = np.where(closed >= 1 / 3, 0.0, opening)
    # the part of a frame with no phoneme is silence: lips at rest
    return opening, width


def mouth_targets(frames: int, fps: Fraction, envelope: np.ndarray,
                  phonemes: list[tuple[int, int, str]] | None = None, rate: int = 48_000
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(opening, width) per frame before smoothing. With phonemes, each frame's visemes, opened further
    by loud speech and less by quiet; without, an opening that follows the envelope."""
    envelope = np.asarray(envelope, np.float64)[:frames]
    voiced = np.clip((envelope - 0.3) / 0.7, 0.0, 1.0)  # the bottom of the envelope is breath and noise
    if phonemes:
        opening, width = _phoneme_targets(phonemes, frames, fps, rate)
        return opening * (0.55 + 0.45 * voiced), width
    return OPEN_MAX * voiced ** 1.3, np.ones(frames)


def attack_release(values: np.ndarray, fps: Fraction, attack_s: float = 0.03, release_s: float = 0.04) -> np.ndarray:
    """A one-pole follower: rises with time constant attack_s, falls with release_s (lips open fast
    and settle a little slower)."""
    rise = 1.0 - math.exp(-1.0 / (float(fps) * attack_s))
    fall = 1.0 - math.exp(-1.0 / (float(fps) * release_s))
    out = np.empty(len(values))
    level = float(values[0]) if len(values) else 0.0
    for k, value in enumerate(values):
        level += (rise if value > level else fall) * (value - level)
        out[k] = level
    return out


def mouth_track(frames: int, fps: Fraction, envelope: np.ndarray,
                phonemes: list[tuple[int, int, str]] | None = None, rate: int = 48_000) -> list[MouthShape]:
    """The smoothed mouth shape of each frame."""
    opening, width = mouth_targets(frames, fps, envelope, phonemes, rate)
    opening, width = attack_release(opening, fps), attack_release(width, fps, 0.05, 0.05)
    return [MouthShape(float(o), float(w)) for o, w in zip(opening, width)]
