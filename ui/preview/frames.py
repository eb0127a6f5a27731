"""Exact frames for the preview, decoded on a background thread by our own frame-exact reader.

The latest request wins: a request replaces any older one not yet started, and the widget shows a
picture only if it is still the frame at the playhead. Recent pictures are kept (LRU) and the
neighbours of each request are decoded ahead, so stepping one frame either way is instant. Backward
neighbours are decoded in ascending order: one seek to their keyframe, then forward.

Lip-synced lines show their lip-synced frames (dubstudio.lipsync.preview), when that module is there.
"""

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from dubstudio.ui.jobs import sentence
from PySide6.QtCore import QObject, Signal

from dubstudio.media import FrameIndex, FrameReader, probe

log = logging.getLogger(__name__)

CACHE_FRAMES = 32          # about 90 MB at 1280x720
LARGEST = (1280, 720)      # a preview needs no more; decoding and caching less is faster
AHEAD, BEHIND = 3, 6       # neighbours decoded around a request while paused
PLAYING_AHEAD = 6          # frames decoded ahead while playing from the decoder


@dataclass(frozen=True, slots=True)
class Picture:
    frame: int
    pixels: np.ndarray     # RGB uint8 [height, width, 3]
    lipsynced: bool
    generation: int        # which opened file it comes from


@dataclass(frozen=True, slots=True)
class Opened:
    generation: int
    index: FrameIndex
    size: tuple[int, int]  # (width, height) of the pictures


