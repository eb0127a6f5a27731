"""What a media file holds: streams, codecs, exact frame rates, durations, channels, rotation, languages.

One `ffprobe` call reads the headers and the first seconds of packets; a second one reads the last
seconds, to tell a complete file from one cut short (a copy that stopped, a recording that crashed),
which a header alone cannot. Both are cheap whatever the file's length.

Whether a stream's frame rate is variable is judged from the header and the first seconds of
timestamps; `frames.FrameIndex` reads every timestamp and is the definitive answer.
"""

import itertools
import json
import logging
import os
import struct
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

from dubstudio import tools
from dubstudio.media import ffmpeg
from dubstudio.media.errors import (
    EmptyMediaError,
    MediaError,
    MediaNotFoundError,
    NoAudioStreamError,
    NotMediaError,
    NoVideoStreamError,
    TruncatedMediaError,
    name,
)

log = logging.getLogger(__name__)

HEAD_S = 2        # seconds of packets read to judge whether the frame rate varies
TAIL_S = 3        # seconds of packets read at the end to check that the file is complete
TRUNCATED_S = 1   # a file whose packets stop this much before its stated end is cut short
PROBE_TIMEOUT_S = 120
REORDER = 16      # the most frames a codec delays (H.264's and HEVC's reorder limit)
# ffmpeg's words for data that stops before the container says it should
TRUNCATION_MARKERS = ("partial file", "File ended prematurely", "moov atom not found", "Packet corrupt")
# Demuxers that read still images or text: ffmpeg opens them, but they are not video or audio.
STILL_FORMATS = ("image2", "tty")


@dataclass(frozen=True)
class VideoStream:
    index: int                 # the stream's index in the file (ffmpeg's 0:N)
    codec: str
    width: int
    height: int
    pixel_format: str
    frame_rate: Fraction       # exact for a constant rate; the average for a variable one
    variable_frame_rate: bool
    frame_count: int | None    # as the header states it (MP4, MOV, AVI); None where it does not
    duration: Fraction | None  # seconds
    rotation: int              # degrees counterclockwise to turn decoded pictures upright: 0/90/180/270
    time_base: Fraction
    language: str | None
    title: str | None

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as shown, after rotation."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    sample_rate: int
    channels: int
    channel_layout: str | None  # "stereo", "5.1(side)", ...
    duration: Fraction | None
    language: str | None
    title: str | None
    default: bool


@dataclass(frozen=True)
class SubtitleStream:
    index: int
    codec: str
    language: str | None
    title: str | None


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    format_name: str           # ffmpeg's demuxer: "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", ...
    size: int                  # bytes
    duration: Fraction         # seconds, the longest stream
    start_time: Fraction       # seconds; time 0 of the project's sample and frame positions
    video: tuple[VideoStream, ...]
    audio: tuple[AudioStream, ...]
    subtitles: tuple[SubtitleStream, ...]
    tags: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def has_picture(self) -> bool:
        """False for audio-only files: then there is nothing to show and no lip-sync."""
        return bool(self.video)

    def video_stream(self, number: int = 0) -> VideoStream:
        if number >= len(self.video):
            raise NoVideoStreamError(self.path)
        return self.video[number]

    def audio_stream(self, number: int = 0) -> AudioStream:
        """The number-th audio stream (ffmpeg's 0:a:number)."""
        if not 0 <= number < len(self.audio):
            raise NoAudioStreamError(self.path, number, len(self.audio))
        return self.audio[number]


def _fraction(text: str | None) -> Fraction | None:
    """ffprobe's '30000/1001' or '12.345000' as an exact Fraction; None for 'N/A' and '0/0'."""
    if not text or text == "N/A":
        return None
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def _seconds(text: str | None) -> Fraction | None:
    """A time ffprobe prints as a decimal ('-0.021000' included); None for 'N/A'."""
    try:
        return Fraction(text) if text and text != "N/A" else None
    except ValueError:
        return None


def _duration(stream: dict, time_base: Fraction | None) -> Fraction | None:
    ticks = stream.get("duration_ts")
    if isinstance(ticks, int) and ticks > 0 and time_base:
        return ticks * time_base
    return _fraction(stream.get("duration"))


def _language(tags: dict) -> str | None:
    language = tags.get("language")
    return None if language in (None, "", "und") else language


