"""Subtitles burned into the picture (libass through ffmpeg's subtitles filter): a new video stream,
re-encoded with a preset, every frame kept with its timestamp; no audio (the master's tracks are muxed
onto it after).
"""

import os
import shutil
import tempfile
from pathlib import Path

from dubstudio.media import ffmpeg
from dubstudio.media.errors import MediaError
from dubstudio.media.ffmpeg import Cancel, Progress
from dubstudio.media.presets import preset as get_preset
from dubstudio.media.probe import probe


def _filter_path(path: Path) -> str:
    """A path as a filter argument: quoted, with the characters a filter graph reads escaped."""
    text = str(path.absolute()).replace("\\", "\\\\").replace("'", "'\\''").replace(":", "\\:")
    return f"'{text}'"


def burn_subtitles(video: str | os.PathLike, subtitles: str | os.PathLike, out: str | os.PathLike,
                   preset: str = "h264", *, video_stream: int = 0, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> Path:
    """Write `out`: video stream `video_stream` of `video` with `subtitles` (.ass, .srt or .vtt) drawn in,
    encoded with `preset`. The file appears only when complete."""
    video, subtitles, out = Path(video), Path(subtitles), Path(out)
    if not subtitles.is_file():
        raise MediaError(f"the subtitle file '{subtitles.name}' does not exist: write it again.")
    chosen = get_preset(preset)
    chosen.check(out)
    info = probe(video)
    stream = info.video_stream(video_stream)
    with tempfile.TemporaryDirectory(prefix="dubstudio-burn-") as folder:
        # a plain name for the filter graph, whatever the subtitle file is called
        plain = Path(folder) / f"subtitles{subtitles.suffix.lower()}"
        shutil.copyfile(subtitles, plain)
        args = ["-y", "-i", ffmpeg.file_arg(video), "-map", f"0:{stream.index}",
                "-vf", f"subtitles=filename={_filter_path(plain)}", *chosen.video_args(stream.frame_rate),
                "-fps_mode", "passthrough", "-an", "-sn", "-dn", "-map_metadata", "-1"]
        with ffmpeg.atomic_output(out) as partial:
            ffmpeg.run([*args, ffmpeg.file_arg(partial)], what=f"burn the subtitles into '{out.name}'",
                       total_us=int(info.duration * 1_000_000) if info.duration else 0,
                       progress=progress, cancel=cancel)
    return out
