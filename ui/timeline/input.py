"""The timeline's mouse and keyboard: select, seek, scrub, pan, zoom, retime by dragging an edge (with
snapping), split and merge. Every edit leaves as a request signal; nothing here writes the project."""

import numpy as np
from dubstudio.ui.timeline.layout import Block
from dubstudio.ui.timeline.paint import GUTTER, Track
from dubstudio.ui.timeline.snapping import EdgeDrag
from dubstudio.ui.timeline.viewport import ZOOM_STEP
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QMenu

from dubstudio import timing

EDGE_PIXELS = 5          # how close to a block's edge a press grabs the edge
SNAP_PIXELS = 6          # how close an edge comes to a target before it snaps
CLICK_PIXELS = 3         # a press that moves less than this is a click

SHORTCUTS = (  # for the window's help dialog
    ("Ctrl+wheel, +, -", "Zoom in and out"),
    ("\\", "Zoom to fit the film"),
    ("Z", "Zoom to the selected lines"),
    ("Wheel, drag on empty space", "Scroll"),
    ("Drag a line's edge", "Retime it (Shift: no snapping; Escape cancels)"),
    ("S", "Split the selected line at the playhead (or the line under the mouse there)"),
    ("M", "Merge two neighbouring selected lines (or one with the next)"),
    ("F", "Follow the playhead on and off"),
)


