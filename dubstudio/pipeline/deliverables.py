"""What a render delivers besides the mixes, chosen in the render dialog or on `dubstudio render`'s command
line; the defaults are what `dubstudio render` has always written.

Files a render needs but the user did not ask for (a mix when stems are off, a subtitle file that is
only burned in) go to a work folder that the render deletes when it ends.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dubstudio.errors import DubStudioError
from dubstudio.media.burn import burn_subtitles
from dubstudio.media.presets import PRESETS as VIDEO_PRESETS

SUBTITLE_FORMATS = ("srt", "vtt", "ass")
# a picture re-encoded only to burn subtitles in: the quality preset that MP4, MOV and MKV all take
BURN_PRESET = "h264"


@dataclass(frozen=True)
class Deliverables:
    original_track: bool = True          # the source's audio as the master's first track
    stems: bool = True                   # M&E, dialogue and mix WAVs under stems/
    subtitle_tracks: bool = True         # a subtitle track per dub language in the master
    subtitle_files: bool = True          # SRT, WebVTT and ASS per language beside the master
    burn_subtitles: str | None = None    # the dub language whose subtitles are drawn into the picture
    timeline: bool = True                # an OTIO timeline, with the takes it places under takes/
    video_preset: str | None = None      # None: the picture is copied; else a dubstudio.media.presets name

    def check(self, languages: list[str], container: str) -> None:
        """A clear sentence for a combination that cannot be delivered, before anything is written."""
        if self.video_preset is not None and self.video_preset not in VIDEO_PRESETS:
            raise DubStudioError(f"there is no video preset '{self.video_preset}': use one of "
                                 f"{', '.join(VIDEO_PRESETS)}.")
        preset = VIDEO_PRESETS.get(self.video_preset or BURN_PRESET)
        if (self.video_preset or self.burn_subtitles) and container not in preset.containers:
            raise DubStudioError(f"a {preset.name} picture cannot go into a {container} master: choose "
                                 f"{' or '.join(c.lstrip('.') for c in preset.containers)}.")
        if self.burn_subtitles and self.burn_subtitles not in languages:
            raise DubStudioError(f"subtitles in '{self.burn_subtitles}' cannot be burned in: it is not one of the "
                                 f"languages rendered ({', '.join(languages)}).")

    def stem_folder(self, out: Path, work: Path) -> Path:
        return out / "stems" if self.stems else work

    def subtitle_formats(self, language: str) -> tuple[str, ...]:
        """The subtitle files to write for a language: all when delivered, else those the master needs
        (SRT for a track, ASS to burn), or none."""
        if self.subtitle_files:
            return SUBTITLE_FORMATS
        needed = ("srt",) if self.subtitle_tracks else ()
        return needed + (("ass",) if self.burn_subtitles == language else ())


def subtitle_base(deliverables: Deliverables, out: Path, work: Path, name: str) -> Path:
    return (out if deliverables.subtitle_files else work) / name


def picture(deliverables: Deliverables, video: Path, burn: Path | None, work: Path,
            progress: Callable[[str, int, int], None] | None = None) -> tuple[Path, str | None]:
    """(the video the master takes its picture from, the preset the mux encodes it with: None copies).
    With subtitles to burn in, the picture is encoded once here, and the mux copies it."""
    if burn is None:
        return video, deliverables.video_preset
    preset = deliverables.video_preset or BURN_PRESET
    burned = burn_subtitles(video, burn, work / f"burned{VIDEO_PRESETS[preset].containers[0]}", preset,
                            progress=progress)
    return burned, None
