"""The timeline: timecode ruler, thumbnails, the original dialogue's waveform, one lane per speaker
with the dub lines of the language being edited, the M&E lane and the playhead.

A custom QWidget painted with QPainter rather than a QGraphicsView: 2,000 blocks as scene items
would each cost an object, a BSP-index entry and a paint call, while here each lane and waveform is
one numpy-made image of absolute pixel columns (a scroll makes only the columns that came into
sight), the visible blocks are found by bisection, and only blocks wide enough get a text label.

The view never writes the project: it emits requests (select, seek, retime, split, merge) that the
window turns into Session calls, and redraws what `apply_changes` says changed.
"""

from fractions import Fraction
from pathlib import Path

import numpy as np
from dubstudio.ui.timeline.images import WaveformStrip
from dubstudio.ui.timeline.input import TimelineInput
from dubstudio.ui.timeline.layout import BlockReader, Lane, TimelineModel
from dubstudio.ui.timeline.paint import DIALOGUE_COLOURS, EFFECTS_COLOURS, GUTTER, LANE_MARGIN, Painter, Track
from dubstudio.ui.timeline.snapping import EdgeDrag
from dubstudio.ui.timeline.thumbs import ThumbnailCache, ThumbnailLoader
from dubstudio.ui.timeline.viewport import ZOOM_STEP, Viewport
from PySide6.QtCore import QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QScrollBar, QWidget

from dubstudio import timing
from dubstudio.media import Waveform
from dubstudio.project import OpChanges, Project

RULER_HEIGHT, VIDEO_HEIGHT, DIALOGUE_HEIGHT, EFFECTS_HEIGHT = 24, 46, 64, 48
LANE_HEIGHTS = (24, 48)  # lanes share the room left, within these bounds
THUMBNAIL_HEIGHT = 40
FOLLOW_MARGIN = 0.1      # following the playhead puts it this far into the view


