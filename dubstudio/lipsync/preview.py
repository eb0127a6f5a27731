"""Lip-synced frames for the editor's preview, as the master will show them.

    frames = LipsyncFrames(project, "es")
    picture = frames.frame(n)   # RGB uint8 [h, w, 3], or None: show the source's frame n

Reads the project once (refresh() after an OpChanges with lipsync, takes or translations) and the
segments from the user cache; a frame whose segment has left the cache is None until lip-sync runs
again. One per thread: it keeps a decoder open on the segment last read.
"""

import bisect
from typing import Self

import numpy as np

from dubstudio.lipsync.segments import segment_path, shown_spans
from dubstudio.media import FrameReader


class LipsyncFrames:
    def __init__(self, project, language: str):
        self.project, self.language = project, language
        self._spans: list[tuple[int, int, str]] = []
        self._starts: list[int] = []
        self._reader: tuple[str, FrameReader] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Read the language's current lip-sync results again."""
        self._spans = shown_spans(self.project.lipsyncs(self.language).values())
        self._starts = [first for first, _, _ in self._spans]

    def spans(self) -> list[tuple[int, int]]:
        """(first, end) of the lip-synced frame ranges, end exclusive, in order (a timeline draws them)."""
        return [(first, end) for first, end, _ in self._spans]

    def frame(self, n: int) -> np.ndarray | None:
        """Frame n lip-synced, if a current result covers it and its segment is in the cache; else None."""
        position = bisect.bisect_right(self._starts, n) - 1
        if position < 0 or n >= self._spans[position][1]:
            return None
        first, _, key = self._spans[position]
        path = segment_path(key)
        if not path.is_file():
            return None
        if self._reader is None or self._reader[0] != key:
            self.close()
            self._reader = (key, FrameReader(path))
        return self._reader[1].frame(n - first)

    def close(self) -> None:
        if self._reader is not None:
            self._reader[1].close()
            self._reader = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
