"""The project's decoded copy of a media file's audio: a float32 WAV at the project rate, and its
waveform summary, made in one streaming pass and cached by content hash.

Everything after ingest reads audio from here: exact sample ranges for lines and mixes, the whole
file for separation, the summary for the timeline. The cache can always be rebuilt.
"""

import os
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import paths
from dubstudio.hashing import content_hash
from dubstudio.media.audio import PROJECT_RATE, audio_blocks, expected_samples
from dubstudio.media.ffmpeg import Cancel, Progress, atomic_output
from dubstudio.media.probe import probe
from dubstudio.media.waveform import Waveform, WaveformBuilder

CACHE_VERSION = 1
WAV_LIMIT = 0xFFFFFFFF - (1 << 24)  # a RIFF WAV holds 4 GiB; past that (3 h of 5.1) it must be RF64


class DecodedAudio:
    """`samples` frames of `channels` channels at `rate`, in the WAV file `wav`."""

    def __init__(self, wav: Path, summary: Path):
        self.wav = wav
        self._summary = summary
        details = soundfile.info(str(wav))
        self.rate, self.channels, self.samples = details.samplerate, details.channels, details.frames
        self._waveform: Waveform | None = None

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples [start, stop) as float32 [stop - start, channels]; zeros outside the audio."""
        out = np.zeros((max(0, stop - start), self.channels), np.float32)
        first, last = max(start, 0), min(stop, self.samples)
        if last > first:
            out[first - start:last - start] = soundfile.read(str(self.wav), start=first, stop=last,
                                                             dtype="float32", always_2d=True)[0]
        return out

    @property
    def waveform(self) -> Waveform:
        if self._waveform is None:
            self._waveform = Waveform.load(self._summary, reader=self.read)
        return self._waveform


def decode_audio(path: str | os.PathLike, *, stream: int = 0, channels: int | None = None,
                 progress: Progress | None = None, cancel: Cancel | None = None) -> DecodedAudio:
    """Audio stream number `stream` decoded at the project rate (channels=None keeps the stream's), from
    the cache or decoded now with progress (samples done, samples expected) and cancellation."""
    info = probe(path)
    channels = channels or info.audio_stream(stream).channels
    key = f"{content_hash(info.path)[:32]}-a{stream}-{channels}ch-{PROJECT_RATE}-c{CACHE_VERSION}"
    folder = paths.cache_dir("audio")
    wav, summary = folder / f"{key}.wav", folder / f"{key}.waveform.npz"
    if wav.is_file() and summary.is_file():
        return DecodedAudio(wav, summary)
    expected = expected_samples(info, PROJECT_RATE)
    step = f"decode the audio of '{info.path.name}'"
    builder = WaveformBuilder(channels, PROJECT_RATE)
    container = "RF64" if expected * channels * 4 > WAV_LIMIT else "WAV"
    with atomic_output(wav) as wav_partial, atomic_output(summary) as summary_partial:
        with soundfile.SoundFile(str(wav_partial), "w", PROJECT_RATE, channels, "FLOAT", format=container) as out:
            for block in audio_blocks(info.path, channels=channels, stream=stream, cancel=cancel, info=info):
                out.write(block)
                builder.add(block)
                if progress is not None:
                    progress(step, min(builder.samples, expected), expected)
        builder.finish().save(summary_partial)
    if progress is not None:
        progress(step, expected, expected)
    return DecodedAudio(wav, summary)


def waveform_of(path: str | os.PathLike, *, stream: int = 0, progress: Progress | None = None,
             cancel: Cancel | None = None) -> Waveform:
    """The waveform summary of a media file's audio stream (decoding it first if it is not cached)."""
    return decode_audio(path, stream=stream, progress=progress, cancel=cancel).waveform
