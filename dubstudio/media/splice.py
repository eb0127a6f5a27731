"""Smart render: the source video with some frames replaced (lip-synced segments), where only the GOPs
that hold a replaced frame are re-encoded and every other packet is copied byte for byte.

    splice(source, [Replacement(first, end, segment), ...], out)

Frame-exact: the result has the source's frames and timestamps; frame n of a replacement's segment
becomes frame first + n of the result.

How (H.264 or H.265 in MP4, MOV or Matroska, closed GOPs):
- packets are read in decoding order; a keyframe starts a GOP. A GOP without replaced frames is
  copied; a run of GOPs with replaced frames is decoded, its replaced frames swapped in, and encoded
  again with the source's codec, profile, pixel format and colours at the preset's quality, an IDR
  where the source has a keyframe and no B-frames, so its timestamps fit between the copied ones.
- a re-encoded run carries its own parameter sets in band. H.264 gives them ids the source does not
  use, so copied GOPs still decode with the header's; x265 cannot choose ids, so the first copied
  keyframe after an H.265 run gets the header's parameter sets back in front of it.
- the packets are written by PyAV (libavformat) with their exact timestamps. ffmpeg's concat demuxer
  was the first idea, but it cuts copied runs by decoding time and shifts each piece's timestamps by
  its length, which drops or duplicates B-frames at GOP edges.

Anything else (another codec or container, open GOPs, timestamps that are not presentation times) is
re-encoded whole with a video preset (dubstudio.media.presets).
"""

import bisect
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from dubstudio.media import ffmpeg, nal
from dubstudio.media.errors import CancelledError, MediaError
from dubstudio.media.ffmpeg import Cancel, Progress, file_arg
from dubstudio.media.frame_index import FrameIndex, frame_index
from dubstudio.media.frames import FrameReader
from dubstudio.media.presets import GOP_SECONDS
from dubstudio.media.presets import preset as get_preset
from dubstudio.media.probe import MediaInfo, probe

# source codec -> the preset whose encoder and quality re-encode its GOPs
SMART_CODECS = {"h264": "h264", "hevc": "h265"}
SMART_CONTAINERS = {".mp4": ".mp4", ".m4v": ".mp4", ".mov": ".mov", ".mkv": ".mkv"}
# the x264/x265 names of the source's profile, so devices that play the source play the spliced GOPs
PROFILES = {"Baseline": "baseline", "Constrained Baseline": "baseline", "Main": "main", "High": "high",
            "High 10": "high10", "High 4:2:2": "high422", "High 4:4:4 Predictive": "high444", "Main 10": "main10"}


@dataclass(frozen=True)
class Replacement:
    first: int      # the first frame replaced
    end: int        # exclusive
    segment: Path   # a video whose frame k replaces frame first + k (upright RGB, the source's display size)


@dataclass(frozen=True)
class Spliced:
    path: Path
    frames: int
    copied_gops: int    # GOPs copied packet for packet
    encoded_gops: int   # GOPs encoded again (all of them when whole is set)
    whole: str | None   # why the whole video was re-encoded; None for a smart render


class _NotSmart(Exception):
    """The source cannot be spliced GOP by GOP; the message says why."""


def splice(source: str | os.PathLike, replacements: Sequence[Replacement], out: str | os.PathLike, *,
           preset: str = "h264", progress: Progress | None = None, cancel: Cancel | None = None) -> Spliced:
    """Write `out`: source's video stream 0 with the replacements (sorted, not overlapping) swapped in.
    GOP by GOP when source and out allow it, else whole with `preset`. Only the picture is written."""
    source, out = Path(source), Path(out)
    info = probe(source)
    info.video_stream(0)
    index = frame_index(source, info=info)
    replacements = _checked(replacements, len(index))
    replaced = np.zeros(len(index), bool)
    for item in replacements:
        replaced[item.first:item.end] = True
    job = _Job(info, index, replacements, replaced, progress, cancel)
    with ffmpeg.atomic_output(out) as partial:
        try:
            _smart_possible(info, index, out)
            copied, encoded = _smart(job, partial)
            whole = None
        except _NotSmart as reason:
            partial.unlink(missing_ok=True)
            copied, encoded, whole = 0, _whole(job, partial, get_preset(preset)), str(reason)
    return Spliced(out, len(index), copied, encoded, whole)


