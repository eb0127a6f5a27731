"""Fit a synthesized line to its slot: a faster or slower delivery, a time-stretch, borrowed silence
from the gap after the line, a shorter translation, or left over and flagged.

The limits (0.85-1.20 by default) bound the overall change of pace against the natural take, however
it is made: the synthesizer's own speed control first (it re-times phonemes, which sounds natural),
then rubberband R3 for the rest and for sample-exact length. Auto prefers small changes: up to a
comfortable 1.10x, then silence borrowed from the gap (never closer than 100 ms to the next line),
then up to the 1.20x limit, then the shortest candidate that fits, else it leaves the line over and
flags it. Only when the gap after is used up may a line start early, by at most 300 ms of the
silence before it (the take's offset): later than that, the voice visibly leads the lips.
Runs in the engine, with the synthesizer passed in.
"""

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Callable

import numpy as np

from dubstudio.dsp.rubberband import stretch_to

RATE = 48_000
COMFORT_TEMPO = 1.10
GUARD = RATE // 10  # keep 100 ms of silence before the next line (and after the previous one)
MAX_LEAD = RATE * 3 // 10  # a line may start at most 300 ms early
EXACT_TOLERANCE = RATE // 100  # a synthesized length within 10 ms of the target is left alone


class Strategy(str, Enum):
    AUTO = "auto"
    SPEED = "speed"      # the synthesizer's speed only
    STRETCH = "stretch"  # rubberband only
    BORROW = "borrow"    # natural pace, into the gap after the line
    SHORTER = "shorter"  # the shortest candidate that fits
    LEAVE = "leave"      # natural take, over if it is over


@dataclass(frozen=True)
class Limits:
    slowest: float = 0.85
    fastest: float = 1.20


@dataclass
class Fit:
    """The fit figures stored with a take (samples at 48 kHz)."""

    strategy: str
    natural: int            # length of the take at natural pace
    slot: int               # the line's length
    length: int = 0         # the final take's length
    speed: float = 1.0      # synthesizer speed used
    stretch: float = 1.0    # rubberband time ratio applied (output/input length)
    tempo: float = 1.0      # overall pace change: natural / length
    borrowed: int = 0       # samples of the gap after the line used
    over: int = 0           # samples past the slot and the usable gaps
    offset: int = 0         # where the take starts, relative to the line's start (negative: early)
    candidate: int | None = None  # index of the translation candidate used, if not the line's own
    notes: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return self.over == 0

    def as_dict(self) -> dict:
        return asdict(self) | {"fits": self.fits}


Synthesize = Callable[[str, float], np.ndarray]  # (text, speed) -> mono float32 at 48 kHz


def _to_length(synthesize: Synthesize, text: str, natural: np.ndarray, target: int, resynthesize: bool,
               fit: Fit) -> np.ndarray:
    """The take at exactly `target` samples: re-synthesized at the speed that should give it (when
    asked), then stretched by rubberband for what is left."""
    audio = natural
    if resynthesize and abs(len(natural) - target) > EXACT_TOLERANCE:
        fit.speed = round(len(natural) / target, 4)
        audio = synthesize(text, fit.speed)
    if len(audio) != target:
        fit.stretch = round(target / len(audio), 4)
        audio = stretch_to(audio, RATE, target)
    return audio


def fit_line(synthesize: Synthesize, text: str, slot: int, gap: int, strategy: Strategy = Strategy.AUTO,
             limits: Limits = Limits(), can_speed: bool = True,
             candidates: list[str] | None = None, lead: int = 0) -> tuple[np.ndarray, Fit]:
    """Synthesize text for a slot of `slot` samples with `lead` samples of silence before it and
    `gap` after it."""
    strategy = Strategy(strategy)
    natural = synthesize(text, 1.0)
    fit = Fit(strategy.value, len(natural), slot)
    room = slot + max(0, gap - GUARD)
    early = min(MAX_LEAD, max(0, lead - GUARD)) if strategy is Strategy.AUTO else 0

    def finish(result: np.ndarray) -> tuple[np.ndarray, Fit]:
        fit.length = len(result)
        fit.tempo = round(fit.natural / max(1, fit.length), 4)
        fit.borrowed = min(room - slot, max(0, fit.length - slot))
        fit.offset = -min(early, max(0, fit.length - room))
        fit.over = max(0, fit.length - room - early)
        if fit.over:
            fit.notes.append(f"over by {fit.over * 1000 // RATE} ms")
        return result, fit

    def at_pace(source: np.ndarray, words: str, tempo: float) -> np.ndarray:
        return _to_length(synthesize, words, source, round(len(source) / tempo), can_speed, fit)

    def auto_tempo(length: int) -> float | None:
        """Within a comfortable 1.10x the slot is met; beyond it the gap is borrowed, and the pace
        rises only as far as needed to end before the guard; None if even 1.20x is not enough."""
        if length <= slot:
            return 1.0
        tempo = max(min(length / slot, COMFORT_TEMPO), length / room)
        if tempo <= limits.fastest:
            return tempo
        tempo = max(COMFORT_TEMPO, length / (room + early))  # start early, as little as needed
        return tempo if tempo <= limits.fastest else None

    if strategy in (Strategy.LEAVE, Strategy.BORROW):
        return finish(natural)
    if strategy in (Strategy.SPEED, Strategy.STRETCH):
        # an explicit pace change fills the slot either way, within the limits; a voice without a
        # speed control gets the stretch alone
        tempo = min(max(len(natural) / slot, limits.slowest), limits.fastest)
        target = round(len(natural) / tempo)
        return finish(_to_length(synthesize, text, natural, target, strategy is Strategy.SPEED and can_speed, fit))
    if strategy is Strategy.AUTO and (tempo := auto_tempo(len(natural))) is not None:
        return finish(natural if tempo == 1.0 else at_pace(natural, text, tempo))
    if strategy in (Strategy.AUTO, Strategy.SHORTER):
        for index, candidate in sorted(enumerate(candidates or []), key=lambda item: len(item[1])):
            if candidate.strip() == text.strip():
                continue
            trial = synthesize(candidate, 1.0)
            if (tempo := auto_tempo(len(trial))) is None:
                continue
            fit.candidate, fit.natural = index, len(trial)
            fit.notes.append("shorter candidate")
            return finish(trial if tempo == 1.0 else at_pace(trial, candidate, tempo))
    if strategy is Strategy.AUTO:  # as fast as allowed, into the gaps, and flagged for a person
        return finish(at_pace(natural, text, limits.fastest))
    return finish(natural)
