"""Fit a synthesized line to its slot: a faster or slower delivery, a time-stretch, borrowed silence
from the gap after the line, a shorter translation, or left over and flagged.

The limits (0.85-1.20 by default) bound the overall change of pace against the natural take, however
it is made: up to 8% by rubberband R3 alone (transparent on speech), beyond that by the
synthesizer's own speed control (it re-times phonemes, which sounds natural), with rubberband for
the residual and the sample-exact length. Given an estimate of the natural length, the line is
rendered once, at about the right speed. Auto prefers small changes: up to a
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
from dubstudio.errors import DubStudioError

from dubstudio.timing import SAMPLE_RATE as RATE
COMFORT_TEMPO = 1.10
GUARD = RATE // 10  # keep 100 ms of silence before the next line (and after the previous one)
MAX_LEAD = RATE * 3 // 10  # a line may start at most 300 ms early
SMALL_STRETCH = 0.08  # rubberband R3 within 8% is transparent on speech; beyond it, re-synthesize


class Strategy(str, Enum):
    AUTO = "auto"
    SPEED = "speed"      # the synthesizer's speed only
    STRETCH = "stretch"  # rubberband only
    BORROW = "borrow"    # natural pace, into the gap after the line
    SHORTER = "shorter"  # the shortest candidate that fits
    LEAVE = "leave"      # natural take, over if it is over

    @classmethod
    def named(cls, name: str | None) -> "Strategy":
        """The fitter's strategy for a line's fit strategy, by the project's name for it or the fitter's."""
        name = name or "auto"
        try:
            return cls(PROJECT_STRATEGIES.get(name, name))
        except ValueError:
            raise DubStudioError(f"the '{name}' fit strategy cannot be synthesized: choose one of "
                                 f"{', '.join(PROJECT_STRATEGIES)} for the line.") from None


# A line's fit strategy as the project stores it (dubstudio.project.FIT_STRATEGIES) -> the fitter's.
# The project also knows "retime_shot" (retime the picture), which no synthesis can do.
PROJECT_STRATEGIES = {"auto": "auto", "none": "leave", "rate": "speed", "stretch": "stretch", "borrow": "borrow",
                      "rewrite": "shorter"}


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


def _to_length(synthesize: Synthesize, text: str, source: np.ndarray, source_speed: float, target: int,
               resynthesize: bool, fit: Fit, made_at: int | None) -> np.ndarray:
    """The take at exactly `target` samples, from a render made at `source_speed`: stretched by
    rubberband when that is a small change (transparent with R3), else re-synthesized at the speed
    that should give the target and then stretched by what is left."""
    audio, fit.speed = source, source_speed
    if resynthesize and abs(target / len(source) - 1) > SMALL_STRETCH:
        fit.speed = round(len(source) * source_speed / target, 4)
        audio = synthesize(text, fit.speed)
    if len(audio) != target:
        fit.stretch = round(target / len(audio), 4)
        audio = stretch_to(audio, RATE, target, made_at)
    return audio


def fit_line(synthesize: Synthesize, text: str, slot: int, gap: int, strategy: Strategy = Strategy.AUTO,
             limits: Limits = Limits(), can_speed: bool = True, candidates: list[str] | None = None,
             lead: int = 0, estimate: int | None = None, made_at: int | None = None) -> tuple[np.ndarray, Fit]:
    """Synthesize text for a slot of `slot` samples with `lead` samples of silence before it and
    `gap` after it. `estimate` (the expected natural length, from the voice's calibrated rate) lets
    auto render once at about the right speed instead of twice. `made_at`: the synthesizer's own
    rate, where rubberband runs (see stretch_to)."""
    strategy = Strategy(strategy)
    room = slot + max(0, gap - GUARD)
    early = min(MAX_LEAD, max(0, lead - GUARD)) if strategy is Strategy.AUTO else 0

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

    first_speed = 1.0
    if strategy is Strategy.AUTO and can_speed and estimate:
        first_speed = auto_tempo(estimate) or limits.fastest
    first = synthesize(text, first_speed)
    natural = round(len(first) * first_speed)  # its length at the voice's natural pace
    fit = Fit(strategy.value, natural, slot)

    def finish(result: np.ndarray) -> tuple[np.ndarray, Fit]:
        fit.length = len(result)
        fit.tempo = round(fit.natural / max(1, fit.length), 4)
        fit.borrowed = min(room - slot, max(0, fit.length - slot))
        fit.offset = -min(early, max(0, fit.length - room))
        fit.over = max(0, fit.length - room - early)
        if fit.over:
            fit.notes.append(f"over by {fit.over * 1000 // RATE} ms")
        return result, fit

    def at_pace(source: np.ndarray, speed: float, words: str, natural_length: int, tempo: float) -> np.ndarray:
        return _to_length(synthesize, words, source, speed, round(natural_length / tempo), can_speed, fit, made_at)

    if strategy in (Strategy.LEAVE, Strategy.BORROW):
        return finish(first)
    if strategy in (Strategy.SPEED, Strategy.STRETCH):
        # an explicit pace change fills the slot either way, within the limits; a voice without a
        # speed control gets the stretch alone
        tempo = min(max(natural / slot, limits.slowest), limits.fastest)
        if strategy is Strategy.STRETCH or not can_speed:
            fit.speed = 1.0
            target = round(natural / tempo)
            fit.stretch = round(target / len(first), 4)
            return finish(stretch_to(first, RATE, target, made_at))
        fit.speed = round(tempo, 4)
        return finish(_to_length(synthesize, text, synthesize(text, fit.speed), fit.speed,
                                 round(natural / tempo), False, fit, made_at))
    if strategy is Strategy.AUTO and (tempo := auto_tempo(natural)) is not None:
        return finish(at_pace(first, first_speed, text, natural, tempo))
    if strategy in (Strategy.AUTO, Strategy.SHORTER):
        for index, candidate in sorted(enumerate(candidates or []), key=lambda item: len(item[1])):
            if candidate.strip() == text.strip():
                continue
            trial = synthesize(candidate, 1.0)
            if (tempo := auto_tempo(len(trial))) is None:
                continue
            fit.candidate, fit.natural = index, len(trial)
            fit.notes.append("shorter candidate")
            return finish(at_pace(trial, 1.0, candidate, len(trial), tempo))
    if strategy is Strategy.AUTO:  # as fast as allowed, into the gaps, and flagged for a person
        return finish(at_pace(first, first_speed, text, natural, limits.fastest))
    return finish(first)