def preview_size(display: tuple[int, int], largest: tuple[int, int] = LARGEST) -> tuple[int, int]:
    """The display size fitted inside `largest`, in even numbers (the scaler's preference)."""
    width, height = display
    scale = min(1.0, largest[0] / width, largest[1] / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def lipsync_frames(project, language: str):
    """dubstudio.lipsync.preview.LipsyncFrames for the language, or None where lip-sync is not installed."""
    try:
        from dubstudio.lipsync.preview import LipsyncFrames
    except ImportError:
        return None
    return LipsyncFrames(project, language)


class FrameFetcher(QObject):
    opened = Signal(object)   # Opened
    failed = Signal(str)      # one sentence
    ready = Signal(object)    # Picture, for a requested frame

    def __init__(self, parent: QObject | None = None, capacity: int = CACHE_FRAMES):
        super().__init__(parent)
        self._capacity = capacity
        self._lock = threading.Condition()
        self._cache: OrderedDict[int, Picture] = OrderedDict()
        self._generation = 0
        self._to_open: tuple[Path | None, int] | None = None
        self._lipsync = None
        self._closing = None         # a replaced LipsyncFrames, closed by the worker (its decoder's thread)
        self.lipsync_spans: list[tuple[int, int]] = []
        self._wanted: int | None = None
        self._prefetch: list[int] = []
        self._frames = 0
        self._closed = threading.Event()
        lock, closed = self._lock, self._closed

        def close():  # not a method: it runs while this object is being destroyed
            with lock:
                closed.set()
                lock.notify()

        self.close = close
        self.destroyed.connect(close)
        threading.Thread(target=self._run, name="dubstudio-preview-frames", daemon=True).start()

    # -- main thread --------------------------------------------------------------------------------

    def open(self, path: Path | None, lipsync=None) -> int:
        """Decode from this file (None: none); returns its generation (Pictures carry it)."""
        with self._lock:
            self._generation += 1
            self._to_open = (path, self._generation)
            self._cache.clear()
            self._wanted, self._prefetch, self._frames = None, [], 0
            self._set_lipsync(lipsync)
            self._lock.notify()
            return self._generation

    def set_lipsync(self, lipsync) -> None:
        """New lip-sync results: pictures decoded before them are dropped."""
        with self._lock:
            self._set_lipsync(lipsync)
            self._cache.clear()

    def _set_lipsync(self, lipsync) -> None:
        old, self._lipsync = self._lipsync, lipsync
        self.lipsync_spans = lipsync.spans() if lipsync is not None else []
        if old is not None and old is not lipsync:
            self._closing = old

    def lipsynced(self, frame: int) -> bool:
        """Whether frame is shown lip-synced (from the spans, without decoding)."""
        return any(first <= frame < end for first, end in self.lipsync_spans)

    def request(self, frame: int, direction: int = 1, playing: bool = False) -> Picture | None:
        """The picture of frame if it is cached, else None and it comes by `ready` unless a newer request
        overtakes it; either way its neighbours are queued. direction: where the playhead goes next (and,
        while playing, by how many frames a step: the rate)."""
        with self._lock:
            picture = self._cache.get(frame)
            if picture is not None:
                self._cache.move_to_end(frame)
            self._wanted = None if picture is not None else frame
            self._prefetch = [n for n in self._neighbours(frame, direction, playing) if n not in self._cache]
            self._lock.notify()
            return picture

    def cached(self, frame: int) -> Picture | None:
        with self._lock:
            return self._cache.get(frame)

    def _neighbours(self, frame: int, direction: int, playing: bool) -> list[int]:
        if playing:
            order = [frame + direction * k for k in range(1, PLAYING_AHEAD + 1)]
        else:
            ahead = [frame + k for k in range(1, AHEAD + 1)]
            behind = list(range(frame - BEHIND, frame))
            order = ahead + behind if direction >= 0 else behind + ahead[:1]
        return [n for n in order if 0 <= n < self._frames] if self._frames else []

    # -- the worker ---------------------------------------------------------------------------------

    def _run(self) -> None:
        reader: FrameReader | None = None
        generation = 0
        while True:
            with self._lock:
                while not (self._closed.is_set() or self._to_open or self._wanted is not None or self._prefetch):
                    self._lock.wait()
                if self._closed.is_set():
                    break
                closing, self._closing = self._closing, None
                if self._to_open is not None:
                    (path, generation), self._to_open = self._to_open, None
                    task = "open"
                elif self._wanted is not None:
                    frame, self._wanted, task = self._wanted, None, "wanted"
                else:
                    frame, task = self._prefetch.pop(0), "prefetch"
                lipsync = self._lipsync
            if closing is not None:
                closing.close()
            try:
                if task == "open":
                    if reader is not None:
                        reader.close()
                    reader = self._open(path, generation)
                elif reader is not None:
                    self._decode(reader, lipsync, frame, generation, task == "wanted")
            except RuntimeError:  # the widget went away while this decoded (its signals with it)
                break
        if reader is not None:
            reader.close()
        if self._lipsync is not None:
            self._lipsync.close()

    def _open(self, path: Path | None, generation: int) -> FrameReader | None:
        if path is None:
            return None
        try:
            info = probe(path)
            reader = FrameReader(path, size=preview_size(info.video_stream(0).display_size), info=info)
        except Exception as error:  # shown in the preview; the editor goes on without pictures
            log.exception("opening %s for the preview", path)
            self.failed.emit(sentence(error))
            return None
        with self._lock:
            if generation == self._generation:
                self._frames = len(reader)
        self.opened.emit(Opened(generation, reader.index, reader.size))
        return reader

    def _decode(self, reader: FrameReader, lipsync, frame: int, generation: int, wanted: bool) -> None:
        with self._lock:
            picture = self._cache.get(frame)
        if picture is None:
            try:
                picture = self._picture(reader, lipsync, frame, generation)
            except Exception as error:  # a damaged frame: said once, the next request tries again
                log.warning("frame %d cannot be shown", frame, exc_info=True)
                if wanted:
                    self.failed.emit(sentence(error))
                return
            with self._lock:
                if generation != self._generation:
                    return
                self._cache[frame] = picture
                while len(self._cache) > self._capacity:
                    self._cache.popitem(last=False)
        if wanted:
            self.ready.emit(picture)

    def _picture(self, reader: FrameReader, lipsync, frame: int, generation: int) -> Picture:
        pixels = None
        if lipsync is not None and self.lipsynced(frame):
            try:
                pixels = lipsync.frame(frame)
            except Exception:  # a lip-sync segment that cannot be read: the source frame stands
                log.exception("lip-synced frame %d", frame)
        if pixels is not None and pixels.shape[1::-1] != reader.size:
            import cv2

            pixels = cv2.resize(pixels, reader.size, interpolation=cv2.INTER_AREA)
        lipsynced = pixels is not None
        if pixels is None:
            pixels = reader.frame(frame)
        return Picture(frame, pixels, lipsynced, generation)
