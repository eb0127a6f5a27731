"""Masters: the source's picture with any number of audio tracks and subtitle tracks, each with its
language and title, and the file's metadata; for a source without a picture, the audio tracks alone.

Untouched, the video stream is copied packet for packet (no re-encode, no quality loss, seconds for a
film); a preset re-encodes it when the delivery asks for another codec. Every audio track is cut or
padded with silence to the video's exact length, so the master lasts as long as its picture.
"""

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dubstudio.media import ffmpeg
from dubstudio.media.audio import PROJECT_RATE
from dubstudio.media.errors import MediaError
from dubstudio.media.ffmpeg import Cancel, Progress
from dubstudio.media.frame_index import frame_index
from dubstudio.media.presets import AUDIO_FOR_CONTAINER, AUDIO_MASTERS, SUBTITLES_FOR_CONTAINER
from dubstudio.media.presets import preset as get_preset
from dubstudio.media.probe import probe

_LANGUAGE = re.compile(r"[a-z]{3}")
MP4_FAMILY = (".mp4", ".m4v", ".mov", ".m4a")


@dataclass(frozen=True)
class AudioTrack:
    path: Path            # any media file with audio (a mix WAV, a stem)
    language: str         # ISO 639-2, three letters, as containers store it: "fra", "eng", "spa"
    title: str = ""       # what players list: "Français (doublage)"
    stream: int = 0       # which audio stream of path
    default: bool = False


@dataclass(frozen=True)
class SubtitleTrack:
    path: Path            # .srt, .ass or .vtt
    language: str
    title: str = ""
    default: bool = False
    forced: bool = False  # shown even when subtitles are off (signs, foreign lines)


def _check_language(language: str) -> None:
    if not _LANGUAGE.fullmatch(language):
        raise MediaError(f"'{language}' is not a language code a container can store: "
                         "use three-letter ISO 639-2 codes such as 'fra', 'eng' or 'spa'.")


def _stream_tags(kind: str, number: int, language: str, title: str, container: str) -> list[str]:
    args = [f"-metadata:s:{kind}:{number}", f"language={language}"]
    if title:
        args += [f"-metadata:s:{kind}:{number}", f"title={title}"]
        if container in MP4_FAMILY:  # MP4 and MOV name a track by its handler
            args += [f"-metadata:s:{kind}:{number}", f"handler_name={title}"]
    return args


def mux_args(video: Path, out: Path, audio: Sequence[AudioTrack], subtitles: Sequence[SubtitleTrack],
             *, preset: str | None, metadata: Mapping[str, str], video_stream: int = 0) -> tuple[list[str], int]:
    """ffmpeg's arguments for the master, and its length in microseconds."""
    info = probe(video)
    stream = info.video_stream(video_stream)
    index = frame_index(video, video_stream, info=info)
    container = out.suffix.lower()
    if preset is None and container not in AUDIO_FOR_CONTAINER:
        raise MediaError(f"a master cannot be written to '{out.name}': name it with "
                         f"{' or '.join(AUDIO_FOR_CONTAINER)}.")
    chosen = get_preset(preset) if preset is not None else None
    if chosen is not None:
        chosen.check(out)
    end = index.end * index.time_base - info.start_time  # where the picture stops, from time 0
    samples = round(end * PROJECT_RATE)
    args = ["-y", "-i", ffmpeg.file_arg(video), *_audio_inputs(audio)]
    for track in subtitles:
        _check_language(track.language)
        if not Path(track.path).is_file():
            raise MediaError(f"the subtitle file '{Path(track.path).name}' does not exist: write it again.")
        args += ["-i", ffmpeg.file_arg(track.path)]
    args += ["-map", f"0:{stream.index}"]
    args += chosen.video_args(stream.frame_rate) if chosen else ["-c:v", "copy"]
    # every frame keeps its timestamp: no frame duplicated or dropped to force a constant rate
    args += ["-fps_mode", "passthrough"]
    args += _audio_tracks(audio, 1, samples, container, chosen.audio if chosen else AUDIO_FOR_CONTAINER[container])
    for number, track in enumerate(subtitles):
        args += ["-map", f"{1 + len(audio) + number}:s:0"]
        args += _stream_tags("s", number, track.language, track.title, container)
        flags = "+".join(flag for flag, on in (("default", track.default), ("forced", track.forced)) if on)
        args += [f"-disposition:s:{number}", flags or "0"]
    if subtitles:
        args += ["-c:s", SUBTITLES_FOR_CONTAINER.get(container, "copy")]
    return args + _file_tags(metadata, container), int(end * 1_000_000)


