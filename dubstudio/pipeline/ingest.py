"""Step 1: what the source is, stored with the project (path, size, content hash, probe)."""

from dataclasses import asdict
from fractions import Fraction
from pathlib import Path

from dubstudio.media import MediaInfo, probe

DEFAULT_FRAME_RATE = Fraction(25)  # an audio-only source still gets a timecode


def probe_dict(info: MediaInfo) -> dict:
    """The probe as JSON data: Fractions as "n/d" strings, paths as text."""
    def plain(value):
        if isinstance(value, Fraction):
            return f"{value.numerator}/{value.denominator}"
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        return value

    return plain({"path": info.path, "format": info.format_name, "size": info.size, "duration": info.duration,
                  "start_time": info.start_time, "video": [asdict(v) for v in info.video],
                  "audio": [asdict(a) for a in info.audio], "subtitles": [asdict(s) for s in info.subtitles],
                  "tags": dict(info.tags)})


def frame_rate(info: MediaInfo) -> Fraction:
    return info.video_stream().frame_rate if info.has_picture else DEFAULT_FRAME_RATE


def inspect(path: Path) -> MediaInfo:
    """The source's probe; a file with no audio cannot be dubbed (NoAudioStreamError says so)."""
    info = probe(path)
    info.audio_stream(0)
    return info
