"""The timecode ruler's ticks, without Qt: labelled major ticks far enough apart for their text and
minor ticks between them, down to one tick a frame when a frame is wide enough.

Ticks fall on round timecode labels (every 10 s, every 5 frames...), counted in labels rather than
frames so that drop-frame rulers read 00:01:00;02 rather than drifting off the round values.
"""

from dataclasses import dataclass
from fractions import Fraction

from dubstudio import timing

LABEL_PIXELS = 110   # labelled ticks at least this far apart ("00:00:00:00" and some air)
TICK_PIXELS = 6      # minor ticks at least this far apart
SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


@dataclass(frozen=True)
class Ticks:
    major: list[tuple[int, str]]  # (sample, timecode label)
    minor: list[int]              # samples
    major_step: int               # in timecode labels (frames at the nominal rate)
    minor_step: int | None


def label_steps(rate: Fraction) -> list[int]:
    """Tick spacings in labels: the frame counts that divide a second, then whole seconds."""
    base = timing.timecode_base(rate)
    return [k for k in range(1, base) if base % k == 0] + [base * seconds for seconds in SECOND_STEPS]


def _label_of(frame: int, rate: Fraction) -> int:
    """The timecode label's count (hours, minutes, seconds and frames as one number)."""
    if not timing.is_drop_frame(rate):
        return frame
    hours, minutes, seconds, frames = (int(part) for part in timing.frame_to_timecode(frame, rate)
                                       .replace(";", ":").split(":"))
    return ((hours * 60 + minutes) * 60 + seconds) * timing.timecode_base(rate) + frames


def _frame_of(label: int, rate: Fraction, whole_second: bool) -> int | None:
    """The frame a label names; for a drop-frame label that does not exist, the first frame of its
    second when it marks a whole second, else None (no tick)."""
    if not timing.is_drop_frame(rate):
        return label
    base = timing.timecode_base(rate)
    seconds, frames = divmod(label, base)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    drop = base // 15
    if seconds == 0 and frames < drop and minutes % 10:
        if not whole_second:
            return None
        frames = drop
    return timing.timecode_to_frame(f"{hours:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}", rate)


def _ticks(first: int, last: int, step: int, rate: Fraction) -> list[int]:
    """Frames in [first, last] whose label is a multiple of step."""
    base = timing.timecode_base(rate)
    label = -(-_label_of(first, rate) // step) * step
    stop = _label_of(last, rate)
    frames = []
    while label <= stop:
        frame = _frame_of(label, rate, step % base == 0)
        if frame is not None and first <= frame <= last:
            frames.append(frame)
        label += step
    return frames


def ruler_ticks(start: int, stop: int, spp: float, rate: Fraction) -> Ticks:
    """Ticks for samples [start, stop) drawn at spp samples per pixel."""
    pixels_per_label = timing.SAMPLE_RATE / rate / spp
    steps = label_steps(rate)
    major = next((k for k in steps if k * pixels_per_label >= LABEL_PIXELS), steps[-1])
    minor = next((k for k in steps if k < major and major % k == 0 and k * pixels_per_label >= TICK_PIXELS), None)
    first = timing.samples_to_frame(max(start, 0), rate)
    last = timing.samples_to_frame(max(stop, 0), rate)
    labelled = _ticks(first, last, major, rate)
    between = _ticks(first, last, minor, rate) if minor else []
    marked = set(labelled)
    return Ticks([(timing.frame_to_samples(f, rate), timing.frame_to_timecode(f, rate)) for f in labelled],
                 [timing.frame_to_samples(f, rate) for f in between if f not in marked], major, minor)
