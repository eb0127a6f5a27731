"""Pictures of the timeline's data tracks made with numpy, one array operation per track rather than
one QPainter call per pixel or per block: waveforms from their summaries, speaker lanes from their
block columns. Each is kept as a Strip of absolute pixel columns, so a scroll makes only the columns
that came into sight; a paint draws the visible part of one QImage per track.
"""

import numpy as np
from dubstudio.ui.timeline.layout import BlockState, Lane
from dubstudio.ui.timeline.viewport import Strip
from PySide6.QtGui import QColor, QImage

from dubstudio.media import Waveform

SAMPLE_LEVEL = 1024  # under this many samples a pixel a summary needs the samples themselves


def argb(colour: str) -> int:
    return QColor(colour).rgba()


class PixelStrip(Strip):
    """A Strip of [height, columns] arrays of opaque colours, and the QImage over them."""

    def __init__(self):
        super().__init__(lambda left, right: np.concatenate([left, right], axis=1),
                         lambda pixels, start, low, high: np.ascontiguousarray(pixels[:, low - start:high - start]))
        self._image: tuple[int, QImage] | None = None

    def image(self) -> QImage:
        """The columns [start, stop) as an image, drawn by copying (opaque: no blending)."""
        if self._image is None or self._image[0] != self.version:
            pixels = self.value
            height, width = pixels.shape
            image = QImage(pixels.data, width, height, 4 * width, QImage.Format.Format_RGB32)
            image.keep = pixels  # the image reads the array's memory
            self._image = (self.version, image)
        return self._image[1]