class TimelineView(TimelineInput, QWidget):
    selectionRequested = Signal(tuple)            # line ids, script order
    seekRequested = Signal(int)                   # samples
    retimeRequested = Signal(int, int, int)       # line id, start, end
    splitRequested = Signal(int, int)             # line id, at sample
    mergeRequested = Signal(int, int)             # first line id, second line id
    viewChanged = Signal()                        # zoom, scroll or follow changed: view_state() to keep

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(GUTTER + 200, 200)
        self._scroll = QScrollBar(Qt.Orientation.Horizontal, self)
        self._scroll.valueChanged.connect(self._scrolled)
        self.frame_rate = Fraction(25)
        self.viewport = Viewport(timing.SAMPLE_RATE / self.frame_rate, timing.SAMPLE_RATE * 60)
        self.model = TimelineModel([], {})
        self.tracks: list[Track] = []
        self.dialogue: WaveformStrip | None = None
        self.effects: WaveformStrip | None = None
        self.thumbnails = ThumbnailCache()
        self.thumbnail_height = THUMBNAIL_HEIGHT
        self.thumbnail_error: str | None = None
        self.loader: ThumbnailLoader | None = None
        self.playhead = 0
        self.selection: tuple[int, ...] = ()
        self.selection_version = 0
        self.drag: EdgeDrag | None = None
        self._project: Project | None = None
        self.language = ""
        self._reader: BlockReader | None = None
        self._waveform_end = 0
        self._selected: dict[int | None, tuple[int, int, np.ndarray]] = {}
        self._anchor: int | None = None   # where Shift-click extends from
        self._press: tuple[str, float, int] | None = None  # (what, x, first pixel) of a press in progress
        self._moved = False
        self._grab = 0                    # samples between the press and the grabbed edge
        self._follow = True
        self._fitted = True               # the whole film is shown: a resize shows it all again
        self._wanted: list[int] = []
        self._mouse: QPointF | None = None  # where the mouse was last seen over the view
        self._painter = Painter(self)
        self._layout_tracks()

    # -- API ---------------------------------------------------------------------------------------

    def set_project(self, project: Project, language: str, *, dialogue: Waveform | None = None,
                    effects: Waveform | None = None, video_path: Path | None = None) -> None:
        """Show a project's lines in one language over these waveforms (project-rate summaries) and video.
        Called again for the same project (say, once its waveforms are ready), it keeps the selection and
        the decoded thumbnails; the view shows the whole film until restore_view_state()."""
        for waveform in (dialogue, effects):
            if waveform is not None and waveform.rate != timing.SAMPLE_RATE:
                raise ValueError(f"The timeline draws waveforms summarised at the project rate ({timing.SAMPLE_RATE} "
                                 f"Hz), not {waveform.rate} Hz: give it the summary of the decoded audio.")
        same = project is self._project
        video_path = Path(video_path) if video_path is not None else None
        if not (same and self.loader is not None and self.loader.path == video_path):
            self._close_loader()
            self.thumbnails, self.thumbnail_error, self._wanted = ThumbnailCache(), None, []
            if video_path is not None:
                self.loader = ThumbnailLoader(video_path, self.thumbnail_height)
                self.loader.loaded.connect(self._thumbnail_loaded)
                self.loader.failed.connect(self._thumbnail_failed)
        self._project, self.language = project, language
        self.frame_rate = project.settings.frame_rate
        self._reader = BlockReader(project, language)
        self.model = self._reader.model()
        strips = ((dialogue, DIALOGUE_COLOURS), (effects, EFFECTS_COLOURS))
        self.dialogue, self.effects = (WaveformStrip(w, *colours) if w is not None else None for w, colours in strips)
        self._waveform_end = max((w.samples for w in (dialogue, effects) if w is not None), default=0)
        self.viewport = Viewport(timing.SAMPLE_RATE / self.frame_rate, self._duration(), self.viewport.width)
        self.selection = tuple(i for i in self.selection if i in self.model.blocks) if same else ()
        self._anchor, self.drag = (self.selection[0] if self.selection else None), None
        self._selection_changed()
        self._layout_tracks()
        self.zoom_to_fit()

    def apply_changes(self, changes: OpChanges) -> None:
        """Redraw what an operation, undo, redo or job result changed."""
        if self._reader is None or not changes:
            return
        language = self.language
        take_lines = {line_id for line_id, code in changes.takes if code == language}
        self._reader.forget_takes(take_lines)
        if changes.line_order:
            self.model = self._reader.model()
        else:
            ids = set(changes.lines) | {line_id for line_id, code in changes.translations if code == language}
            if not ids | take_lines:
                return
            self.model.update(self._reader.blocks(ids | take_lines), self._speaker_names)
        if self.drag is not None and self.drag.block.line_id not in self.model.blocks:
            self.drag = None
        kept = tuple(i for i in self.selection if i in self.model.blocks)
        if kept != self.selection:
            self.selection = kept
            self._selection_changed()
        self.viewport.duration = self._duration()
        self._layout_tracks()
        self._view_changed(emit=False)

    def set_selection(self, line_ids) -> None:
        ids = tuple(i for i in line_ids if i in self.model.blocks)
        if ids != self.selection:
            self.selection = self._script_order(ids)
            self._anchor = self.selection[0] if self.selection else None
            self._selection_changed()
            self.update()

    def set_playhead(self, samples: int) -> None:
        old = self._painter.x(self.playhead)
        self.playhead = int(samples)
        vp = self.viewport
        x = vp.x(self.playhead)
        if self._follow and self.drag is None and not 0 <= x <= vp.width * (1 - FOLLOW_MARGIN / 2):
            vp.first = int(self.playhead // vp.spp - vp.width * FOLLOW_MARGIN)
            vp.clamp()
            self._fitted = False
            self._view_changed()
            return
        for at in (old, self._painter.x(self.playhead)):
            self.update(QRect(int(at) - 8, 0, 17, self.height()))

    def view_state(self) -> dict:
        return {"samples_per_pixel": self.viewport.spp, "start": self.viewport.start, "follow": self._follow}

    def restore_view_state(self, state: dict) -> None:
        """Zoom, scroll and follow as view_state() gave them; values that cannot be read are left as they are."""
        vp = self.viewport
        try:
            spp = int(state.get("samples_per_pixel", vp.spp))
            start = int(state.get("start", vp.start))
            follow = bool(state.get("follow", self._follow))
        except (TypeError, ValueError, AttributeError):
            return
        vp.spp = spp
        vp.clamp()
        vp.first = start // vp.spp
        vp.clamp()
        self._follow, self._fitted = follow, False
        self._view_changed()

    @property
    def follow_playhead(self) -> bool:
        return self._follow

    def set_follow_playhead(self, follow: bool) -> None:
        if follow != self._follow:
            self._follow = follow
            self.viewChanged.emit()

    def zoom_in(self) -> None:
        self._zoom(ZOOM_STEP, self._zoom_anchor())

    def zoom_out(self) -> None:
        self._zoom(1 / ZOOM_STEP, self._zoom_anchor())

    def zoom_to_fit(self) -> None:
        self.viewport.fit()
        self._fitted = True
        self._view_changed()

    def zoom_to_selection(self) -> None:
        blocks = [self.model.blocks[i] for i in self.selection]
        if blocks:
            self.viewport.show(min(b.start for b in blocks), max(b.end for b in blocks))
            self._fitted = False
            self._view_changed()

    def scroll_by(self, pixels: int) -> None:
        """Scroll the view (positive: later in the film)."""
        self.viewport.first += int(pixels)
        self._fitted = False
        self._view_changed()

    def block_rect(self, line_id: int) -> QRect:
        """Where a line's block is drawn now (widget coordinates)."""
        block = self.model.blocks[line_id]
        track = self._lane_track(block.speaker_id)
        vp = self.viewport
        left, right = block.start // vp.spp - vp.first, -(-block.end // vp.spp) - vp.first
        return QRect(GUTTER + left, track.y + LANE_MARGIN, max(right - left, 1), track.height - 2 * LANE_MARGIN)

    def sample_at(self, x: float) -> int:
        """The sample under a widget x."""
        return self.viewport.sample_at(x - GUTTER)

    def x_of(self, sample: int) -> float:
        return self._painter.x(sample)

    def timecode(self, samples: int) -> str:
        return timing.samples_to_timecode(max(samples, 0), self.frame_rate)

    # -- for the painter ---------------------------------------------------------------------------

    def selected_flags(self, lane: Lane) -> np.ndarray:
        """A flag per block of the lane: is it selected (kept until the lane or the selection changes)."""
        cached = self._selected.get(lane.speaker_id)
        if cached is None or cached[:2] != (lane.version, self.selection_version):
            flags = np.isin(lane.ids, np.array(self.selection, np.int64))
            cached = (lane.version, self.selection_version, flags)
            self._selected[lane.speaker_id] = cached
        return cached[2]

    def want_thumbnails(self, frames: list[int]) -> None:
        """The frames the video track would show and has not got: ask for them (once per change)."""
        if frames != self._wanted and self.loader is not None:
            self._wanted = frames
            self.loader.request(frames)

    # -- internals ---------------------------------------------------------------------------------

    def _speaker_names(self) -> dict[int, str]:
        return {speaker.id: speaker.name for speaker in self._project.speakers()}

    def _duration(self) -> int:
        return max(self._waveform_end, self.model.duration, 1)

    def _script_order(self, ids) -> tuple[int, ...]:
        return tuple(sorted(dict.fromkeys(ids), key=lambda i: self.model.blocks[i].number))

    def _selection_changed(self) -> None:
        self.selection_version += 1

    def _layout_tracks(self) -> None:
        bar = self._scroll.sizeHint().height()
        lanes = self.model.lanes
        fixed = RULER_HEIGHT + VIDEO_HEIGHT + DIALOGUE_HEIGHT + EFFECTS_HEIGHT
        room = (self.height() - bar - fixed) // max(len(lanes), 1)
        lane_height = min(max(room, LANE_HEIGHTS[0]), LANE_HEIGHTS[1])
        tracks, y = [], 0
        for kind, name, height in (("ruler", "Timecode", RULER_HEIGHT), ("video", "Video", VIDEO_HEIGHT),
                                   ("dialogue", "Dialogue", DIALOGUE_HEIGHT)):
            tracks.append(Track(kind, name, y, height))
            y += height
        for lane in lanes:
            tracks.append(Track("lane", lane.name, y, lane_height, lane.speaker_id))
            y += lane_height
        tracks.append(Track("effects", "M&E", y, EFFECTS_HEIGHT))
        self.tracks = tracks
        self._scroll.setGeometry(GUTTER, self.height() - bar, self.width() - GUTTER, bar)
        self.viewport.width = max(self.width() - GUTTER, 1)
        self._painter.forget_lanes()

    def _lane_track(self, speaker_id: int | None) -> Track:
        return next(t for t in self.tracks if t.kind == "lane" and t.speaker_id == speaker_id)

    def _track_at(self, y: float) -> Track | None:
        return next((t for t in self.tracks if t.y <= y < t.y + t.height), None)

    def _view_changed(self, emit: bool = True) -> None:
        vp = self.viewport
        vp.clamp()
        self._scroll.blockSignals(True)
        self._scroll.setRange(0, vp.max_first)
        self._scroll.setPageStep(vp.width)
        self._scroll.setSingleStep(max(vp.width // 20, 1))
        self._scroll.setValue(vp.first)
        self._scroll.blockSignals(False)
        self.update()
        if emit:
            self.viewChanged.emit()

    def _scrolled(self, value: int) -> None:
        self.viewport.first = value
        self._fitted = False
        self._view_changed()

    def _zoom(self, factor: float, anchor_x: float) -> None:
        self.viewport.zoom_by(factor, anchor_x)
        self._fitted = self.viewport.spp == self.viewport.max_spp and self.viewport.first == 0
        self._view_changed()

    def _zoom_anchor(self) -> float:
        """Zoom about the playhead when it is in view, else about the middle."""
        x = self.viewport.x(self.playhead)
        return x if 0 <= x <= self.viewport.width else self.viewport.width / 2

    # -- Qt events ---------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(900, RULER_HEIGHT + VIDEO_HEIGHT + DIALOGUE_HEIGHT + EFFECTS_HEIGHT + 4 * 36 + 16)

    def resizeEvent(self, event) -> None:
        self._layout_tracks()
        if self._fitted:
            self.viewport.fit()
        self._view_changed(emit=False)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._painter.paint(painter, event.rect())
        finally:
            painter.end()

    # -- thumbnails and teardown -------------------------------------------------------------------

    def _thumbnail_loaded(self, frame: int, picture) -> None:
        self.thumbnails.put(frame, self.thumbnail_height, picture)
        self.update(QRect(0, self.tracks[1].y, self.width(), self.tracks[1].height))

    def _thumbnail_failed(self, message: str) -> None:
        self.thumbnail_error = message
        self.update()

    def _close_loader(self) -> None:
        if self.loader is not None:
            self.loader.close()
            self.loader = None

    def closeEvent(self, event) -> None:
        self._close_loader()
        super().closeEvent(event)