def _audio_inputs(audio: Sequence[AudioTrack]) -> list[str]:
    args = []
    for track in audio:
        _check_language(track.language)
        probe(track.path).audio_stream(track.stream)  # a clear error for a bad track, before ffmpeg runs
        args += ["-i", ffmpeg.file_arg(track.path)]
    return args


def _audio_tracks(audio: Sequence[AudioTrack], first_input: int, samples: int, container: str,
                  codec: Sequence[str]) -> list[str]:
    """Map, encode, cut or pad to `samples` and label each audio track (inputs from first_input on)."""
    args = []
    for number, track in enumerate(audio, start=first_input):
        args += ["-map", f"{number}:a:{track.stream}"]
    args += list(codec)
    any_default = any(track.default for track in audio)
    for number, track in enumerate(audio):
        args += [f"-filter:a:{number}",
                 f"aresample={PROJECT_RATE}:first_pts=0,apad=whole_len={samples},atrim=end_sample={samples}"]
        args += _stream_tags("a", number, track.language, track.title, container)
        default = track.default or (number == 0 and not any_default)
        args += [f"-disposition:a:{number}", "default" if default else "0"]
    return args


def _file_tags(metadata: Mapping[str, str], container: str) -> list[str]:
    args = ["-map_metadata", "-1"]
    for key, value in metadata.items():
        args += ["-metadata", f"{key}={value}"]
    if container in MP4_FAMILY:
        args += ["-movflags", "+faststart"]
    return args


def mux(video: str | os.PathLike, out: str | os.PathLike, audio: Sequence[AudioTrack] = (),
        subtitles: Sequence[SubtitleTrack] = (), *, preset: str | None = None,
        metadata: Mapping[str, str] | None = None, video_stream: int = 0,
        progress: Progress | None = None, cancel: Cancel | None = None) -> Path:
    """Write the master `out` from video stream `video_stream` of `video` (copied when preset is None),
    the audio tracks in order (the first is the default unless one says otherwise) and the subtitles.
    Progress: microseconds of the master written, of its length. The file appears only when complete."""
    out = Path(out)
    args, length_us = mux_args(Path(video), out, audio, subtitles, preset=preset,
                               metadata=metadata or {}, video_stream=video_stream)
    with ffmpeg.atomic_output(out) as partial:
        ffmpeg.run([*args, ffmpeg.file_arg(partial)], what=f"write the master '{out.name}'",
                   total_us=length_us, progress=progress, cancel=cancel)
    return out


def mux_audio(out: str | os.PathLike, audio: Sequence[AudioTrack], samples: int, *,
              metadata: Mapping[str, str] | None = None, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Path:
    """Write an audio-only master `out` (.m4a: AAC; .mka: FLAC), for a source without a picture (a
    podcast, a radio play): the audio tracks in order, each cut or padded to `samples` at the project
    rate, labelled as in mux(). The file appears only when complete."""
    out = Path(out)
    container = out.suffix.lower()
    if container not in AUDIO_MASTERS:
        raise MediaError(f"an audio master cannot be written to '{out.name}': name it with "
                         f"{' or '.join(AUDIO_MASTERS)}.")
    if not audio:
        raise MediaError(f"'{out.name}' would have no audio track: give it at least one.")
    args = ["-y", *_audio_inputs(audio), *_audio_tracks(audio, 0, samples, container, AUDIO_MASTERS[container]),
            *_file_tags(metadata or {}, container)]
    with ffmpeg.atomic_output(out) as partial:
        ffmpeg.run([*args, ffmpeg.file_arg(partial)], what=f"write the master '{out.name}'",
                   total_us=samples * 1_000_000 // PROJECT_RATE, progress=progress, cancel=cancel)
    return out