def _checked(replacements: Sequence[Replacement], frames: int) -> list[Replacement]:
    ordered = sorted(replacements, key=lambda item: item.first)
    for item in ordered:
        if not 0 <= item.first < item.end <= frames:
            raise MediaError(f"frames {item.first} to {item.end} cannot be replaced: the video has frames 0 to "
                             f"{frames - 1}.")
        if not Path(item.segment).is_file():
            raise MediaError(f"the segment '{Path(item.segment).name}' for frames {item.first} to {item.end} does "
                             "not exist: make it again.")
    for before, after in itertools.pairwise(ordered):
        if after.first < before.end:
            raise MediaError(f"the replacements of frames {before.first}-{before.end} and {after.first}-"
                             f"{after.end} overlap: give each frame one replacement.")
    return ordered


def _smart_possible(info: MediaInfo, index: FrameIndex, out: Path) -> None:
    video = info.video_stream(0)
    container = SMART_CONTAINERS.get(info.path.suffix.lower())
    if video.codec not in SMART_CODECS:
        raise _NotSmart(f"its video is {video.codec}, not H.264 or H.265")
    if container is None or SMART_CONTAINERS.get(out.suffix.lower()) != container:
        raise _NotSmart(f"GOPs of a {info.path.suffix} file are copied into the same container only, "
                        f"not into {out.suffix}")
    if index.by_count:
        raise _NotSmart("its timestamps are not presentation times")


class _Job:
    """What both ways of splicing share: the source, the replaced frames and their segments, progress."""

    def __init__(self, info: MediaInfo, index: FrameIndex, replacements: list[Replacement], replaced: np.ndarray,
                 progress: Progress | None, cancel: Cancel | None):
        self.info, self.index, self.replaced = info, index, replaced
        self.replacements = replacements
        self.starts = [item.first for item in replacements]
        self.progress, self.cancel = progress, cancel
        self.step = f"splice new frames into '{info.path.name}'"
        self._readers: dict[int, FrameReader] = {}

    def check(self, done: int) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CancelledError(f"Cancelled before DubStudio could {self.step}: run it again to finish.")
        if self.progress is not None:
            self.progress(self.step, done, len(self.index))

    def segment_frame(self, n: int) -> np.ndarray:
        """Frame n from the replacement that covers it, upright RGB; readers of passed segments close."""
        position = bisect.bisect_right(self.starts, n) - 1
        item = self.replacements[position]
        for done in [key for key in self._readers if key < position]:
            self._readers.pop(done).close()
        reader = self._readers.get(position)
        if reader is None:
            reader = self._readers[position] = FrameReader(item.segment)
            expected = self.info.video_stream(0).display_size
            if reader.size != expected:
                raise MediaError(f"the segment '{Path(item.segment).name}' is {reader.size[0]}x{reader.size[1]}, "
                                 f"not the video's {expected[0]}x{expected[1]}: make it again from this video.")
        return reader.frame(n - item.first)

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()


def _quality(preset_name: str) -> tuple[str, dict[str, str], str]:
    """(encoder, options, codec tag) from a preset's ffmpeg arguments: its codec and quality."""
    chosen = get_preset(preset_name)
    arguments = dict(zip(chosen.video[::2], chosen.video[1::2], strict=True))
    options = {key.lstrip("-").split(":")[0]: value for key, value in arguments.items()}
    encoder, tag = options.pop("c"), options.pop("tag", "")
    options.pop("profile", None)  # the source's profile is used
    return encoder, options, tag


