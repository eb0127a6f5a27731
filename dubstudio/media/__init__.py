"""All media I/O of DubStudio, on the real ffmpeg, ffprobe and libavcodec (PyAV).

- probe: what a file holds (`probe`, `MediaInfo`);
- audio: streamed decoding at the project rate or for speech models (`audio_blocks`, `load_audio`,
  `speech_audio`); decoded: the cached project-rate copy and its waveform (`decode_audio`, `waveform_of`);
- waveform: min/max/RMS summaries a timeline draws from (`Waveform.span`);
- frame_index and frames: frame-exact pictures (`frame_index`, `FrameReader`, `thumbnails`);
- mux: masters with audio and subtitle tracks (`mux`; `mux_audio` for a source without a picture);
  encode: videos from frames (`VideoWriter`);
- ffmpeg: the runner (progress, cancellation, complete-or-absent outputs); errors: what goes wrong.
"""

from dubstudio.media.audio import PROJECT_RATE, SPEECH_RATE, audio_blocks, load_audio, speech_audio
from dubstudio.media.decoded import DecodedAudio, decode_audio, waveform_of
from dubstudio.media.encode import VideoWriter
from dubstudio.media.errors import (
    CancelledError,
    EmptyMediaError,
    FFmpegError,
    FrameRangeError,
    MediaError,
    MediaNotFoundError,
    NoAudioStreamError,
    NotMediaError,
    NoVideoStreamError,
    TruncatedMediaError,
)
from dubstudio.media.frame_index import FrameIndex, frame_index
from dubstudio.media.frames import FrameReader, thumbnails
from dubstudio.media.mux import AudioTrack, SubtitleTrack, mux, mux_audio
from dubstudio.media.presets import PRESETS, VideoPreset
from dubstudio.media.probe import AudioStream, MediaInfo, SubtitleStream, VideoStream, probe
from dubstudio.media.waveform import Peaks, Waveform, WaveformBuilder

__all__ = [
    "PRESETS",
    "PROJECT_RATE",
    "SPEECH_RATE",
    "AudioStream",
    "AudioTrack",
    "CancelledError",
    "DecodedAudio",
    "EmptyMediaError",
    "FFmpegError",
    "FrameIndex",
    "FrameRangeError",
    "FrameReader",
    "MediaError",
    "MediaInfo",
    "MediaNotFoundError",
    "NoAudioStreamError",
    "NoVideoStreamError",
    "NotMediaError",
    "Peaks",
    "SubtitleStream",
    "SubtitleTrack",
    "TruncatedMediaError",
    "VideoPreset",
    "VideoStream",
    "VideoWriter",
    "Waveform",
    "WaveformBuilder",
    "audio_blocks",
    "decode_audio",
    "frame_index",
    "load_audio",
    "mux",
    "mux_audio",
    "probe",
    "speech_audio",
    "thumbnails",
    "waveform_of",
]
