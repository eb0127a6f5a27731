"""Cut words into dub lines: at sentence ends, pauses of 300 ms or more, and changes of speaker, with
lines kept under about 7 s and 20 words; then put each line's edges where its speech starts and ends.
"""

import re
from dataclasses import dataclass, field

from dubstudio.speech.envelope import Envelope
from dubstudio.speech.types import PROJECT_RATE, Word

PAUSE = int(0.3 * PROJECT_RATE)
MAX_LENGTH = 7 * PROJECT_RATE
MAX_WORDS = 20
SEARCH = int(0.3 * PROJECT_RATE)  # how far an edge may move when refined
DIP_FRAMES = 6                    # gaps inside speech (stops, breaths) shorter than 60 ms are bridged

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'»”)\]]*$")
_CLAUSE_END = re.compile(r"[,;:—–][\"'»”)\]]*$")


@dataclass
class PlannedLine:
    start: int
    end: int
    speaker: str
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words).strip()


def _breaks_before(previous: Word, word: Word, pause: int) -> bool:
    return (previous.speaker != word.speaker or word.start - previous.end >= pause
            or bool(_SENTENCE_END.search(previous.text.strip())))


def _split_long(words: list[Word], max_length: int, max_words: int) -> list[list[Word]]:
    """Split an over-long group where a clause ends or the pause is longest, nearer the middle."""
    if len(words) <= max_words and words[-1].end - words[0].start <= max_length or len(words) < 2:
        return [words]
    middle = (words[0].start + words[-1].end) / 2
    half = max(1, words[-1].end - words[0].start) / 2

    def score(i: int) -> float:
        gap = (words[i].start - words[i - 1].end) / PROJECT_RATE
        clause = 0.25 if _CLAUSE_END.search(words[i - 1].text.strip()) else 0.0
        centred = 1 - abs(words[i].start - middle) / half
        return gap + clause + 0.3 * centred

    cut = max(range(1, len(words)), key=score)
    return _split_long(words[:cut], max_length, max_words) + _split_long(words[cut:], max_length, max_words)


def cut_lines(words: list[Word], pause: int = PAUSE, max_length: int = MAX_LENGTH,
              max_words: int = MAX_WORDS) -> list[PlannedLine]:
    """Words (with speakers) in time order -> dub lines keeping their words and word timings."""
    groups: list[list[Word]] = []
    for word in words:
        if groups and not _breaks_before(groups[-1][-1], word, pause):
            groups[-1].append(word)
        else:
            groups.append([word])
    lines = []
    for group in groups:
        for part in _split_long(group, max_length, max_words):
            lines.append(PlannedLine(part[0].start, part[-1].end, part[0].speaker or "S1", part))
    return lines


def _walk(envelope: Envelope, frame: int, step: int, threshold: float, limit: int) -> int:
    """From frame, move by step while speech continues (bridging short dips); the last speech frame."""
    last = frame
    position = frame
    while abs(position - frame) < limit:
        ahead = [position + step * k for k in range(1, DIP_FRAMES + 1)]
        ahead = [f for f in ahead if 0 <= f < len(envelope.db) and abs(f - frame) <= limit]
        loud = [f for f in ahead if envelope.db[f] > threshold]
        if not loud:
            break
        position = last = loud[0]
    return last


def _edge(envelope: Envelope, sample: int, threshold: float, outward: int, bound: tuple[int, int]) -> int:
    """Move a line edge to where speech begins (outward=-1) or ends (outward=+1) near sample."""
    limit = int(SEARCH / envelope.per_frame)
    frame = envelope.frame(sample)
    low, high = envelope.frame(bound[0]), envelope.frame(bound[1])
    if envelope.db[frame] <= threshold:
        # the recogniser's edge is in silence: come inward to the first loud frame
        inward = -outward
        for k in range(1, limit):
            f = frame + inward * k
            if not low <= f <= high or f >= len(envelope.db) or f < 0:
                return sample
            if envelope.db[f] > threshold:
                frame = f
                break
        else:
            return sample
    frame = _walk(envelope, frame, outward, threshold, limit)
    frame = min(max(frame, low), high)
    return envelope.sample(frame + (1 if outward > 0 else 0))


def refine_edges(lines: list[PlannedLine], envelope: Envelope) -> list[PlannedLine]:
    """Snap each line's start and end to the speech onset and offset within 300 ms, never across a
    neighbouring line. A line's threshold sits between the noise floor and its own speech level."""
    for index, line in enumerate(lines):
        level = envelope.level(line.start, line.end)
        threshold = max(envelope.floor + 0.35 * (level - envelope.floor), level - 30.0)
        before = lines[index - 1].end if index else 0
        after = lines[index + 1].start if index + 1 < len(lines) else line.end + SEARCH
        start = _edge(envelope, line.start, threshold, -1, (max(before, line.start - SEARCH), line.end))
        end = _edge(envelope, line.end, threshold, +1, (start, min(after, line.end + SEARCH)))
        if start < end:
            line.start, line.end = start, end
    return lines
