"""What can go wrong with a media file, each as one sentence the user can act on.

Messages name the file (not the full path: dialogs are narrow) and say what to do.
"""

import os
from pathlib import Path

from dubstudio.errors import DubStudioError


def name(path: str | os.PathLike) -> str:
    return f"'{Path(path).name}'"


class MediaError(DubStudioError):
    """A media file that cannot be used as asked, or an ffmpeg run that failed."""


class MediaNotFoundError(MediaError):
    def __init__(self, path):
        super().__init__(f"{name(path)} does not exist: check the path, or pick the file again.")


class EmptyMediaError(MediaError):
    def __init__(self, path, what: str = "is empty (0 bytes)"):
        super().__init__(f"{name(path)} {what}: export or copy it again.")


class NotMediaError(MediaError):
    def __init__(self, path, detail: str = ""):
        why = f" ({detail})" if detail else ""
        super().__init__(f"{name(path)} is not a video or audio file ffmpeg can read{why}: "
                         "pick a video (MP4, MOV, MKV, WebM, AVI) or an audio file.")


class TruncatedMediaError(MediaError):
    def __init__(self, path, detail: str):
        super().__init__(f"{name(path)} is incomplete or damaged ({detail}): copy or export it again.")


class NoAudioStreamError(MediaError):
    def __init__(self, path, stream: int = 0, count: int = 0):
        if count:
            text = f"{name(path)} has {count} audio stream{'s' if count > 1 else ''}, so there is no " \
                   f"audio stream {stream}: pick one from 0 to {count - 1}."
        else:
            text = f"{name(path)} has no audio stream: pick a file with sound."
        super().__init__(text)


class NoVideoStreamError(MediaError):
    def __init__(self, path):
        super().__init__(f"{name(path)} has no video stream: pick a video file for pictures and lip-sync.")


class FrameRangeError(MediaError, IndexError):
    def __init__(self, path, frame: int, count: int):
        super().__init__(f"{name(path)} has frames 0 to {count - 1}, not frame {frame}: "
                         "pick a frame inside the video.")


class FFmpegError(MediaError):
    """ffmpeg exited with an error; the message carries its last line."""


class CancelledError(MediaError):
    """The caller cancelled a long run; partial outputs were removed."""

    exit_code = 130
