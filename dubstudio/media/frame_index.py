"""Where every frame of a video stream is: its presentation time and which frames are keyframes.

Frame N is the N-th picture in presentation order, whatever the frame rate does. The index comes from
the packets alone (no decoding), read once and cached by content hash; for a constant rate it also
proves that the rate is constant, which headers only claim.

Times are exact Fractions of a second from the file's start time, the same time 0 as decoded audio.
"""

import bisect
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from dubstudio import paths
from dubstudio.hashing import content_hash
from dubstudio.media.errors import CancelledError, EmptyMediaError
from dubstudio.media.ffmpeg import Cancel, Progress, file_arg
from dubstudio.media.probe import MediaInfo, probe

INDEX_VERSION = 1


@dataclass(frozen=True)
class FrameIndex:
    pts: np.ndarray          # int64 [frames]: presentation timestamps, sorted; frame n shows from pts[n]
    keyframes: np.ndarray    # int64: frame numbers of the keyframes, sorted
    key_stamps: np.ndarray   # int64: the timestamp each keyframe's packet carries (the seek target)
    end: int                 # where the last frame stops showing, in time_base units
    time_base: Fraction
    start_time: Fraction     # the file's start time in seconds: time 0
    nominal_rate: Fraction   # the rate the stream states
    by_count: bool           # frames are numbered by counting from a keyframe: their stamps are not
                             # presentation times

    def __len__(self) -> int:
        return len(self.pts)

    def time(self, frame: int) -> Fraction:
        """When frame starts showing, in seconds from time 0."""
        return int(self.pts[frame]) * self.time_base - self.start_time

    def frame_at(self, time: Fraction) -> int:
        """The frame showing at time (seconds from time 0); the first or last frame outside the video."""
        ticks = (time + self.start_time) / self.time_base
        return min(max(bisect.bisect_right(self.pts, ticks) - 1, 0), len(self.pts) - 1)

    def keyframe_before(self, frame: int) -> int:
        """The last keyframe at or before frame: where decoding frame must start."""
        position = int(np.searchsorted(self.keyframes, frame, side="right")) - 1
        return int(self.keyframes[max(position, 0)])

    @property
    def duration(self) -> Fraction:
        return (self.end - int(self.pts[0])) * self.time_base

    @property
    def constant_rate(self) -> Fraction | None:
        """The frame rate if every frame lasts 1/rate (to the nearest tick of the time base), else None."""
        steps = np.diff(np.append(self.pts, self.end))
        nominal = 1 / (self.nominal_rate * self.time_base)
        if len(steps) and np.all(np.abs(steps - float(nominal)) <= 1):
            return self.nominal_rate
        return None

    def save(self, path: Path) -> None:
        meta = np.array([INDEX_VERSION, self.end, self.time_base.numerator, self.time_base.denominator,
                         self.start_time.numerator, self.start_time.denominator,
                         self.nominal_rate.numerator, self.nominal_rate.denominator, int(self.by_count)],
                        np.int64)
        with open(path, "wb") as handle:
            np.savez(handle, meta=meta, pts=self.pts, keyframes=self.keyframes, key_stamps=self.key_stamps)

    @classmethod
    def load(cls, path: Path) -> "FrameIndex | None":
        with np.load(path) as data:
            meta = [int(v) for v in data["meta"]]
            if meta[0] != INDEX_VERSION:
                return None
            return cls(pts=data["pts"], keyframes=data["keyframes"], key_stamps=data["key_stamps"],
                       end=meta[1], time_base=Fraction(meta[2], meta[3]), start_time=Fraction(meta[4], meta[5]),
                       nominal_rate=Fraction(meta[6], meta[7]), by_count=bool(meta[8]))


def _scan(info: MediaInfo, stream: int, progress: Progress | None, cancel: Cancel | None) -> FrameIndex:
    video = info.video_stream(stream)
    stamps, keys, ends = [], [], []
    step = f"index the frames of '{info.path.name}'"
    total_us = int(info.duration * 1_000_000)
    with av.open(file_arg(info.path)) as container:
        av_stream = container.streams[video.index]
        time_base = Fraction(av_stream.time_base)
        reorders = bool(av_stream.codec_context.has_b_frames)
        for count, packet in enumerate(container.demux(av_stream)):
            # empty packets: the end-of-stream marker, or an AVI frame dropped (the previous one stays up);
            # discarded ones: before the start an edit list sets, never shown
            if packet.size == 0 or packet.is_discard:
                continue
            stamp = packet.pts if packet.pts is not None else packet.dts
            if stamp is None:
                continue
            if packet.is_keyframe:
                keys.append((len(stamps), stamp))
            stamps.append(stamp)
            ends.append(stamp + (packet.duration or 0))
            if count % 2000 == 0:
                if cancel is not None and cancel.is_set():
                    raise CancelledError(f"Cancelled before DubStudio could {step}: run it again to finish.")
                if progress is not None:
                    progress(step, min(total_us, int((stamp * time_base - info.start_time) * 1_000_000)),
                             total_us)
    if not stamps:
        raise EmptyMediaError(info.path, "has a video stream without pictures")
    in_order = np.array(stamps, np.int64)
    pts = np.sort(in_order)
    # A codec that reorders frames whose packets still carry increasing stamps (H.264 in AVI) gives
    # decoding times, not presentation times: frames are then told apart by counting, and a
    # keyframe's number is how many frames come before it in decoding order (its GOP is closed).
    by_count = bool(reorders and np.all(np.diff(in_order) > 0)) or bool(np.any(np.diff(pts) == 0))
    if by_count:
        keyframes = np.array([position for position, _ in keys], np.int64)
    else:
        keyframes = np.searchsorted(pts, [stamp for _, stamp in keys]).astype(np.int64)
    if not len(keyframes) or keyframes[0] != 0:
        # a stream that opens on a non-key picture still decodes from its first packet
        keys.insert(0, (0, stamps[0]))
        keyframes = np.insert(keyframes, 0, 0)
    last_end = max(ends)  # packets without a duration end where they start: then assume one frame
    end = last_end if last_end > pts[-1] else int(pts[-1] + round(1 / (video.frame_rate * time_base)))
    return FrameIndex(pts=pts, keyframes=keyframes, key_stamps=np.array([s for _, s in keys], np.int64),
                      end=end, time_base=time_base, start_time=info.start_time, nominal_rate=video.frame_rate,
                      by_count=by_count)


def frame_index(path: str | os.PathLike, stream: int = 0, *, progress: Progress | None = None,
                cancel: Cancel | None = None, info: MediaInfo | None = None) -> FrameIndex:
    """The index of video stream number `stream`, from the cache or read now (the whole file is read
    once: seconds for a film; run it at ingest, where progress shows)."""
    info = info or probe(path)
    info.video_stream(stream)
    cached = paths.cache_dir("frames") / f"{content_hash(info.path)[:32]}-v{stream}-i{INDEX_VERSION}.npz"
    if cached.is_file():
        index = FrameIndex.load(cached)
        if index is not None:
            return index
    index = _scan(info, stream, progress, cancel)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.partial")
    index.save(partial)
    partial.replace(cached)
    return index
