"""Give every word exactly one speaker, and move words the recogniser timed into a pause back onto
the speech they belong to.

A word mostly covered by speaker turns takes the speaker covering most of it, so overlapping speech
never splits or duplicates a word. A word mostly outside every turn was mistimed (Whisper often
starts a sentence's first word in the silence before it): it belongs to its sentence, so it takes
the next word's speaker and moves to the start of that speech when it opens a sentence, and the
previous word's speaker and the end of that speech otherwise.
"""

import re
from dataclasses import replace

from dubstudio.speech.types import Turn, Word

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'»”)\]]*$")


def _coverage(word: Word, turns: list[Turn]) -> tuple[str | None, float]:
    """The speaker covering most of the word, and the fraction of the word all turns cover."""
    by_speaker: dict[str, int] = {}
    for turn in turns:
        shared = min(word.end, turn.end) - max(word.start, turn.start)
        if shared > 0:
            by_speaker[turn.speaker] = by_speaker.get(turn.speaker, 0) + shared
    if not by_speaker:
        return None, 0.0
    return max(by_speaker, key=by_speaker.get), sum(by_speaker.values()) / max(1, word.end - word.start)


def _turn_at(turns: list[Turn], sample: int) -> Turn | None:
    return next((turn for turn in turns if turn.start <= sample < turn.end), None)


def assign_speakers(words: list[Word], turns: list[Turn]) -> list[Word]:
    if not turns:
        return [replace(word, speaker=word.speaker or "S1") for word in words]
    found = [_coverage(word, turns) for word in words]
    anchored = [i for i, (speaker, share) in enumerate(found) if speaker is not None and share >= 0.5]
    out = list(words)
    for i, word in enumerate(words):
        speaker, share = found[i]
        if i in anchored or not anchored:
            out[i] = replace(word, speaker=speaker or turns[0].speaker)
            continue
        opens_sentence = i == 0 or bool(_SENTENCE_END.search(words[i - 1].text.strip()))
        later = [j for j in anchored if j > i]
        earlier = [j for j in anchored if j < i]
        if (opens_sentence and later) or not earlier:
            source = words[later[0]]
            turn = _turn_at(turns, source.start)
            start = max(word.start, turn.start) if turn else word.start
            start = min(start, source.start - 1)
            out[i] = replace(word, start=start, end=max(start + 1, min(word.end, source.start)),
                             speaker=found[later[0]][0])
        else:
            source = words[earlier[-1]]
            turn = _turn_at(turns, source.end - 1)
            end = min(word.end, turn.end) if turn else word.end
            end = max(end, source.end + 1)
            out[i] = replace(word, start=min(end - 1, max(word.start, source.end)), end=end,
                             speaker=found[earlier[-1]][0])
    return out
