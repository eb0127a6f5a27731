"""What transcription and diarization hand to the core. Times: integer samples at 48 kHz."""

from dataclasses import dataclass, field

from dubstudio.timing import SAMPLE_RATE as PROJECT_RATE
from dubstudio.timing import SPEECH_RATE  # noqa: F401  (part of the speech vocabulary engine adapters import)


def to_samples(seconds: float) -> int:
    """A model's float seconds at the edge of the engine, as project samples from then on."""
    return int(round(seconds * PROJECT_RATE))


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str  # as the recogniser wrote it, with its leading space and punctuation
    probability: float = 1.0
    speaker: str | None = None


@dataclass(frozen=True)
class Turn:
    """A stretch of speech by one speaker."""

    start: int
    end: int
    speaker: str


@dataclass
class Transcript:
    language: str
    language_probability: float
    words: list[Word] = field(default_factory=list)
    duration: int = 0  # samples of audio transcribed
