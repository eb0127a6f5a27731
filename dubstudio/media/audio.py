"""Decoded audio, streamed: ffmpeg decodes and resamples, Python receives fixed-size blocks, so memory
stays the same whatever the file's length.

Positions are exact: sample k of the stream is at time k / rate from the file's start time (the time 0
of frame positions too). A stream that starts late is padded with silence at its start, and samples
before time 0 (encoder delay) are dropped, so audio and picture line up.
"""

import math
import os
from collections.abc import Iterator

import numpy as np

from dubstudio.media import ffmpeg
from dubstudio.media.ffmpeg import Cancel
from dubstudio.media.probe import MediaInfo, probe

from dubstudio.timing import SAMPLE_RATE as PROJECT_RATE
from dubstudio.timing import SPEECH_RATE
BLOCK = 1 << 16         # frames per block: 1.4 s at 48 kHz, 512 KiB in stereo


def decode_args(info: MediaInfo, stream: int, rate: int, channels: int) -> list[str]:
    """ffmpeg arguments that decode audio stream number `stream` to float32 at rate, aligned on time 0."""
    source = info.audio_stream(stream)  # raises NoAudioStreamError
    # soxr: high quality and fast; first_pts=0: pad a late start, drop samples before time 0
    filters = f"aresample={rate}:resampler=soxr:first_pts=0"
    if channels == 1 and source.channels == 2:
        # the mean of left and right; ffmpeg's own downmix adds both at -3 dB, which lifts a centred
        # voice by 3 dB and can pass full scale
        filters = f"pan=mono|c0=0.5*c0+0.5*c1,{filters}"
    # one thread: audio decoders gain nothing from more, and their frame threads spend most of the
    # time waiting on each other (a 2-hour FLAC decodes three times faster without them)
    return ["-threads", "1", "-i", ffmpeg.file_arg(info.path), "-map", f"0:a:{stream}", "-vn", "-sn", "-dn",
            "-filter_threads", "1", "-af", filters, "-ac", str(channels),
            "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"]


def expected_samples(info: MediaInfo, rate: int) -> int:
    """About how many samples decoding gives: for progress and preallocation, never for positions."""
    return math.ceil(info.duration * rate)


def audio_blocks(path: str | os.PathLike, *, rate: int = PROJECT_RATE, channels: int | None = None,
                 stream: int = 0, block: int = BLOCK, cancel: Cancel | None = None,
                 info: MediaInfo | None = None) -> Iterator[np.ndarray]:
    """float32 blocks [frames, channels] of `block` frames (the last one shorter); channels=None keeps the
    stream's channels, 1 downmixes to mono."""
    info = info or probe(path)
    channels = channels or info.audio_stream(stream).channels
    frame_bytes = 4 * channels
    for raw in ffmpeg.read_stream(decode_args(info, stream, rate, channels), block * frame_bytes,
                                  what=f"decode the audio of '{info.path.name}'", cancel=cancel):
        frames = len(raw) // frame_bytes  # a pipe ends mid-frame only if ffmpeg died, which read_stream reports
        yield np.frombuffer(raw, np.float32, frames * channels).reshape(frames, channels)


def load_audio(path: str | os.PathLike, *, rate: int = PROJECT_RATE, channels: int | None = None,
               stream: int = 0, cancel: Cancel | None = None) -> np.ndarray:
    """The whole stream as one float32 array [samples, channels]. For lines, takes and speech models;
    a film's audio goes through `audio_blocks` or `decode_audio` instead."""
    info = probe(path)
    channels = channels or info.audio_stream(stream).channels
    out = np.empty((expected_samples(info, rate) + rate, channels), np.float32)
    filled = 0
    for part in audio_blocks(path, rate=rate, channels=channels, stream=stream, cancel=cancel, info=info):
        if filled + len(part) > len(out):  # the header understated the length
            out = np.concatenate([out, np.empty_like(out[:max(len(part), len(out) // 2)])])
        out[filled:filled + len(part)] = part
        filled += len(part)
    return out[:filled]


def speech_audio(path: str | os.PathLike, *, stream: int = 0, cancel: Cancel | None = None) -> np.ndarray:
    """Mono float32 at 16 kHz, 1-D: what speech models take."""
    return load_audio(path, rate=SPEECH_RATE, channels=1, stream=stream, cancel=cancel)[:, 0]
