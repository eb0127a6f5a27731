"""Which part of the film the timeline shows, without Qt: a whole number of samples per pixel and
the absolute pixel at the left edge.

Both are integers so that pixel column i always covers the same samples [i * spp, (i + 1) * spp):
scrolling by whole pixels lets the waveform reuse the columns it already summarised.
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

FRAME_PIXELS = 12  # at the closest zoom one frame is this many pixels wide
ZOOM_STEP = 1.25   # one wheel notch or key press


@dataclass
class Viewport:
    samples_per_frame: Fraction
    duration: int      # samples: the end of the film (or of its last line)
    width: int = 1     # pixels of the timeline area
    spp: int = 2_000   # samples per pixel
    first: int = 0     # the absolute pixel at the left edge

    @property
    def min_spp(self) -> int:
        return max(1, int(self.samples_per_frame / FRAME_PIXELS))

    @property
    def max_spp(self) -> int:
        """The whole film in the width."""
        return max(self.min_spp, -(-max(self.duration, 1) // max(self.width, 1)))

    @property
    def start(self) -> int:
        return self.first * self.spp

    @property
    def stop(self) -> int:
        return (self.first + self.width) * self.spp

    @property
    def max_first(self) -> int:
        return max(0, -(-self.duration // self.spp) - self.width)

    def x(self, sample: int) -> float:
        """The x (from the timeline area's left) where this sample's pixel column starts."""
        return sample / self.spp - self.first

    def sample_at(self, x: float) -> int:
        return int((self.first + x) * self.spp)

    def clamp(self) -> None:
        self.spp = min(max(self.spp, self.min_spp), self.max_spp)
        self.first = min(max(self.first, 0), self.max_first)

    def zoom_to(self, spp: int, anchor_x: float) -> None:
        """Samples per pixel, keeping the sample under anchor_x where it is."""
        anchor = self.sample_at(anchor_x)
        self.spp = min(max(int(spp), self.min_spp), self.max_spp)
        self.first = round(anchor / self.spp - anchor_x)
        self.clamp()

    def zoom_by(self, factor: float, anchor_x: float) -> None:
        """factor > 1 zooms in; always at least one sample per pixel of change, until a limit."""
        spp = round(self.spp / factor)
        if spp == self.spp:
            spp += -1 if factor > 1 else 1
        self.zoom_to(spp, anchor_x)

    def show(self, start: int, stop: int, margin: float = 0.05) -> None:
        """Zoom and scroll so that samples [start, stop) fill the width, with a margin either side."""
        span = max(stop - start, 1)
        pad = int(span * margin)
        self.spp = min(max(-(-(span + 2 * pad) // max(self.width, 1)), self.min_spp), self.max_spp)
        centre = (start + stop) // 2
        self.first = round(centre / self.spp - self.width / 2)
        self.clamp()

    def fit(self) -> None:
        self.spp, self.first = self.max_spp, 0



class Strip:
    """Something made for absolute pixel columns under a key (the zoom, the data's version...): when
    the view scrolls, only the columns that came into sight are made and joined on, and columns more
    than a width out of sight are dropped; a new key makes the view's columns afresh.

    join(left, right) puts two pieces side by side; trim(piece, start, low, high) keeps columns
    [low, high) of a piece that starts at column `start`; make(start, stop), given to cover(), makes
    columns [start, stop)."""

    def __init__(self, join: Callable[[object, object], object], trim: Callable[[object, int, int, int], object]):
        self.join, self.trim = join, trim
        self.key: tuple | None = None
        self.start = self.stop = 0
        self.value = None
        self.version = 0  # bumped whenever value changes

    def cover(self, key: tuple, first: int, width: int, make: Callable[[int, int], object]) -> None:
        stop = first + width
        if key != self.key or stop <= self.start or first >= self.stop:
            self.value, self.start, self.stop = make(first, stop), first, stop
        elif first < self.start or stop > self.stop:
            value, start, end = self.value, self.start, self.stop
            if first < start:
                value, start = self.join(make(first, start), value), first
            if stop > end:
                value, end = self.join(value, make(end, stop)), stop
            low, high = max(start, first - width), min(end, stop + width)
            self.value, self.start, self.stop = self.trim(value, start, low, high), low, high
        else:
            return
        self.key = key
        self.version += 1