def _title(tags: dict) -> str | None:
    # MP4 and MOV keep a track's name as its handler name; ffmpeg's own default names are not titles.
    title = tags.get("title") or tags.get("handler_name")
    return None if not title or title in ("VideoHandler", "SoundHandler", "SubtitleHandler") else title


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return round(float(side["rotation"])) % 360
    # ffmpeg before 5.0 reported the 'rotate' tag, which turns clockwise
    return -int(stream.get("tags", {}).get("rotate", 0)) % 360


def _varies(pts: list[int], rate: Fraction, time_base: Fraction) -> bool:
    """Whether the gaps between timestamps stray from 1/rate by more than one tick (MKV stores
    milliseconds, so 30000/1001 fps shows as 33 and 34).

    pts are in decode order and cut off at the end of the read window, where reordered frames may be
    missing: only timestamps below the last REORDER packets' are complete.
    """
    complete_below = min(pts[-REORDER:])
    ordered = sorted(t for t in pts if t < complete_below)
    nominal = 1 / (rate * time_base)
    return any(abs((b - a) - nominal) > 1 for a, b in itertools.pairwise(ordered))


def _video(path: Path, stream: dict, head_pts: list[int]) -> VideoStream:
    tags = stream.get("tags", {})
    time_base = _fraction(stream.get("time_base")) or Fraction(1, 90000)
    base_rate = _fraction(stream.get("r_frame_rate"))
    average = _fraction(stream.get("avg_frame_rate"))
    variable = bool(base_rate and average and abs(average - base_rate) > base_rate / 200)
    if base_rate and len(head_pts) > REORDER + 2 and _varies(head_pts, base_rate, time_base):
        variable = True
    if variable and (average is None or average == base_rate):
        # The header has no true average (Matroska): estimate it from the first seconds.
        span = (max(head_pts) - min(head_pts)) * time_base
        average = (Fraction(len(head_pts) - 1) / span).limit_denominator(1001)
    rate = (average if variable else base_rate) or average
    if rate is None:
        raise NotMediaError(path, "its video stream states no frame rate")
    frames = stream.get("nb_frames")
    return VideoStream(
        index=stream["index"], codec=stream.get("codec_name", "unknown"),
        width=int(stream.get("width", 0)), height=int(stream.get("height", 0)),
        pixel_format=stream.get("pix_fmt", "unknown"), frame_rate=rate, variable_frame_rate=variable,
        frame_count=int(frames) if frames and str(frames).isdigit() else None,
        duration=_duration(stream, time_base), rotation=_rotation(stream), time_base=time_base,
        language=_language(tags), title=_title(tags))


def _audio(stream: dict) -> AudioStream:
    tags = stream.get("tags", {})
    time_base = _fraction(stream.get("time_base"))
    return AudioStream(
        index=stream["index"], codec=stream.get("codec_name", "unknown"),
        sample_rate=int(stream.get("sample_rate", 0)), channels=int(stream.get("channels", 0)),
        channel_layout=stream.get("channel_layout"), duration=_duration(stream, time_base),
        language=_language(tags), title=_title(tags),
        default=bool(stream.get("disposition", {}).get("default")))


def _ffprobe(path: Path, *args: str) -> tuple[int, dict, str]:
    # warnings too: they say when a duration is only an estimate, or when data stops early
    command = [tools.require("ffprobe"), "-hide_banner", "-loglevel", "warning", "-of", "json", *args,
               ffmpeg.file_arg(path)]
    try:
        out = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=PROBE_TIMEOUT_S,
                             check=False)
    except subprocess.TimeoutExpired:
        raise MediaError(f"{name(path)} could not be read within {PROBE_TIMEOUT_S} s: check that its drive "
                         "or network share is connected.") from None
    stderr = out.stderr.decode(errors="replace")
    try:
        data = json.loads(out.stdout or b"{}")
    except json.JSONDecodeError:
        data = {}
    return out.returncode, data, stderr


def _check_file(path: Path) -> None:
    if not path.exists():
        raise MediaNotFoundError(path)
    if path.is_dir():
        raise NotMediaError(path, "it is a folder")
    if not os.access(path, os.R_OK):
        raise MediaError(f"{name(path)} cannot be read (permission denied): check the file's permissions.")
    if path.stat().st_size == 0:
        raise EmptyMediaError(path)


def _starts_like_mp4(path: Path) -> bool:
    """An MP4 or MOV opens with a box; one whose index (moov) is missing was cut short, while bytes
    that only carry an .mp4 name are not a video at all."""
    with open(path, "rb") as handle:
        return handle.read(8)[4:8] in (b"ftyp", b"mdat", b"moov", b"free", b"wide", b"skip")