def _encoder(stream: av.video.stream.VideoStream, preset_name: str, extra: str) -> av.VideoCodecContext:
    """An encoder for a run of GOPs: the source's size, pixel format, colours and profile; no B-frames;
    an IDR exactly where a frame is marked I; headers in band."""
    source = stream.codec_context
    name, options, _ = _quality(preset_name)
    params = "x264-params" if name == "libx264" else "x265-params"
    options[params] = ":".join(part for part in (options.get(params, ""), "scenecut=0", extra) if part)
    options["forced-idr"] = "1"
    if source.profile in PROFILES:
        options["profile"] = PROFILES[source.profile]
    encoder = av.CodecContext.create(name, "w")
    encoder.width, encoder.height, encoder.pix_fmt = source.width, source.height, source.pix_fmt
    encoder.time_base = stream.time_base
    encoder.framerate = stream.average_rate or stream.guessed_rate
    if source.sample_aspect_ratio:
        encoder.sample_aspect_ratio = source.sample_aspect_ratio
    for colour in ("color_primaries", "color_trc", "colorspace", "color_range"):
        setattr(encoder, colour, getattr(source, colour))
    encoder.max_b_frames = 0
    encoder.gop_size = 1 << 30  # keyframes only where the source has them
    encoder.options = options
    return encoder


