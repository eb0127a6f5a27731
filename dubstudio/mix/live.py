"""The dub mix of one language as the editor plays it: the M&E bed ducked under the chosen takes (or the
original dialogue), read a block at a time at any position, following edits.

The master (dubstudio.pipeline.render) mixes a whole film at once. Playback wants 15 ms at a time,
anywhere, and must follow edits, so the takes are indexed by time and only those overlapping a block
are summed, with the master's placement, edge fades and ducking (dubstudio.mix.mixer); a take's audio
is loaded when first heard and kept in a bounded cache; an edit reloads only the lines it changed.
Loudness normalisation measures the whole film, so it is left to the render: playback is at mix level.

Not thread-safe: use a LiveMix from one thread (the player's).
"""

from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from dubstudio.mix.mixer import ATTACK, RELEASE, Placed, dialogue_bus, duck_gain, take_audio, take_start
from dubstudio.mix.stems import cached_stems
from dubstudio.project import OpChanges
from dubstudio.timing import SAMPLE_RATE as RATE

ORIGINAL = "original"      # the language that plays the source's own dialogue
DIALOGUE, EFFECTS = "dialogue", "effects"
CHUNK = RATE               # stems are read and ducking computed per second of timeline...
DUCK_BEFORE = 8 * RELEASE  # ...from 2.8 s before it (the release has decayed to e^-8 by then)...
DUCK_AFTER = ATTACK + RATE // 50  # ...to the look-ahead after it
CACHED_CHUNKS = 16
CACHE_BYTES = 256 << 20    # decoded takes kept (about 23 minutes of mono audio)
_UNITY = np.ones((CHUNK, 1), np.float32)


def speaker_lane(speaker_id: int | None) -> str:
    return f"speaker:{speaker_id}"


class Track(Protocol):
    """Audio to read by position, as dubstudio.media.DecodedAudio reads it."""

    samples: int

    def read(self, start: int, stop: int) -> np.ndarray: ...  # float32 [stop - start, channels]


class ArrayTrack:
    """An array in memory as a Track (zeros outside it)."""

    def __init__(self, audio: np.ndarray):
        self.audio = np.asarray(audio, np.float32)
        if self.audio.ndim == 1:
            self.audio = self.audio[:, None]
        self.samples = len(self.audio)

    def read(self, start: int, stop: int) -> np.ndarray:
        out = np.zeros((max(0, stop - start), self.audio.shape[1]), np.float32)
        first, last = max(start, 0), min(stop, self.samples)
        if last > first:
            out[first - start:last - start] = self.audio[first:last]
        return out


class Chunked:
    """A Track on disk read a second at a time and kept for a while: opening and seeking a file costs a
    millisecond or two, too much for every 15 ms block."""

    def __init__(self, track: Track):
        self.track, self.samples = track, track.samples
        self._chunks: OrderedDict[int, np.ndarray] = OrderedDict()

    def read(self, start: int, stop: int) -> np.ndarray:
        return _from_chunks(start, stop, self._chunk)

    def _chunk(self, k: int) -> np.ndarray:
        if k not in self._chunks:
            self._chunks[k] = self.track.read(k * CHUNK, (k + 1) * CHUNK)
            while len(self._chunks) > CACHED_CHUNKS:
                self._chunks.popitem(last=False)
        self._chunks.move_to_end(k)
        return self._chunks[k]


