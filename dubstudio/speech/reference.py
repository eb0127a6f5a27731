"""Reference audio per speaker: the cleanest 10-30 s of their speech, for voice cloning and for
measuring how close a dub voice is to the original.

Clean means long (a long stretch carries the voice's prosody and embeds reliably), not overlapped
by anyone else, and well above the noise floor.
"""

from dataclasses import dataclass

from dubstudio.speech.envelope import Envelope
from dubstudio.speech.types import PROJECT_RATE

MIN_TOTAL = 10 * PROJECT_RATE
MAX_TOTAL = 30 * PROJECT_RATE
MIN_PIECE = PROJECT_RATE // 2
LOUD_ENOUGH_DB = 15.0  # above the noise floor


@dataclass
class Reference:
    speaker: str
    pieces: list[tuple[int, int]]

    @property
    def total(self) -> int:
        return sum(end - start for start, end in self.pieces)

    @property
    def short(self) -> bool:
        """Less than 10 s of clean speech was found: cloning will be weaker."""
        return self.total < MIN_TOTAL


def choose_reference(speaker: str, spans: list[tuple[int, int, str]], envelope: Envelope) -> Reference:
    """spans: (start, end, speaker) of every line. Returns the chosen pieces in time order."""
    others = [(start, end) for start, end, who in spans if who != speaker]
    candidates = []
    for start, end, who in spans:
        if who != speaker or end - start < MIN_PIECE:
            continue
        if any(min(end, b) > max(start, a) for a, b in others):
            continue
        margin = envelope.level(start, end) - envelope.floor
        candidates.append((margin >= LOUD_ENOUGH_DB, end - start, margin, start, end))
    candidates.sort(reverse=True)
    pieces, total = [], 0
    for _, length, _, start, end in candidates:
        if total >= MIN_TOTAL:
            break
        if total + length > MAX_TOTAL:
            end = start + MAX_TOTAL - total
            if end - start < MIN_PIECE:
                continue
        pieces.append((start, end))
        total += end - start
    return Reference(speaker, sorted(pieces))
