"""Drawing the timeline from ready data: cached images of waveforms and lanes, decoded thumbnails,
ruler ticks computed once per view. Nothing here reads the project or decodes media."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from dubstudio.ui.timeline.images import LanePalette, PixelStrip, block_columns, lane_pixels
from dubstudio.ui.timeline.layout import BlockState
from dubstudio.ui.timeline.ruler import LABEL_PIXELS, ruler_ticks
from dubstudio.ui.timeline.viewport import Strip
from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from dubstudio import timing

if TYPE_CHECKING:
    from dubstudio.ui.timeline.view import TimelineView

GUTTER = 96          # the track names, left of the timeline area
LABEL_MIN = 28       # blocks narrower than this show no text
LANE_MARGIN = 3      # between a lane's edge and its blocks

BACKGROUND = QColor("#1e1f22")
TRACK_BACKGROUNDS = (QColor("#25272b"), QColor("#2a2c31"))
GUTTER_BACKGROUND = QColor("#18191b")
RULER_BACKGROUND = QColor("#33363c")
TEXT = QColor("#c8c8c8")
TICK = QColor("#9a9a9a")
LABEL_TEXT = QColor("#101010")
PLACEHOLDER = QColor("#3a3d44")
PLAYHEAD = QColor("#ffd21f")
DRAG_OUTLINE = QColor("#ffffff")
BLOCK_COLOURS = {
    BlockState.NO_TAKE: "#6f7378",
    BlockState.FITS: "#4caf6a",
    BlockState.OVER: "#d9534f",
    BlockState.FLAGGED: "#e8a23a",
    BlockState.APPROVED: "#4a86d8",
}
DIALOGUE_COLOURS = ("#4f8fbf", "#8cc4ec", "#9a9a9a")  # peaks, RMS, the zero line
EFFECTS_COLOURS = ("#8a6fb8", "#b9a2e0", "#9a9a9a")
PALETTE = LanePalette(BLOCK_COLOURS, take="#f2f2f2", over_take="#ff2d2d")


@dataclass(frozen=True)
class Track:
    kind: str    # ruler, video, dialogue, lane or effects
    name: str
    y: int
    height: int
    speaker_id: int | None = None  # lanes only


def _join_ticks(left: tuple, right: tuple) -> tuple[np.ndarray, np.ndarray, list[str]]:
    return np.concatenate([left[0], right[0]]), np.concatenate([left[1], right[1]]), left[2] + right[2]


def _trim_ticks(ticks: tuple[np.ndarray, np.ndarray, list[str]], start: int, low: int, high: int):
    minor, major, labels = ticks
    keep = (major >= low) & (major < high)
    return minor[(minor >= low) & (minor < high)], major[keep], [label for label, kept in zip(labels, keep) if kept]


class Painter:
    """Paints a TimelineView; keeps what it computed for the current view (ticks, lane images)."""

    def __init__(self, view: "TimelineView"):
        self.view = view
        self.font = QFont(view.font())
        self.font.setPointSizeF(max(7.0, self.font.pointSizeF() * 0.85))
        self.ruler = Strip(_join_ticks, _trim_ticks)  # tick columns: minor, major, and the major ones' labels
        self.lanes: dict[int | None, PixelStrip] = {}  # by speaker

    def forget_lanes(self) -> None:
        self.lanes.clear()

    def paint(self, p: QPainter, clip: QRect) -> None:
        view = self.view
        p.setFont(self.font)
        top, bottom = clip.top(), clip.bottom()
        for i, track in enumerate(view.tracks):
            if track.y > bottom or track.y + track.height < top:
                continue
            # each track paints all of its rectangle once: over a million pixels, overdraw counts
            draw = getattr(self, f"_{track.kind}")
            draw(p, track, TRACK_BACKGROUNDS[i % 2])
        end = view.tracks[-1].y + view.tracks[-1].height if view.tracks else 0
        p.fillRect(QRect(GUTTER, end, view.viewport.width, view.height() - end), BACKGROUND)
        if clip.left() < GUTTER:
            self._gutter(p)
        self._playhead(p)
        if view.drag is not None:
            self._drag(p)

    def x(self, sample: int) -> float:
        return GUTTER + self.view.viewport.x(sample)

    # -- tracks ------------------------------------------------------------------------------------

    def _ruler(self, p: QPainter, track: Track, background: QColor) -> None:
        vp, rate = self.view.viewport, self.view.frame_rate
        p.fillRect(QRect(GUTTER, track.y, vp.width, track.height), RULER_BACKGROUND)

        def make(start: int, stop: int):  # tick columns (absolute) in [start, stop), and labels
            ticks = ruler_ticks(start * vp.spp, stop * vp.spp, vp.spp, rate)
            minor = np.array(ticks.minor, np.float64) / vp.spp
            major = np.array([sample for sample, _ in ticks.major], np.float64) / vp.spp
            keep = (major >= start) & (major < stop)
            return (minor[(minor >= start) & (minor < stop)], major[keep],
                    [label for (_, label), kept in zip(ticks.major, keep) if kept])
        self.ruler.cover((vp.spp, rate), vp.first, vp.width, make)
        minor, major, labels = self.ruler.value
        bottom, first, last = track.y + track.height, vp.first - 1, vp.first + vp.width
        p.setPen(TICK)
        p.drawLines([QLineF(x, bottom - 5, x, bottom) for x in minor[(minor > first) & (minor < last)] - vp.first + GUTTER])
        shown = np.flatnonzero((major > first - LABEL_PIXELS) & (major < last))
        p.drawLines([QLineF(major[i] - vp.first + GUTTER, bottom - 12, major[i] - vp.first + GUTTER, bottom) for i in shown])
        p.setPen(TEXT)
        p.setClipRect(QRect(GUTTER, track.y, vp.width, track.height))
        for i in shown:
            p.drawText(QPointF(major[i] - vp.first + GUTTER + 3, track.y + 12), labels[i])
        p.setClipping(False)

    def _video(self, p: QPainter, track: Track, background: QColor) -> None:
        view = self.view
        p.fillRect(QRect(GUTTER, track.y, view.viewport.width, track.height), background)
        if view.loader is None or view.thumbnail_error:
            p.setPen(TICK)
            p.drawText(QRect(GUTTER + 6, track.y, 400, track.height), Qt.AlignmentFlag.AlignVCenter,
                       view.thumbnail_error or "No video")
            return
        height = view.thumbnail_height
        rate, vp = view.frame_rate, view.viewport
        width = view.thumbnails.widths.get(height) or round(height * 16 / 9)
        frame_pixels = float(timing.SAMPLE_RATE / rate) / vp.spp
        step = 1
        while step * frame_pixels < width:
            step *= 2  # powers of two: zooming in keeps half the pictures, zooming out all of them
        first = timing.samples_to_frame(max(vp.start, 0), rate) // step * step
        last = timing.samples_to_frame(vp.stop, rate)
        y = track.y + (track.height - height) // 2
        missing = []
        for frame in range(first, last + 1, step):
            x = self.x(timing.frame_to_samples(frame, rate))
            image = view.thumbnails.get(frame, height)
            if image is not None:
                p.drawImage(QPointF(x, y), image)
            elif (frame, height) not in view.thumbnails:
                p.fillRect(QRectF(x, y, width - 1, height), PLACEHOLDER)
                missing.append(frame)
        view.want_thumbnails(missing)

    def _waveform(self, p: QPainter, track: Track, background: QColor, strip) -> None:
        vp = self.view.viewport
        if strip is None:
            p.fillRect(QRect(GUTTER, track.y, vp.width, track.height), background)
            p.setPen(TICK)
            middle = track.y + track.height // 2
            p.drawLine(GUTTER, middle, GUTTER + vp.width, middle)
        else:
            image, start = strip.image(vp.first, vp.width, vp.spp, track.height, background.rgba())
            p.drawImage(QPoint(GUTTER, track.y), image, QRect(vp.first - start, 0, vp.width, track.height))

    def _dialogue(self, p: QPainter, track: Track, background: QColor) -> None:
        self._waveform(p, track, background, self.view.dialogue)

    def _effects(self, p: QPainter, track: Track, background: QColor) -> None:
        self._waveform(p, track, background, self.view.effects)

    def _lane(self, p: QPainter, track: Track, background: QColor) -> None:
        view, vp = self.view, self.view.viewport
        lane = view.model.lane_of(track.speaker_id)
        strip = self.lanes.setdefault(track.speaker_id, PixelStrip())
        selected = view.selected_flags(lane)
        strip.cover((lane.version, view.selection_version, vp.spp, track.height, background.rgba()), vp.first,
                    vp.width, lambda start, stop: lane_pixels(lane, selected, start, stop - start, vp.spp, track.height,
                                                              LANE_MARGIN, PALETTE, background.rgba()))
        p.drawImage(QPoint(GUTTER, track.y), strip.image(), QRect(vp.first - strip.start, 0, vp.width, track.height))
        top, height = track.y + LANE_MARGIN, track.height - 2 * LANE_MARGIN
        # labels on the blocks wide enough for some text: a few dozen at most
        i0, i1 = lane.visible(vp.start, vp.stop)
        x0, x1 = block_columns(lane.starts[i0:i1], lane.ends[i0:i1], vp.first, vp.width, vp.spp)
        wide = np.flatnonzero((x1 - x0) >= LABEL_MIN)
        if not len(wide):
            return
        p.setPen(LABEL_TEXT)
        text_height = height - max(2, height // 5) - 2
        for k in wide:  # a block cut by the left edge keeps its label in sight
            p.drawText(QRectF(GUTTER + int(x0[k]) + 4, top + 1, int(x1[k] - x0[k]) - 8, text_height),
                       Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine, lane.blocks[i0 + k].label)

    # -- overlays ----------------------------------------------------------------------------------

    def _gutter(self, p: QPainter) -> None:
        view = self.view
        p.fillRect(QRect(0, 0, GUTTER, view.height()), GUTTER_BACKGROUND)
        p.setPen(TEXT)
        for track in view.tracks:
            p.drawText(QRect(6, track.y, GUTTER - 10, track.height),
                       Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine, track.name)

    def _playhead(self, p: QPainter) -> None:
        view = self.view
        x = self.x(view.playhead)
        if not GUTTER <= x <= GUTTER + view.viewport.width:
            return
        bottom = view.tracks[-1].y + view.tracks[-1].height if view.tracks else view.height()
        p.fillRect(QRectF(x - 1, 0, 2, bottom), PLAYHEAD)
        p.setBrush(PLAYHEAD)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 8)]))

    def _drag(self, p: QPainter) -> None:
        view, drag = self.view, self.view.drag
        track = next(t for t in view.tracks if t.kind == "lane" and t.speaker_id == drag.block.speaker_id)
        pen = QPen(DRAG_OUTLINE, 1, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        left, right = self.x(drag.start), self.x(drag.end)
        p.drawRect(QRectF(left, track.y + 1, max(right - left, 1), track.height - 2))
        edge = drag.start if drag.edge == "start" else drag.end
        p.setPen(DRAG_OUTLINE)
        p.drawText(QPointF(self.x(edge) + 4, track.y - 2), view.timecode(edge))
