"""Subtitle files per language (SRT, WebVTT, ASS) with pysubs2, laid out as subtitlers expect:
at most two rows of about 42 characters, each cue on screen for at least a second where the next
line leaves room."""

from dataclasses import dataclass
from pathlib import Path

from dubstudio.timing import SAMPLE_RATE as RATE
MAX_ROW = 42
MIN_ON_SCREEN = RATE  # 1 s
FORMATS = ("srt", "vtt", "ass")


@dataclass(frozen=True)
class Cue:
    start: int  # project samples
    end: int
    text: str
    speaker: str = ""


def wrap(text: str, width: int = MAX_ROW) -> str:
    """Two rows when the text is longer than one: broken near the middle, preferably after
    punctuation, and never leaving a short word (an article, a preposition) at the end of a row."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text

    def cost(i: int) -> float:
        before = text[:i].rsplit(" ", 1)[-1]
        penalty = 8.0 if len(before) <= 3 and before[-1:].isalpha() else 0.0
        bonus = 6.0 if text[i - 1] in ",;:.!?" else 0.0
        too_long = 100.0 if max(i, len(text) - i - 1) > width else 0.0
        return abs(i - len(text) / 2) + penalty - bonus + too_long

    cut = min(spaces, key=cost)
    return text[:cut] + "\n" + text[cut + 1:]


def timed(cues: list[Cue]) -> list[Cue]:
    """Cues in order, each lengthened to a second if that does not reach the next one."""
    cues = sorted((cue for cue in cues if cue.text.strip()), key=lambda cue: cue.start)
    out = []
    for index, cue in enumerate(cues):
        limit = cues[index + 1].start if index + 1 < len(cues) else cue.start + MIN_ON_SCREEN
        end = max(cue.end, min(cue.start + MIN_ON_SCREEN, limit))
        out.append(Cue(cue.start, end, cue.text, cue.speaker))
    return out


def write_subtitles(cues: list[Cue], base: Path, language: str, formats=FORMATS) -> list[Path]:
    """Write base.<language>.srt/.vtt/.ass; returns the paths written."""
    import pysubs2

    subs = pysubs2.SSAFile()
    subs.info["Title"] = f"{base.name} ({language})"
    for cue in timed(cues):
        text = wrap(cue.text).replace("\n", r"\N")
        subs.append(pysubs2.SSAEvent(start=cue.start * 1000 // RATE, end=cue.end * 1000 // RATE, text=text,
                                     name=cue.speaker))
    written = []
    for extension in formats:
        path = base.with_name(f"{base.name}.{language}.{extension}")
        subs.save(str(path), format_=extension)
        written.append(path)
    return written