class WaveformStrip:
    """A waveform's picture. Column i covers samples [i * spp, (i + 1) * spp), whatever the scroll."""

    def __init__(self, waveform: Waveform, peak: str, rms: str, line: str):
        self.waveform = waveform
        self.colours = tuple(np.uint32(argb(colour)) for colour in (peak, rms, line))
        self.pixels = PixelStrip()

    def columns(self, first: int, count: int, spp: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """min, max, rms of columns [first, first + count); NaN outside the audio."""
        if spp < SAMPLE_LEVEL and self.waveform.reader is None:
            # no samples to read: the finest summary, each value spread over the columns it covers
            group = -(-SAMPLE_LEVEL // spp)
            low, high = first // group, -(-(first + count) // group)
            peaks = self.waveform.span(low * group * spp, high * group * spp, high - low)
            pick = np.arange(first, first + count) // group - low
            return peaks.min[pick], peaks.max[pick], peaks.rms[pick]
        # One column more than asked, dropped: the summary gives a block straddling the last column's
        # end to the next column, as in a span of the whole view, so pieces join seamlessly.
        peaks = self.waveform.span(first * spp, (first + count + 1) * spp, count + 1)
        return peaks.min[:count], peaks.max[:count], peaks.rms[:count]

    def image(self, first: int, width: int, spp: int, height: int, background: int) -> tuple[QImage, int]:
        """The picture of columns covering [first, first + width), and its first column."""
        self.pixels.cover((spp, height, background), first, width,
                          lambda start, stop: self._draw(*self.columns(start, stop - start, spp), height, background))
        return self.pixels.image(), self.pixels.start

    def _draw(self, lows: np.ndarray, highs: np.ndarray, rms: np.ndarray, height: int, background: int) -> np.ndarray:
        half = (height - 1) / 2
        rows = np.arange(height, dtype=np.float32)[:, None]
        with np.errstate(invalid="ignore"):  # NaN columns (outside the audio) stay clear
            top = np.floor(half - np.clip(highs, -1, 1) * half)
            bottom = np.maximum(np.ceil(half - np.clip(lows, -1, 1) * half), top)
            peak = (rows >= top) & (rows <= bottom)
            inner = peak & (np.abs(rows - half) <= rms * half)
        peak_colour, rms_colour, line_colour = self.colours
        pixels = np.full(peak.shape, background, np.uint32)
        pixels[int(half)] = line_colour
        pixels[peak] = peak_colour
        pixels[inner] = rms_colour
        return pixels


class LanePalette:
    """Fill and border colours by block code (0: no block; 1 + 2 * state + selected)."""

    def __init__(self, fills: dict[BlockState, str], take: str, over_take: str):
        fill, border = [0], [0]
        for state in BlockState:
            colour = QColor(fills[state])
            for selected in (False, True):
                fill.append((colour.lighter(135) if selected else colour).rgba())
                border.append(argb("#ffffff") if selected else colour.darker(170).rgba())
        self.fill = np.array(fill, np.uint32)
        self.border = np.array(border, np.uint32)
        self.take, self.over_take = np.uint32(argb(take)), np.uint32(argb(over_take))


def block_columns(starts: np.ndarray, ends: np.ndarray, first: int, width: int, spp: int):
    """Pixel columns [x0, x1) of sample ranges from column `first`, at least one column each, clipped to
    [0, width]."""
    x0 = np.clip(starts // spp - first, 0, width)
    x1 = np.clip(-(-ends // spp) - first, 0, width)
    return x0, np.minimum(np.maximum(x1, x0 + 1), width)


def lane_pixels(lane: Lane, selected: np.ndarray, first: int, width: int, spp: int, height: int, margin: int,
                palette: LanePalette, background: int) -> np.ndarray:
    """The lane's blocks in columns [first, first + width): [height, width] colours, the blocks `margin`
    rows in from the top and the bottom. `selected`: a flag per block of the lane."""
    start, stop = first * spp, (first + width) * spp
    i0, i1 = lane.visible(start, stop)
    x0, x1 = block_columns(lane.starts[i0:i1], lane.ends[i0:i1], first, width, spp)
    # Blocks narrower than a pixel share columns: each column shows the first block in it, so the
    # columns never overlap and a running sum of +code at x0 and -code at x1 names each one's block.
    if len(x0) > 1:
        x0[1:] = np.maximum(x0[1:], np.maximum.accumulate(x1)[:-1])
    x1 = np.maximum(x1, x0)
    codes = 1 + 2 * lane.states[i0:i1].astype(np.int64) + selected[i0:i1]
    steps = np.bincount(x0, codes, width + 1) - np.bincount(x1, codes, width + 1)
    code = np.cumsum(steps[:width]).round().astype(np.int64)
    fills, borders = palette.fill.copy(), palette.border.copy()
    fills[0] = borders[0] = background
    fill, border = fills[code], borders[code]
    # side borders where a block of three columns or more really starts or ends (not where it is cut)
    wide = (x1 - x0) >= 3
    edge = np.zeros(width + 1, bool)
    edge[x0[wide & (lane.starts[i0:i1] >= start)]] = True
    edge[x1[wide & (lane.ends[i0:i1] <= stop)] - 1] = True
    body = np.where(edge[:width], border, fill)
    pixels = np.empty((height, width), np.uint32)
    pixels[:margin] = pixels[height - margin:] = background
    blocks = pixels[margin:height - margin]  # a view: what is written to it lands in pixels
    blocks[:] = body
    blocks[0] = blocks[-1] = border
    # The chosen take's extent, a bar at the bottom: light inside the slot, red past it.
    k0, k1 = lane.visible(start - lane.overhang, stop + lane.lead)
    reach = (lane.take_starts[k0:k1] >= 0) & (lane.take_starts[k0:k1] < stop) & (lane.take_ends[k0:k1] > start)
    takes = np.flatnonzero(reach) + k0
    if len(takes):
        t0, t1 = block_columns(lane.take_starts[takes], lane.take_ends[takes], first, width, spp)
        cover = np.cumsum(np.bincount(t0, minlength=width + 1) - np.bincount(t1, minlength=width + 1))[:width] > 0
        bar_rows = max(2, len(blocks) // 5)
        blocks[-1 - bar_rows:-1, cover] = np.where(code > 0, palette.take, palette.over_take)[cover]
    return pixels
