"""Write a video from frames made in Python (the sample clip, rendered previews): RGB frames are piped
into ffmpeg, optionally with an audio file, and the result appears under its name only when complete.

    with VideoWriter(out, (1280, 720), Fraction(25), audio=wav, audio_language="eng") as writer:
        for picture in pictures:
            writer.write(picture)

Output is bit-exact for the same input (no encoder or muxer version strings), so generated clips are
reproducible.
"""

import os
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Self

import numpy as np

from dubstudio.media import ffmpeg
from dubstudio.media.errors import FFmpegError
from dubstudio.media.presets import preset as get_preset


class VideoWriter:
    def __init__(self, path: str | os.PathLike, size: tuple[int, int], rate: Fraction, *,
                 preset: str = "h264-draft", audio: str | os.PathLike | None = None,
                 audio_language: str | None = None):
        """size: (width, height), even for the 4:2:0 presets; rate: exact frames per second."""
        self.path = Path(path)
        self.size = (int(size[0]), int(size[1]))
        self.frames = 0
        chosen = get_preset(preset)
        chosen.check(self.path)
        self._partial = ffmpeg.partial_name(self.path)
        width, height = self.size
        command = [*ffmpeg.base_command(), "-y",
                   "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                   "-framerate", f"{rate.numerator}/{rate.denominator}", "-i", "pipe:0"]
        if audio is not None:
            command += ["-i", ffmpeg.file_arg(audio), "-map", "0:v", "-map", "1:a", *chosen.audio]
            if audio_language:
                command += ["-metadata:s:a:0", f"language={audio_language}"]
        command += [*chosen.video_args(rate), "-map_metadata", "-1",
                    "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
        if self.path.suffix.lower() in (".mp4", ".mov"):
            command += ["-movflags", "+faststart"]  # playable while it downloads
        command.append(ffmpeg.file_arg(self._partial))
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE)
        self._stderr = ffmpeg.StderrTail(self._process.stderr)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def write(self, frame: np.ndarray) -> None:
        """One RGB frame, uint8 [height, width, 3]."""
        width, height = self.size
        if frame.shape != (height, width, 3) or frame.dtype != np.uint8:
            self.abort()
            raise ValueError(f"frames must be uint8 [{height}, {width}, 3], not {frame.dtype} {frame.shape}")
        try:
            self._process.stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            self.abort()
            raise FFmpegError(f"ffmpeg stopped while writing '{self.path.name}' ({self._stderr.last()}): "
                              "check the free disk space.") from None
        self.frames += 1

    def close(self) -> Path:
        """Finish the file; raises FFmpegError if ffmpeg failed."""
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg already stopped: its exit code says why
        if self._process.wait() != 0:
            self.abort()
            raise FFmpegError(f"ffmpeg could not write '{self.path.name}' ({self._stderr.last()}): "
                              "check the frames, the audio file and the free disk space.")
        self._partial.replace(self.path)
        return self.path

    def abort(self) -> None:
        """Stop ffmpeg and remove the partial file."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._partial.unlink(missing_ok=True)
