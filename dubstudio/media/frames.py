"""Frame-exact pictures: `FrameReader.frame(n)` is exactly frame n, for constant and variable rates.

The reader keeps its decoder open. Stepping forward decodes the next frames; a jump seeks to the
keyframe at or before n (from the frame index) and decodes forward, converting only frame n to RGB.
Each decoded picture is told apart by its timestamp (or, for streams whose packets carry only
decoding times, by counting from the keyframe the seek landed on), never by a float time.

One reader per thread: a reader is a decoder's state.
"""

import os
from collections.abc import Iterable, Iterator
from typing import Self

import av
import numpy as np

from dubstudio.media.errors import FrameRangeError, TruncatedMediaError
from dubstudio.media.ffmpeg import file_arg
from dubstudio.media.frame_index import FrameIndex, frame_index
from dubstudio.media.probe import MediaInfo, probe

# Decoding this many frames forward costs about as much as a seek; within it the reader keeps going.
FORWARD_SLACK = 8
SEEK_RETRIES = 3


class FrameReader:
    """RGB frames (uint8 [height, width, 3]) of video stream number `stream`, upright (the file's
    rotation applied), at `size` = (width, height) as displayed, or at the stream's own size.

    Scaling is bilinear by default, fast enough for playback; "AREA" averages, for small thumbnails.
    """

    def __init__(self, path: str | os.PathLike, *, stream: int = 0, size: tuple[int, int] | None = None,
                 index: FrameIndex | None = None, interpolation: str = "BILINEAR", info: MediaInfo | None = None):
        info = info or probe(path)
        video = info.video_stream(stream)
        self.path = info.path
        self.index = index or frame_index(path, stream, info=info)
        self.rotation = video.rotation
        width, height = size or video.display_size
        # decode at the size that becomes (width, height) once turned
        self._decode_size = (height, width) if self.rotation in (90, 270) else (width, height)
        self.size = (width, height)
        self._interpolation = interpolation
        self._container = av.open(file_arg(self.path))
        self._stream = self._container.streams[video.index]
        self._stream.thread_type = "AUTO"
        self._frames: Iterator[tuple[int, av.VideoFrame]] | None = None
        self._next = 0           # the number the decoder gives next (None: unknown until it gives one)
        self._target = 0         # the keyframe the last seek went to
        self._last: tuple[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.index)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._frames = None
        self._container.close()

    def frame(self, n: int) -> np.ndarray:
        """Exactly frame n (0 <= n < len(self)); read-only, as the reader keeps it for the next call."""
        if not 0 <= n < len(self.index):
            raise FrameRangeError(self.path, n, len(self.index))
        if self._last is not None and self._last[0] == n:
            return self._last[1]
        keyframe = self.index.keyframe_before(n)
        ahead = self._frames is not None and self._next is not None and self._next <= n
        if not (ahead and self._next >= keyframe - FORWARD_SLACK):
            self._seek(keyframe)
        try:
            picture = self._decode_until(n)
        except av.FFmpegError as error:
            self._frames = None
            raise TruncatedMediaError(self.path, f"frame {n} cannot be decoded: {error}") from error
        self._last = (n, picture)
        return picture

    def frames(self, start: int = 0, stop: int | None = None) -> Iterator[np.ndarray]:
        """Frames start to stop - 1 in order (playback, export)."""
        for n in range(start, len(self.index) if stop is None else stop):
            yield self.frame(n)

    def _seek(self, keyframe: int) -> None:
        self._target = keyframe
        position = int(np.searchsorted(self.index.keyframes, keyframe))
        self._container.seek(int(self.index.key_stamps[position]), backward=True, stream=self._stream)
        self._frames = self._decoded(position)
        self._next = keyframe if self.index.by_count else None

    def _decoded(self, key_position: int) -> Iterator[tuple[int, av.VideoFrame]]:
        """(frame number, frame) from the decoder, in presentation order."""
        number = None
        first_packet = True
        for packet in self._container.demux(self._stream):
            if first_packet and packet.size and self.index.by_count:
                # numbering by count starts from the keyframe the seek really landed on
                stamp = packet.pts if packet.pts is not None else packet.dts
                found = np.flatnonzero(self.index.key_stamps == stamp)
                number = int(self.index.keyframes[found[0] if len(found) else key_position]) - 1
                first_packet = False
            for frame in self._stream.codec_context.decode(packet):
                if self.index.by_count or frame.pts is None:
                    number = None if number is None else number + 1
                else:
                    position = int(np.searchsorted(self.index.pts, frame.pts))
                    known = position < len(self.index.pts) and self.index.pts[position] == frame.pts
                    number = position if known else None
                if number is not None:
                    yield number, frame

    def _decode_until(self, n: int) -> np.ndarray:
        for _ in range(SEEK_RETRIES + 1):
            for number, frame in self._frames:
                self._next = number + 1
                if number == n:
                    return self._picture(frame)
                if number > n:
                    break
            else:
                raise TruncatedMediaError(self.path, f"its data ends before frame {n}")
            # Frame n went by unseen: the seek landed after it (some demuxers seek by decoding time),
            # or it did not decode. Start again one keyframe earlier.
            earlier = self.index.keyframes[self.index.keyframes < self._target]
            if not len(earlier):
                break
            self._seek(int(earlier[-1]))
        raise TruncatedMediaError(self.path, f"frame {n} cannot be decoded")

    def _picture(self, frame: av.VideoFrame) -> np.ndarray:
        width, height = self._decode_size
        picture = frame.to_ndarray(format="rgb24", width=width, height=height, interpolation=self._interpolation)
        if self.rotation:
            picture = np.ascontiguousarray(np.rot90(picture, self.rotation // 90))
        picture.flags.writeable = False
        return picture


def thumbnail_reader(path: str | os.PathLike, height: int = 72, *, stream: int = 0) -> FrameReader:
    """A reader of pictures `height` pixels high, in the displayed aspect, averaged down (for a view
    that asks for frames one by one as they scroll into sight)."""
    info = probe(path)
    width, full_height = info.video_stream(stream).display_size
    # even widths: most scalers and encoders want them
    size = (max(2, round(width * height / full_height / 2) * 2), height)
    return FrameReader(path, stream=stream, size=size, interpolation="AREA", info=info)


def thumbnails(path: str | os.PathLike, frames: Iterable[int], height: int = 72, *,
               stream: int = 0) -> Iterator[tuple[int, np.ndarray]]:
    """(n, picture) for each frame number, `height` pixels high, in increasing order of n (one pass
    forward through the file): the pictures of a timeline's video lane."""
    with thumbnail_reader(path, height, stream=stream) as reader:
        for n in sorted(set(frames)):
            yield n, reader.frame(n)
