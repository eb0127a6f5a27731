"""An OpenTimelineIO timeline of the dub, for an editor or a DAW: the picture, the M&E, and one audio
track per speaker per language whose clips point at the takes, all at exact sample positions."""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from dubstudio.timing import SAMPLE_RATE as RATE


@dataclass(frozen=True)
class TakeClip:
    start: int       # project samples
    length: int
    path: Path       # the take's audio file
    name: str


def build_timeline(name: str, video: Path | None, frames: int, fps: Fraction, music_effects: Path,
                   length: int, tracks: dict[str, list[TakeClip]]):
    """tracks: track name (e.g. "es · Maya") -> its takes."""
    import opentimelineio as otio

    def samples(n: int) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(n, RATE)

    def clip(clip_name: str, path: Path, duration: int) -> otio.schema.Clip:
        return otio.schema.Clip(name=clip_name,
                                media_reference=otio.schema.ExternalReference(target_url=path.resolve().as_uri()),
                                source_range=otio.opentime.TimeRange(samples(0), samples(duration)))

    timeline = otio.schema.Timeline(name=name)
    if video is not None:
        picture = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
        rate = float(fps)  # OTIO rates are floats; frame counts stay integers
        picture.append(otio.schema.Clip(
            name=video.name, media_reference=otio.schema.ExternalReference(target_url=video.resolve().as_uri()),
            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate),
                                                 otio.opentime.RationalTime(frames, rate))))
        timeline.tracks.append(picture)
    bed = otio.schema.Track(name="M&E", kind=otio.schema.TrackKind.Audio)
    bed.append(clip("M&E", music_effects, length))
    timeline.tracks.append(bed)
    for track_name, takes in tracks.items():
        lanes: list[list] = []  # [track, end of its last clip]; a take that overlaps goes a lane down
        for take in sorted(takes, key=lambda t: t.start):
            lane = next((lane for lane in lanes if lane[1] <= take.start), None)
            if lane is None:
                suffix = f" ({len(lanes) + 1})" if lanes else ""
                lane = [otio.schema.Track(name=track_name + suffix, kind=otio.schema.TrackKind.Audio), 0]
                lanes.append(lane)
            if take.start > lane[1]:
                gap = otio.opentime.TimeRange(samples(0), samples(take.start - lane[1]))
                lane[0].append(otio.schema.Gap(source_range=gap))
            lane[0].append(clip(take.name, take.path, take.length))
            lane[1] = take.start + take.length
        timeline.tracks.extend(lane[0] for lane in lanes)
    return timeline


def write_timeline(timeline, path: Path) -> Path:
    import opentimelineio as otio

    otio.adapters.write_to_file(timeline, str(path))
    return path