class _Run:
    """Consecutive GOPs with replaced frames: decoded, patched and encoded again as one piece."""

    def __init__(self, job: _Job, stream, target_stream, sets: nal.ParameterSets, extra: str, last_dts: int):
        self.job, self.target_stream, self.sets = job, target_stream, sets
        self.time_base = stream.time_base
        self.decoder = av.CodecContext.create(stream.codec_context.name, "r")
        self.decoder.extradata = stream.codec_context.extradata
        self.decoder.thread_type = "AUTO"
        self.encoder = _encoder(stream, SMART_CODECS[stream.codec_context.name], extra)
        self.rotation = job.info.video_stream(0).rotation
        self.shift: int | None = None  # how far the source's decoding times run ahead of presentation
        self.last_dts = last_dts
        self.gops = 0

    def add(self, gop: list[av.Packet]) -> list[av.Packet]:
        """The packets the encoder has ready after this GOP (it keeps a few in its lookahead)."""
        if self.shift is None:
            self.shift = gop[0].pts - gop[0].dts
        self.gops += 1
        packets = []
        for packet in gop:
            packets += self._encode(self.decoder.decode(packet))
        return self._timed(packets)

    def finish(self) -> list[av.Packet]:
        return self._timed(self._encode(self.decoder.decode(None)) + self._converted(self.encoder.encode(None)))

    def _timed(self, packets: list[av.Packet]) -> list[av.Packet]:
        for packet in packets:
            # no B-frames: decoding times are presentation times moved back by the source's delay,
            # which keeps them increasing into the copied GOP that follows
            packet.dts = max(min(packet.pts - self.shift, packet.pts), self.last_dts + 1)
            self.last_dts = packet.dts
        return packets

    def _encode(self, frames: list[av.VideoFrame]) -> list[av.Packet]:
        out = []
        keyframes = self.job.index.keyframes
        for frame in frames:
            n = int(np.searchsorted(self.job.index.pts, frame.pts))
            picture = self._replacement(n, frame) if self.job.replaced[n] else frame
            picture.pts, picture.time_base = frame.pts, self.time_base
            key = keyframes[min(np.searchsorted(keyframes, n), len(keyframes) - 1)] == n
            picture.pict_type = av.video.frame.PictureType.I if key else av.video.frame.PictureType.NONE
            out += self._converted(self.encoder.encode(picture))
        return out

    def _replacement(self, n: int, frame: av.VideoFrame) -> av.VideoFrame:
        picture = self.job.segment_frame(n)
        if self.rotation:  # segments are upright; the stream is coded turned
            picture = np.ascontiguousarray(np.rot90(picture, -self.rotation // 90))
        return av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(
            format=self.encoder.pix_fmt, dst_colorspace=frame.colorspace)

    def _converted(self, packets: list[av.Packet]) -> list[av.Packet]:
        out = []
        for packet in packets:
            converted = av.Packet(nal.length_prefixed(bytes(packet), self.sets.length_size))
            converted.pts, converted.dts = packet.pts, packet.dts
            converted.is_keyframe = packet.is_keyframe
            converted.time_base = self.time_base
            converted.stream = self.target_stream
            out.append(converted)
        return out


def _gops(container, stream) -> Iterator[list[av.Packet]]:
    """The stream's packets in decoding order, a keyframe starting each group."""
    gop: list[av.Packet] = []
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        if packet.is_discard:
            raise _NotSmart("its container hides some of its frames (an edit list)")
        if packet.is_keyframe and gop:
            yield gop
            gop = []
        gop.append(packet)
    if gop:
        yield gop


def _with_parameter_sets(packet: av.Packet, sets: nal.ParameterSets) -> av.Packet:
    """The packet with the header's parameter sets in front (after an H.265 run used the same ids)."""
    restored = av.Packet(nal.prefixed_units(sets.nals, sets.length_size) + bytes(packet))
    restored.pts, restored.dts, restored.is_keyframe = packet.pts, packet.dts, True
    restored.time_base, restored.duration = packet.time_base, packet.duration
    return restored


def _smart(job: _Job, partial: Path) -> tuple[int, int]:
    """Copy untouched GOPs, encode runs of touched ones again; returns (copied, encoded) GOPs."""
    copied = encoded = done = 0
    last_dts = -(1 << 62)
    with av.open(file_arg(job.info.path)) as source, av.open(file_arg(partial), "w") as target:
        stream = source.streams.video[0]
        codec = stream.codec_context.name
        sets = nal.parameter_sets(codec, stream.codec_context.extradata)
        if sets is None:
            raise _NotSmart("its parameter sets are not in its header")
        extra = f"sps-id={min(set(range(32)) - sets.ids)}" if codec == "h264" else ""
        target_stream = target.add_stream_from_template(stream)
        target_stream.time_base = stream.time_base
        run: _Run | None = None
        restore = False
        try:
            for gop in _gops(source, stream):
                if min(packet.pts for packet in gop) < gop[0].pts:
                    raise _NotSmart("its GOPs are open (pictures refer to the GOP before)")
                numbers = np.searchsorted(job.index.pts, [packet.pts for packet in gop])
                if job.replaced[numbers].any():
                    run = run or _Run(job, stream, target_stream, sets, extra, last_dts)
                    for packet in run.add(gop):
                        target.mux(packet)
                else:
                    if run is not None:
                        for packet in run.finish():
                            target.mux(packet)
                        encoded += run.gops
                        restore, run = codec == "hevc", None
                    if restore:
                        gop[0], restore = _with_parameter_sets(gop[0], sets), False
                    for packet in gop:
                        packet.stream = target_stream
                        target.mux(packet)
                    last_dts = gop[-1].dts
                    copied += 1
                done += len(gop)
                job.check(done)
            if run is not None:
                for packet in run.finish():
                    target.mux(packet)
                encoded += run.gops
        finally:
            job.close()
    return copied, encoded


def _whole(job: _Job, partial: Path, chosen) -> int:
    """Encode every frame again with the preset, replacements swapped in; returns the GOPs written."""
    index = job.index
    name, options, tag = _quality(chosen.name)
    video = job.info.video_stream(0)
    chosen.check(partial)
    with FrameReader(job.info.path, index=index, info=job.info) as reader, \
            av.open(file_arg(partial), "w") as target:
        stream = target.add_stream(name, rate=video.frame_rate, options=options)
        stream.width, stream.height = video.display_size
        stream.pix_fmt = chosen.pixel_format
        stream.time_base = index.time_base
        stream.codec_context.gop_size = max(1, round(video.frame_rate * GOP_SECONDS))
        if tag:
            stream.codec_tag = tag
        # times from 0, as the source's are from its start time
        start = round(index.start_time / index.time_base)
        try:
            for n in range(len(index)):
                picture = job.segment_frame(n) if job.replaced[n] else reader.frame(n)
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
                frame.pts, frame.time_base = int(index.pts[n]) - start, index.time_base
                for packet in stream.encode(frame):
                    target.mux(packet)
                if n % 25 == 0:
                    job.check(n)
            for packet in stream.encode(None):
                target.mux(packet)
        finally:
            job.close()
    return -(-len(index) // stream.codec_context.gop_size)