class TimelineInput:
    """Input handling of TimelineView (a mixin: it uses the view's model, viewport, tracks and signals)."""

    def block_menu(self, line_id: int, at: int) -> QMenu:
        """The context menu of a line, `at` the sample under the mouse."""
        block = self.model.blocks[line_id]
        menu = QMenu(self)
        here = menu.addAction("Split at the playhead")
        here.setEnabled(block.start < self.playhead < block.end)
        here.triggered.connect(lambda: self.splitRequested.emit(line_id, self.playhead))
        mouse = menu.addAction("Split here")
        mouse.setEnabled(block.start < at < block.end)
        mouse.triggered.connect(lambda: self.splitRequested.emit(line_id, at))
        following = self._mergeable_next(block)
        merge: QAction = menu.addAction("Merge with the next line")
        merge.setEnabled(following is not None)
        if following is not None:
            merge.triggered.connect(lambda: self.mergeRequested.emit(line_id, following.line_id))
        return menu

    def _mergeable_next(self, block: Block) -> Block | None:
        following = self.model.next_in_script(block.line_id)
        return following if following is not None and following.speaker_id == block.speaker_id else None

    def _hit(self, track: Track, x: float) -> tuple[Block | None, str | None]:
        """The block under x in a lane, and which edge of it x grabs (None: its body)."""
        lane = self.model.lane_of(track.speaker_id)
        sample = self.sample_at(x)
        block = lane.block_at(sample, EDGE_PIXELS * self.viewport.spp)
        if block is None:
            return None, None
        left, right = self.x_of(block.start), self.x_of(block.end)
        reach = min(EDGE_PIXELS, (right - left) / 3)
        if abs(x - left) <= reach:
            return block, "start"
        if abs(x - right) <= reach:
            return block, "end"
        return (block, None) if left <= x < right else (None, None)

    def _select(self, ids) -> None:
        self.selection = self._script_order(ids)
        self._selection_changed()
        self.update()
        self.selectionRequested.emit(self.selection)

    def _click_block(self, block: Block, modifiers: Qt.KeyboardModifier) -> None:
        if modifiers & Qt.KeyboardModifier.ShiftModifier and self._anchor in self.model.blocks:
            self._select(self.model.script_range(self._anchor, block.line_id))
            return
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            chosen = set(self.selection) ^ {block.line_id}
        else:
            chosen = {block.line_id}
        self._anchor = block.line_id
        self._select(chosen)

    def _seek(self, x: float) -> None:
        sample = min(max(self.sample_at(x), 0), self.viewport.duration)
        self.seekRequested.emit(sample)

    def _drag_to(self, x: float, snapping: bool) -> None:
        drag, spp = self.drag, self.viewport.spp
        targets = [np.array(drag.block.words, np.int64), self.model.edges,
                   np.array([self.playhead], np.int64)] if snapping else []
        drag.move(self.sample_at(x) - self._grab, targets, SNAP_PIXELS * spp)
        self.update()

    # -- Qt events ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        x, track = event.position().x(), self._track_at(event.position().y())
        self._moved = False
        if event.button() == Qt.MouseButton.MiddleButton:
            self._press = ("pan", x, self.viewport.first)
            return
        if event.button() != Qt.MouseButton.LeftButton or x < GUTTER or track is None:
            return
        if track.kind == "ruler":
            self._press = ("scrub", x, self.viewport.first)
            self._seek(x)
            return
        if track.kind == "lane":
            block, edge = self._hit(track, x)
            if edge is not None:
                lane = self.model.lane_of(track.speaker_id)
                min_length = -(-timing.SAMPLE_RATE * self.frame_rate.denominator // self.frame_rate.numerator)
                self.drag = EdgeDrag.begin(block, edge, lane, min_length, self.viewport.duration)
                self._grab = self.sample_at(x) - getattr(block, edge)
                self.update()
                return
            if block is not None:
                self._click_block(block, event.modifiers())
                return
        self._press = ("empty", x, self.viewport.first)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        self._mouse = event.position()
        if self.drag is not None:
            self._drag_to(x, not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return
        if self._press is not None:
            what, start_x, first = self._press
            self._moved |= abs(x - start_x) >= CLICK_PIXELS
            if what == "scrub":
                self._seek(x)
            elif self._moved:
                self.scroll_by(first - round(x - start_x) - self.viewport.first)
            return
        track = self._track_at(event.position().y())
        edge = self._hit(track, x)[1] if track is not None and track.kind == "lane" and x >= GUTTER else None
        if edge is None:
            self.unsetCursor()
        else:
            self.setCursor(Qt.CursorShape.SizeHorCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, press = self.drag, self._press
        self._press = None
        if drag is not None:
            # the edge ends where the button is let go, snapped by the keys held then
            self._drag_to(event.position().x(), not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.drag = None
            if drag.changed:
                self.retimeRequested.emit(drag.block.line_id, drag.start, drag.end)
            self.update()
        elif press is not None and press[0] == "empty" and not self._moved:
            self._seek(event.position().x())

    def leaveEvent(self, event) -> None:
        self._mouse = None

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._zoom(ZOOM_STEP ** (delta.y() / 120), event.position().x() - GUTTER)
        else:
            notches = (delta.x() or delta.y()) / 120
            self.scroll_by(-round(notches * self.viewport.width / 10))
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.drag = None
            self.update()
            return
        action = {
            Qt.Key.Key_Plus: self.zoom_in, Qt.Key.Key_Equal: self.zoom_in, Qt.Key.Key_Minus: self.zoom_out,
            Qt.Key.Key_Backslash: self.zoom_to_fit, Qt.Key.Key_Z: self.zoom_to_selection,
            Qt.Key.Key_S: self._split_key, Qt.Key.Key_M: self._merge_key,
            Qt.Key.Key_F: lambda: self.set_follow_playhead(not self.follow_playhead),
        }.get(event.key())
        if action is None:
            super().keyPressEvent(event)
        else:
            action()

    def _split_key(self) -> None:
        """At the playhead in a selected line; else where the mouse is, in the line under it."""
        for line_id in self.selection:
            block = self.model.blocks[line_id]
            if block.start < self.playhead < block.end:
                self.splitRequested.emit(line_id, self.playhead)
                return
        pos = self._mouse
        track = self._track_at(pos.y()) if pos is not None else None
        if track is not None and track.kind == "lane" and pos.x() >= GUTTER:
            block, _ = self._hit(track, pos.x())
            at = self.sample_at(pos.x())
            if block is not None and block.start < at < block.end:
                self.splitRequested.emit(block.line_id, at)

    def _merge_key(self) -> None:
        if len(self.selection) == 1:
            following = self._mergeable_next(self.model.blocks[self.selection[0]])
            if following is not None:
                self.mergeRequested.emit(self.selection[0], following.line_id)
        elif len(self.selection) == 2:
            first, second = self.selection
            if self.model.next_in_script(first) is self.model.blocks[second]:
                self.mergeRequested.emit(first, second)

    def contextMenuEvent(self, event) -> None:
        pos: QPoint = event.pos()
        track = self._track_at(pos.y())
        if track is None or track.kind != "lane" or pos.x() < GUTTER:
            return
        block, _ = self._hit(track, pos.x())
        if block is None:
            return
        if block.line_id not in self.selection:
            self._anchor = block.line_id
            self._select({block.line_id})
        self.block_menu(block.line_id, self.sample_at(pos.x())).exec(event.globalPos())