def _from_chunks(start: int, stop: int, chunk) -> np.ndarray:
    """[start, stop) assembled from the CHUNK-long pieces chunk(k) (zeros before 0)."""
    pieces = [chunk(k) for k in range(max(start, 0) // CHUNK, -(-stop // CHUNK))]
    out = np.zeros((max(0, stop - start), pieces[0].shape[1] if pieces else 1), np.float32)
    for k, piece in zip(range(max(start, 0) // CHUNK, -(-stop // CHUNK)), pieces, strict=True):
        first, last = max(start, k * CHUNK), min(stop, k * CHUNK + len(piece))
        if last > first:
            out[first - start:last - start] = piece[first - k * CHUNK:last - k * CHUNK]
    return out


def _track(audio) -> Track | None:
    if audio is None:
        return None
    return Chunked(audio) if hasattr(audio, "read") else ArrayTrack(audio)


def _stereo(block: np.ndarray) -> np.ndarray:
    return np.repeat(block, 2, axis=1) if block.shape[1] == 1 else block[:, :2]


def playback_sources(project, demucs: str | None = None) -> tuple[Track | None, Track]:
    """(effects, dialogue) for a LiveMix: the separated stems when the cache has them, else no M&E and
    the source's decoded audio as the dialogue (decoded at ingest; decoding it again if that cache was
    cleared takes a while, so call this off the GUI thread)."""
    from dubstudio.media import DecodedAudio, decode_audio

    stems = cached_stems(project, demucs)
    if stems is not None:  # read as the decoded audio is (their waveforms are not made: nothing draws them)
        return tuple(DecodedAudio(path, path.with_suffix(".waveform.npz")) for path in stems)
    return None, decode_audio(project.locate_media())


@dataclass(frozen=True, slots=True)
class _Placed:
    line_id: int
    take_id: int
    audio_hash: str
    lane: str
    start: int
    length: int


class LiveMix:
    """What plays for `language`: the M&E (stereo, or None) ducked under the chosen takes, one lane per
    speaker; the original dialogue is a lane too, muted unless the language is ORIGINAL.

    effects and dialogue: arrays at 48 kHz ([n, 2] or mono), or Tracks (DecodedAudio: read a second at a time)."""

    def __init__(self, project, language: str, *, effects=None, dialogue=None, cache_bytes: int = CACHE_BYTES):
        self.project, self.language = project, language
        self._effects, self._dialogue = _track(effects), _track(dialogue)
        self._muted: set[str] = set() if language == ORIGINAL else {DIALOGUE}
        self._solo: set[str] = set()
        self._placed: dict[int, _Placed] = {}
        self._audio: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._gain: OrderedDict[int, np.ndarray | None] = OrderedDict()
        self._place_all()

    # -- what plays ---------------------------------------------------------------------------------

    @property
    def lanes(self) -> list[str]:
        lanes = [name for name, track in ((DIALOGUE, self._dialogue), (EFFECTS, self._effects)) if track is not None]
        if self.language != ORIGINAL:
            speakers = [speaker_lane(speaker.id) for speaker in self.project.speakers()]
            lanes += speakers + sorted({placed.lane for placed in self._placed.values()} - set(speakers))
        return lanes

    @property
    def length(self) -> int:
        """Where the last sound ends (samples)."""
        ends = [track.samples for track in (self._effects, self._dialogue) if track is not None]
        if len(self._ends):
            ends.append(int(self._ends.max()))
        return max(ends, default=0)

    def muted(self, lane: str) -> bool:
        return lane in self._muted

    def soloed(self, lane: str) -> bool:
        return lane in self._solo

    def set_muted(self, lane: str, muted: bool) -> None:
        (self._muted.add if muted else self._muted.discard)(lane)

    def set_solo(self, lane: str, solo: bool) -> None:
        """While any lane is soloed only soloed lanes play (a muted lane stays muted)."""
        (self._solo.add if solo else self._solo.discard)(lane)

    def audible(self, lane: str) -> bool:
        return lane not in self._muted and (not self._solo or lane in self._solo)

    def read(self, start: int, count: int) -> np.ndarray:
        """Samples [start, start + count) of the mix: float32 [count, 2], zeros outside the programme."""
        stop = start + count
        out = np.zeros((count, 2), np.float32)
        if self._effects is not None and self.audible(EFFECTS):
            bed = _stereo(self._effects.read(start, stop))
            gain = self._duck(start, stop)
            out += bed if gain is None else bed * gain[:, None]
        if self._dialogue is not None and self.audible(DIALOGUE):
            out += _stereo(self._dialogue.read(start, stop))
        heard = [placed for placed in self._overlapping(start, stop) if self.audible(placed.lane)]
        if heard:
            bus = dialogue_bus([Placed(placed.start - start, self._take(placed)) for placed in heard], count)
            out += bus[:, None]
        return out

    # -- following edits ----------------------------------------------------------------------------

    def apply_changes(self, changes: OpChanges) -> None:
        """Reload the lines an operation, undo or job result changed (times, speaker, chosen or new take);
        all of them for changes that cannot say which (line_order alone: a whole stage ran)."""
        ids = set(changes.lines) | {line_id for line_id, language in changes.translations | changes.takes
                                    if language == self.language}
        if self.language == ORIGINAL or not (ids or changes.line_order):
            return
        if not ids:
            self._place_all()
        for line_id in ids:
            self._placed.pop(line_id, None)
            line = self.project.line(line_id)
            if line is not None:
                self._place(line, self.project.translation(line_id, self.language))
        self._index()
        self._gain.clear()

    def _place_all(self) -> None:
        self._placed.clear()
        if self.language != ORIGINAL:
            translations = self.project.translations(self.language)
            for line in self.project.lines():
                self._place(line, translations.get(line.id))
        self._index()

    def _place(self, line, translation) -> None:
        if translation is None or translation.chosen_take_id is None:
            return
        take = self.project.take(translation.chosen_take_id)
        placed = _Placed(line.id, take.id, take.audio_hash, speaker_lane(line.speaker_id), take_start(line, take),
                         int(take.fit.get("length", 0)))
        if placed.length <= 0:  # no fit figures (an imported take): its length is its audio's
            placed = replace(placed, length=len(self._take(placed)))
        self._placed[line.id] = placed

    def _index(self) -> None:
        self._order = sorted(self._placed.values(), key=lambda placed: placed.start)
        self._starts = np.array([placed.start for placed in self._order], np.int64)
        self._ends = np.array([placed.start + placed.length for placed in self._order], np.int64)
        self._longest = int((self._ends - self._starts).max()) if self._order else 0

    def _overlapping(self, start: int, stop: int) -> list[_Placed]:
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, stop)
        return [self._order[k] for k in range(first, last) if self._ends[k] > start]

    # -- audio --------------------------------------------------------------------------------------

    def _take(self, placed: _Placed) -> np.ndarray:
        audio = self._audio.get(placed.audio_hash)
        if audio is None:
            audio = self._audio[placed.audio_hash] = take_audio(self.project, self.project.take(placed.take_id))
            held = sum(cached.nbytes for cached in self._audio.values())
            while held > self._cache_bytes and len(self._audio) > 1:
                held -= self._audio.popitem(last=False)[1].nbytes
        self._audio.move_to_end(placed.audio_hash)
        return audio

    def _duck(self, start: int, stop: int) -> np.ndarray | None:
        """The M&E gain over [start, stop), as the master computes it (None: no dip anywhere in it)."""
        gains = {k: self._gain_chunk(k) for k in range(max(start, 0) // CHUNK, -(-stop // CHUNK))}
        if all(gain is None for gain in gains.values()):
            return None
        return _from_chunks(start, stop, lambda k: _UNITY if gains[k] is None else gains[k])[:, 0]

    def _gain_chunk(self, k: int) -> np.ndarray | None:
        if k in self._gain:
            self._gain.move_to_end(k)
            return self._gain[k]
        lo, hi = max(0, k * CHUNK - DUCK_BEFORE), (k + 1) * CHUNK + DUCK_AFTER
        takes = self._overlapping(lo, hi)
        gain = None
        if takes:
            bus = dialogue_bus([Placed(placed.start - lo, self._take(placed)) for placed in takes], hi - lo)
            gain = duck_gain(bus)[k * CHUNK - lo:(k + 1) * CHUNK - lo, None]
        self._gain[k] = gain
        while len(self._gain) > CACHED_CHUNKS:
            self._gain.popitem(last=False)
        return gain


class TakeProgram:
    """One take alone at its place on the timeline (to audition or A/B takes): read() as LiveMix's."""

    def __init__(self, audio: np.ndarray, at: int):
        self.audio = np.asarray(audio, np.float32).reshape(-1)
        self.at = at
        self.length = at + len(self.audio)

    def read(self, start: int, count: int) -> np.ndarray:
        return dialogue_bus([Placed(self.at - start, self.audio)], count)[:, None].repeat(2, axis=1)


def take_program(audio: np.ndarray, at: int) -> TakeProgram:
    return TakeProgram(audio, at)