def _wav_cut_short(path: Path, size: int) -> bool:
    """WAV headers state the data size, but ffmpeg trusts the file size: compare them ourselves."""
    with open(path, "rb") as handle:
        head = handle.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    stated = struct.unpack("<I", head[4:8])[0]
    return stated not in (0, 0xFFFFFFFF) and stated + 8 > size  # 0 and ~0: streamed or RF64 headers


def _end_of_packets(path: Path, info: MediaInfo) -> tuple[Fraction | None, str]:
    """Where the last packet ends (seconds), reading only the last few seconds."""
    start = info.start_time + max(Fraction(0), info.duration - TAIL_S)
    _, data, stderr = _ffprobe(path, "-read_intervals", f"{float(start):.6f}%",
                               "-show_entries", "packet=pts_time,dts_time,duration_time")
    ends = []
    for packet in data.get("packets", []):
        # AVI has no presentation times for B-frame streams, only decoding times
        time = _seconds(packet.get("pts_time"))
        time = _seconds(packet.get("dts_time")) if time is None else time
        if time is not None:
            ends.append(time + (_seconds(packet.get("duration_time")) or 0))
    return (max(ends) if ends else None), stderr


def _check_complete(path: Path, info: MediaInfo, head_stderr: str) -> None:
    if info.format_name == "wav" and _wav_cut_short(path, info.size):
        raise TruncatedMediaError(path, "its data stops before the end its header states")
    end, stderr = _end_of_packets(path, info)
    if end is None and info.duration == 0:
        raise EmptyMediaError(path, "contains no audio or video data")
    # A duration estimated from the bit rate (MP3 without a header, raw streams) is no promise.
    trusted = "Estimating duration" not in head_stderr
    stated = info.duration
    if info.format_name == "avi" and info.video and info.video[0].frame_count:
        # An AVI's durations come from its index, which a cut-short file lacks; its header counts frames.
        stated = max(stated, info.video[0].frame_count / info.video[0].frame_rate)
    short = trusted and (end is None or end < info.start_time + stated - TRUNCATED_S)
    if short or any(marker in stderr for marker in TRUNCATION_MARKERS):
        where = "no data" if end is None else f"data up to {float(end - info.start_time):.1f} s"
        raise TruncatedMediaError(path, f"{where} of the {float(stated):.1f} s its header states")


def probe(path: str | os.PathLike) -> MediaInfo:
    """Read a media file's description, or raise a MediaError that says what is wrong with it."""
    path = Path(path)
    _check_file(path)
    code, data, stderr = _ffprobe(path, "-show_format", "-show_streams", "-read_intervals", f"%+{HEAD_S}",
                                  "-show_entries", "packet=stream_index,pts,flags")
    if code != 0 or "format" not in data:
        log.debug("ffprobe refused %s: %s", path, stderr.strip())
        if "moov atom not found" in stderr and _starts_like_mp4(path):
            raise TruncatedMediaError(path, "its index is missing, so the recording or copy never finished")
        raise NotMediaError(path)
    fmt = data["format"]
    format_name = fmt.get("format_name", "")
    if format_name in STILL_FORMATS or format_name.endswith("_pipe"):
        raise NotMediaError(path, "it is a still image or a text file")
    head: dict[int, list[int]] = {}
    for packet in data.get("packets", []):
        if isinstance(packet.get("pts"), int) and "D" not in packet.get("flags", ""):
            head.setdefault(packet["stream_index"], []).append(packet["pts"])
    streams = data.get("streams", [])
    video = tuple(_video(path, s, head.get(s["index"], [])) for s in streams
                  if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic"))
    audio = tuple(_audio(s) for s in streams if s.get("codec_type") == "audio")
    subtitles = tuple(SubtitleStream(s["index"], s.get("codec_name", "unknown"),
                                     _language(s.get("tags", {})), _title(s.get("tags", {})))
                      for s in streams if s.get("codec_type") == "subtitle")
    if not video and not audio:
        raise NotMediaError(path, "it has no video or audio stream")
    stream_ends = [s.duration for s in (*video, *audio) if s.duration]
    duration = _fraction(fmt.get("duration")) or max(stream_ends, default=Fraction(0))
    info = MediaInfo(path=path, format_name=format_name, size=int(fmt.get("size") or path.stat().st_size),
                     duration=duration, start_time=_seconds(fmt.get("start_time")) or Fraction(0),
                     video=video, audio=audio, subtitles=subtitles,
                     tags=MappingProxyType(dict(fmt.get("tags", {}))))
    _check_complete(path, info, stderr)
    return info

