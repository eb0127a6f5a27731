"""What reading a project returns: immutable snapshots. Changing the project goes through operations."""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Settings:
    title: str
    source_language: str
    target_languages: tuple[str, ...]
    sample_rate: int
    frame_rate: Fraction


@dataclass(frozen=True, slots=True)
class SourceMedia:
    path: Path
    relative_path: str | None
    size: int
    content_hash: str
    probe: dict


class Word(NamedTuple):
    """A source word with its time on the source timeline, in samples (end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    id: int
    number: int  # 1-based position in the script, as the user sees it; changes on split and merge
    start: int   # samples, inclusive
    end: int     # samples, exclusive
    speaker_id: int | None
    source_text: str
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Translation:
    line_id: int
    language: str
    text: str
    status: str  # machine, edited (by a person) or approved
    candidates: tuple[str, ...]
    fit_strategy: str
    chosen_take_id: int | None


@dataclass(frozen=True, slots=True)
class Take:
    id: int
    line_id: int
    language: str
    audio_hash: str
    text: str  # the words it says: the translation when it was synthesized
    backend: str
    voice_id: int | None
    params: dict
    fit: dict
    qa: dict
    created_at: str


@dataclass(frozen=True, slots=True)
class Lipsync:
    """The latest lip-sync of a line in one language: frames first_frame..end_frame - 1 re-rendered to
    follow take take_id placed at dub_start; the frames are in the user cache under segment_key."""

    line_id: int
    language: str
    take_id: int
    dub_start: int   # project sample where the take started
    method: str      # embedded, wav2lip, wav2lip-gan
    params: dict     # the method's settings (model folders)
    first_frame: int
    end_frame: int   # exclusive
    segment_key: str
    scores: dict     # score_before, score_after, lse (if measured), changed, skipped {reason: [frames]}
    created_at: str
    stale: bool      # the line's chosen take changed, or the line moved, since: the mouth follows old audio


@dataclass(frozen=True, slots=True)
class Speaker:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SpeakerReference:
    id: int
    speaker_id: int
    audio_hash: str
    source_start: int | None
    source_end: int | None


@dataclass(frozen=True, slots=True)
class Voice:
    id: int
    name: str
    backend: str
    kind: str  # stock or clone
    backend_voice: str
    speaker_id: int | None  # the speaker a clone was made from
    params: dict
    has_consent: bool


@dataclass(frozen=True, slots=True)
class Consent:
    id: int
    voice_id: int
    person: str
    scope: str
    evidence: str
    recorded_by: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    id: int
    language: str
    source_term: str
    target_term: str
    note: str


@dataclass(frozen=True, slots=True)
class UndoStatus:
    """Names for the Edit menu: "Undo <undo>", "Redo <redo>"; None greys the item out."""

    undo: str | None
    redo: str | None


class NewLine(NamedTuple):
    """A line as transcription produces it, for Project.add_lines."""

    start: int
    end: int
    source_text: str
    speaker_id: int | None = None
    words: tuple[Word, ...] = ()
