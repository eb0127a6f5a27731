"""Exact time: integer samples at the project rate, frame numbers under a rational frame rate, SMPTE
timecode (drop-frame for 30000/1001 and 60000/1001).

All arithmetic is on integers and Fractions, so every conversion is exact and round trips hold:
frame -> samples -> frame gives the same frame, frame -> timecode -> frame gives the same frame.

Conventions:
- frame N covers the samples whose time t satisfies N / rate <= t < (N + 1) / rate; its first sample is
  the first one at or after N / rate;
- timecode counts frames at the nominal integer rate (30 for 30000/1001, 24 for 24000/1001); with
  drop-frame, labels ;00 and ;01 (;00 to ;03 at 60000/1001) are skipped at the start of every minute
  except each tenth, which keeps the label within a few frames of clock time;
- hours run past 23 rather than wrapping, so every frame of a long programme has its own label.
"""

import re
from fractions import Fraction

from dubstudio.errors import DubStudioError

SAMPLE_RATE = 48_000
SPEECH_RATE = 16_000  # what speech models (Whisper, VAD, speaker embeddings) read, in mono
DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))
_TIMECODE = re.compile(r"(\d{2,}):(\d{2}):(\d{2})([:;.,])(\d{2,3})")


class TimingError(DubStudioError, ValueError):
    """A frame rate or timecode that cannot be read or does not exist."""


def parse_frame_rate(value: str | int | Fraction) -> Fraction:
    """'25', '30000/1001', 24 or a Fraction; the NTSC decimals people type ('29.97', '23.976', '59.94')
    mean their exact rates N*1000/1001."""
    if isinstance(value, float):
        raise TypeError("a frame rate must be exact: pass a string, an int or a Fraction, not a float")
    try:
        rate = Fraction(value)
    except (ValueError, ZeroDivisionError, TypeError):
        raise TimingError(f"'{value}' is not a frame rate: write it as a number or a ratio, "
                          "e.g. 25 or 30000/1001.") from None
    if isinstance(value, str) and "." in value and rate.denominator != 1:
        ntsc = Fraction(round(rate * Fraction(1001, 1000)) * 1000, 1001)
        if abs(rate - ntsc) < Fraction(1, 100):
            rate = ntsc
    if not 0 < rate <= 1000:
        raise TimingError(f"{value} fps is not a usable frame rate: give a rate between 1 and 1000 fps.")
    return rate


def format_frame_rate(rate: Fraction) -> str:
    """'25' or '30000/1001': the exact form, which parse_frame_rate reads back."""
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def is_drop_frame(rate: Fraction) -> bool:
    return rate in DROP_FRAME_RATES


def timecode_base(rate: Fraction) -> int:
    """Frames per timecode second: the rate rounded up (30 for 30000/1001)."""
    return -(-rate.numerator // rate.denominator)


def samples_to_frame(samples: int, rate: Fraction, sample_rate: int = SAMPLE_RATE) -> int:
    """The frame that contains this sample."""
    return samples * rate.numerator // (sample_rate * rate.denominator)


def frame_to_samples(frame: int, rate: Fraction, sample_rate: int = SAMPLE_RATE) -> int:
    """The first sample of this frame (rounding up keeps samples_to_frame of it equal to frame)."""
    return -(-frame * sample_rate * rate.denominator // rate.numerator)


def frame_to_timecode(frame: int, rate: Fraction) -> str:
    """'HH:MM:SS:FF', or 'HH:MM:SS;FF' for drop-frame rates."""
    if frame < 0:
        raise TimingError(f"Frame {frame} is before the start of the programme: timecode starts at frame 0.")
    base = timecode_base(rate)
    label = frame
    if is_drop_frame(rate):
        drop = base // 15
        per_minute, per_ten = base * 60 - drop, base * 600 - 9 * drop
        tens, rest = divmod(frame, per_ten)
        # Add back the labels skipped before this frame: 9 minutes' worth per whole ten minutes, then
        # one minute's worth per minute started after the first one of this ten.
        label += 9 * drop * tens + (drop * ((rest - drop) // per_minute) if rest >= drop else 0)
    seconds, frames = divmod(label, base)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    width = len(str(base - 1))
    separator = ";" if is_drop_frame(rate) else ":"
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{frames:0{width}d}"


def timecode_to_frame(text: str, rate: Fraction) -> int:
    """The frame a timecode label names; either ':' or ';' may separate the frames."""
    match = _TIMECODE.fullmatch(text.strip())
    if not match:
        raise TimingError(f"'{text}' is not a timecode: write it as HH:MM:SS:FF, e.g. 01:02:03:04.")
    hours, minutes, seconds, _, frames = match.groups()
    hours, minutes, seconds, frames = int(hours), int(minutes), int(seconds), int(frames)
    base = timecode_base(rate)
    if minutes > 59 or seconds > 59 or frames >= base:
        raise TimingError(f"'{text}' is out of range: minutes and seconds go to 59 and frames to "
                          f"{base - 1} at {format_frame_rate(rate)} fps.")
    label = ((hours * 60 + minutes) * 60 + seconds) * base + frames
    if not is_drop_frame(rate):
        return label
    drop = base // 15
    if seconds == 0 and frames < drop and minutes % 10:
        raise TimingError(f"'{text}' does not exist in drop-frame timecode: frames 00 to {drop - 1:02d} are "
                          "skipped at the start of each minute except every tenth.")
    total_minutes = hours * 60 + minutes
    return label - drop * (total_minutes - total_minutes // 10)


def samples_to_timecode(samples: int, rate: Fraction, sample_rate: int = SAMPLE_RATE) -> str:
    """The timecode of the frame that contains this sample."""
    return frame_to_timecode(samples_to_frame(samples, rate, sample_rate), rate)


def timecode_to_samples(text: str, rate: Fraction, sample_rate: int = SAMPLE_RATE) -> int:
    """The first sample of the frame a timecode names."""
    return frame_to_samples(timecode_to_frame(text, rate), rate, sample_rate)
