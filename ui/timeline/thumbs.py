"""The thumbnail track's pictures: decoded off the main thread, kept in a cache the paint draws from.

The view says which frames it would like to show now (`request`), replacing what it asked before, so
scrolling never queues up decodes for places already left. One QRunnable at a time works through the
list with one open reader (forward decoding is cheap; each jump is a seek) and hands each picture back
by a queued signal. Pictures become QImages on the main thread.
"""

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from dubstudio.errors import DubStudioError
from dubstudio.media import FrameRangeError
from dubstudio.media.frames import FrameReader, thumbnail_reader

CACHE_PICTURES = 4096  # at 40 px high, about 40 MB


class ThumbnailLoader(QObject):
    """Decodes frames of one video at one height, newest request first."""

    loaded = Signal(int, object)  # frame number, RGB uint8 [height, width, 3] (None: past the video's end)
    failed = Signal(str)          # the video cannot be read: one sentence

    def __init__(self, path: Path, height: int):
        super().__init__()
        self.path, self.height = path, height
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        self._lock = threading.Lock()
        self._wanted: list[int] = []
        self._running = False
        self._closed = False
        self._reader: FrameReader | None = None  # used by one job at a time (the pool has one thread)

    def request(self, frames: list[int]) -> None:
        """Decode these frames, in this order, instead of what was asked before."""
        with self._lock:
            if self._closed:
                return
            self._wanted = list(frames)
            start = bool(frames) and not self._running
            self._running |= start
        if start:
            self._pool.start(_Job(self))

    def close(self) -> None:
        """Stop after the picture being decoded; waits for it, so no signal comes after."""
        with self._lock:
            self._closed, self._wanted = True, []
        self._pool.waitForDone()
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _next(self) -> int | None:
        with self._lock:
            if self._wanted and not self._closed:
                return self._wanted.pop(0)
            self._running = False
            return None

    def work(self) -> None:
        """Runs on the pool's one thread; the reader stays open between requests."""
        try:
            while (frame := self._next()) is not None:
                if self._reader is None:
                    self._reader = thumbnail_reader(self.path, self.height)
                try:
                    picture = self._reader.frame(frame)
                except FrameRangeError:
                    picture = None
                self.loaded.emit(frame, picture)
        except DubStudioError as error:
            with self._lock:
                self._closed, self._running = True, False
            self.failed.emit(str(error))


class _Job(QRunnable):
    def __init__(self, loader: ThumbnailLoader):
        super().__init__()
        self.loader = loader  # keeps the loader alive until the job ends

    def run(self) -> None:
        self.loader.work()


class ThumbnailCache:
    """QImages by (frame, height) (None: the frame has no picture), the least recently drawn dropped first."""

    def __init__(self, limit: int = CACHE_PICTURES):
        self._images: OrderedDict[tuple[int, int], QImage | None] = OrderedDict()
        self._limit = limit
        self.widths: dict[int, int] = {}  # the pictures' width by height, once one has arrived

    def __contains__(self, key: tuple[int, int]) -> bool:
        return key in self._images

    def get(self, frame: int, height: int) -> QImage | None:
        image = self._images.get((frame, height))
        if image is not None:
            self._images.move_to_end((frame, height))
        return image

    def put(self, frame: int, height: int, picture: np.ndarray | None) -> None:
        image = None
        if picture is not None:
            rows, width, _ = picture.shape
            picture = np.ascontiguousarray(picture)
            image = QImage(picture.data, width, rows, 3 * width, QImage.Format.Format_RGB888).copy()
            self.widths[height] = width
        self._images[(frame, height)] = image
        self._images.move_to_end((frame, height))
        while len(self._images) > self._limit:
            self._images.popitem(last=False)
