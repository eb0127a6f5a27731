"""Encoding presets for masters and generated videos: H.264 and H.265 in MP4, ProRes and DNxHR in MOV,
lossless FFV1 in MKV for intermediate segments.

A long-GOP preset puts a keyframe every two seconds, so that frame-exact seeking in the result never
decodes more than two seconds of pictures.
"""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from dubstudio.media.errors import MediaError

GOP_SECONDS = 2


@dataclass(frozen=True)
class VideoPreset:
    name: str
    containers: tuple[str, ...]   # file extensions it may be written to; the first is the usual one
    video: tuple[str, ...]        # encoder arguments
    pixel_format: str
    long_gop: bool                # inter-frame codec: set the keyframe interval
    audio: tuple[str, ...]        # the audio encoding that goes with it

    def video_args(self, rate: Fraction) -> list[str]:
        gop = ["-g", str(max(1, round(rate * GOP_SECONDS)))] if self.long_gop else []
        return [*self.video, "-pix_fmt", self.pixel_format, *gop]

    def check(self, path: Path) -> None:
        if path.suffix.lower() not in self.containers:
            raise MediaError(f"a {self.name} video cannot be written to '{path.name}': "
                             f"name it with {' or '.join(self.containers)}.")


AAC = ("-c:a", "aac", "-b:a", "256k")
PCM24 = ("-c:a", "pcm_s24le")

PRESETS = {preset.name: preset for preset in (
    VideoPreset("h264", (".mp4", ".mov", ".mkv"),
                ("-c:v", "libx264", "-preset", "medium", "-crf", "18", "-profile:v", "high"),
                "yuv420p", True, AAC),
    # fast and smaller, for proxies, previews and generated clips
    VideoPreset("h264-draft", (".mp4", ".mov", ".mkv"),
                ("-c:v", "libx264", "-preset", "veryfast", "-crf", "20"), "yuv420p", True, AAC),
    # hvc1: the tag Apple players need to open HEVC in MP4
    VideoPreset("h265", (".mp4", ".mov", ".mkv"),
                ("-c:v", "libx265", "-preset", "medium", "-crf", "20", "-tag:v", "hvc1",
                 "-x265-params", "log-level=error"), "yuv420p", True, AAC),
    VideoPreset("prores", (".mov",), ("-c:v", "prores_ks", "-profile:v", "3", "-vendor", "apl0"),
                "yuv422p10le", False, PCM24),
    VideoPreset("dnxhr", (".mov",), ("-c:v", "dnxhd", "-profile:v", "dnxhr_hq"), "yuv422p", False, PCM24),
    # lossless RGB, every frame a keyframe: intermediate segments (lip-synced shots) spliced later;
    # slices let it encode on every core
    VideoPreset("ffv1", (".mkv",), ("-c:v", "ffv1", "-level", "3", "-g", "1", "-slices", "4", "-threads", "0"),
                "gbrp", False, ("-c:a", "flac")),
)}

# Audio for a master whose video is copied, by container.
AUDIO_FOR_CONTAINER = {".mp4": AAC, ".m4v": AAC, ".mov": PCM24, ".mkv": ("-c:a", "flac"),
                       ".webm": ("-c:a", "libopus", "-b:a", "192k")}
# Masters of a source without a picture: AAC in MP4 audio, or lossless FLAC in Matroska audio.
AUDIO_MASTERS = {".m4a": AAC, ".mka": ("-c:a", "flac")}
# Subtitles by container: MP4 and MOV hold only 3GPP timed text; Matroska keeps SRT/ASS as they are.
SUBTITLES_FOR_CONTAINER = {".mp4": "mov_text", ".m4v": "mov_text", ".mov": "mov_text", ".mkv": "copy",
                           ".webm": "webvtt"}


def preset(name: str) -> VideoPreset:
    if name not in PRESETS:
        raise MediaError(f"there is no video preset '{name}': use one of {', '.join(PRESETS)}.")
    return PRESETS[name]
