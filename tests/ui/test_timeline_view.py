"""The timeline widget, offscreen: lanes, block geometry, selection, seeking, retiming with snapping,
split and merge, zoom, saved view state, redraw after an edit, and the pixels it paints."""

import numpy as np
import pytest
from dubstudio.ui.timeline import TimelineView
from dubstudio.ui.timeline.images import WaveformStrip
from dubstudio.ui.timeline.layout import BlockState
from dubstudio.ui.timeline.paint import BLOCK_COLOURS, GUTTER, PLAYHEAD
from dubstudio.ui.timeline.ruler import ruler_ticks
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtTest import QTest

from dubstudio import timing
from dubstudio.media import Waveform
from dubstudio.project import NewLine, OpChanges, Project, Word

pytestmark = pytest.mark.gui

R = timing.SAMPLE_RATE
SPP = 480  # 100 pixels a second
WIDTH = 1500
FILM = 40  # seconds of dialogue: the film's length


def fit(slot: int, length: int, over: int = 0, offset: int = 0) -> dict:
    return {"strategy": "auto", "slot": slot, "natural": length, "length": length, "over": over, "offset": offset}


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "timeline.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25", title="Timeline")
    alice, bob = project.add_speaker("Alice"), project.add_speaker("Bob")
    words = (Word(R, R + R // 2, "Hello"), Word(R + R // 2, 2 * R, "there,"), Word(2 * R + 4800, 3 * R, "friend."))
    project.add_lines([
        NewLine(R, 3 * R, "Hello there, friend.", alice, words),
        NewLine(4 * R, 6 * R, "How are you?", alice),
        NewLine(5 * R, 8 * R, "Fine, thanks.", bob),
        NewLine(9 * R, 10 * R, "Good.", bob),
        NewLine(11 * R, 12 * R, "Bye.", bob),
        NewLine(13 * R, 14 * R, "See you.", alice),
    ])
    ids = [line.id for line in project.lines()]
    project.set_machine_translations("es", dict(zip(ids, ["Hola, amigo.", "¿Cómo estás?", "Bien, gracias.", "",
                                                          "Adiós.", "Hasta luego."])))
    silence = np.zeros(R // 10, np.float32)
    project.add_take(ids[0], "es", silence, R, text="Hola, amigo.", backend="test", fit=fit(2 * R, 3 * R // 2))
    project.add_take(ids[1], "es", silence, R, text="¿Cómo estás?", backend="test",
                     fit=fit(2 * R, 13 * R // 5, over=3 * R // 5))
    project.add_take(ids[4], "es", silence, R, text="Adiós.", backend="test", fit=fit(R, R))
    project.approve([ids[4]], "es")
    project.add_take(ids[5], "es", silence, R, text="Hasta luego.", backend="test", fit=fit(R, R),
                     qa={"heard": "asta", "cer": 0.5, "flagged": True})
    yield project
    project.close()


@pytest.fixture
def ids(project):
    return [line.id for line in project.lines()]


def tone(seconds: float, silent_after: float | None = None) -> np.ndarray:
    t = np.arange(int(seconds * R)) / R
    audio = (0.8 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    audio[int((silent_after or seconds) * R):] = 0
    return audio


@pytest.fixture
def view(qapp, project):
    view = TimelineView()
    view.resize(GUTTER + WIDTH, 420)
    view.set_project(project, "es", dialogue=Waveform.from_array(tone(FILM, silent_after=30), R))
    view.restore_view_state({"samples_per_pixel": SPP, "start": 0, "follow": False})
    view.show()
    qapp.processEvents()
    yield view
    view.close()


def recorder(signal) -> list:
    calls = []
    signal.connect(lambda *args: calls.append(args))
    return calls


def centre(rect) -> QPoint:
    return QPoint(rect.center().x(), rect.top() + 4)


def test_the_view_shows_a_lane_per_speaker_between_the_dialogue_and_the_effects(view):
    assert [track.name for track in view.tracks] == ["Timecode", "Video", "Dialogue", "Alice", "Bob", "M&E"]
    assert [len(lane) for lane in view.model.lanes] == [3, 3]


def test_a_blocks_rectangle_is_where_its_samples_are_at_the_zoom(view, ids):
    first = view.block_rect(ids[0])  # 1 s to 3 s at 100 px a second
    assert (first.left(), first.width()) == (GUTTER + 100, 200)
    view.restore_view_state({"samples_per_pixel": 600, "start": R // 2})  # 80 px a second, from 0.5 s
    moved = view.block_rect(ids[0])
    assert (moved.left(), moved.width()) == (GUTTER + 40, 160)
    assert view.sample_at(moved.left()) == R


def test_clicks_select_and_extend(view, ids):
    asked = recorder(view.selectionRequested)
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre(view.block_rect(ids[1])))
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     centre(view.block_rect(ids[0])))
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     centre(view.block_rect(ids[3])))
    assert asked == [((ids[1],),), ((ids[0], ids[1]),), ((ids[0], ids[1], ids[2], ids[3]),)]
    assert view.selection == (ids[0], ids[1], ids[2], ids[3])


def test_clicks_on_the_ruler_or_an_empty_lane_seek(view):
    seeks = recorder(view.seekRequested)
    ruler, alice = view.tracks[0], view.tracks[3]
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(GUTTER + 350, ruler.y + 10))
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(GUTTER + 50, alice.y + 10))
    assert seeks == [(350 * SPP,), (50 * SPP,)]


def drag(view, start: QPoint, end: QPoint, modifiers=Qt.KeyboardModifier.NoModifier, cancel: bool = False) -> None:
    QTest.mousePress(view, Qt.MouseButton.LeftButton, modifiers, start)
    QTest.mouseMove(view, QPoint((start.x() + end.x()) // 2, end.y()))
    QTest.mouseMove(view, end)
    if cancel:
        QTest.keyClick(view, Qt.Key.Key_Escape)
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, modifiers, end)


def test_dragging_an_edge_retimes_with_a_snap_to_a_word_boundary(view, ids):
    retimes = recorder(view.retimeRequested)
    rect = view.block_rect(ids[0])
    y = rect.top() + 4
    # the end (3 s) dragged to 2.12 s: the word "friend." starts at 2.1 s, 2 px away
    drag(view, QPoint(rect.right() + 1, y), QPoint(GUTTER + 212, y))
    assert retimes == [(ids[0], R, 2 * R + 4800)]
    # with Shift held the edge goes where the mouse is
    drag(view, QPoint(rect.right() + 1, y), QPoint(GUTTER + 212, y), Qt.KeyboardModifier.ShiftModifier)
    assert retimes[-1] == (ids[0], R, 212 * SPP)
    # not into the next line of the same lane (4 s), and Escape cancels
    drag(view, QPoint(rect.right() + 1, y), QPoint(GUTTER + 480, y), Qt.KeyboardModifier.ShiftModifier)
    assert retimes[-1] == (ids[0], R, 4 * R)
    drag(view, QPoint(rect.right() + 1, y), QPoint(GUTTER + 250, y), cancel=True)
    assert len(retimes) == 3


def test_the_drag_shows_a_live_outline(view, ids):
    rect = view.block_rect(ids[0])
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(rect.left(), rect.top() + 4))
    QTest.mouseMove(view, QPoint(GUTTER + 60, rect.top() + 4))
    outline = view.grab().toImage()
    assert view.drag is not None and view.drag.start == 60 * SPP
    assert QColor(outline.pixel(GUTTER + 60, rect.center().y())).lightness() > 200  # the dashed white side
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(GUTTER + 60, rect.top() + 4))


def test_split_at_the_playhead_and_merge_neighbours(view, ids):
    splits, merges = recorder(view.splitRequested), recorder(view.mergeRequested)
    view.set_selection([ids[0]])
    view.set_playhead(2 * R)
    QTest.keyClick(view, Qt.Key.Key_S)
    assert splits == [(ids[0], 2 * R)]
    view.set_selection([ids[0], ids[1]])
    QTest.keyClick(view, Qt.Key.Key_M)
    assert merges == [(ids[0], ids[1])]
    view.set_selection([ids[0], ids[2]])  # not neighbours in the script
    QTest.keyClick(view, Qt.Key.Key_M)
    assert len(merges) == 1
    # the context menu: split where the mouse is; merge is offered only with the same speaker next
    menu = view.block_menu(ids[3], 9 * R + R // 2)
    split_here = next(a for a in menu.actions() if a.text() == "Split here")
    split_here.trigger()
    assert splits[-1] == (ids[3], 9 * R + R // 2)
    assert {a.text(): a.isEnabled() for a in view.block_menu(ids[1], 5 * R).actions()}[
        "Merge with the next line"] is False
    merge = next(a for a in view.block_menu(ids[3], 9 * R).actions() if a.text() == "Merge with the next line")
    merge.trigger()
    assert merges[-1] == (ids[3], ids[4])


def test_split_key_under_the_mouse(view, ids):
    splits = recorder(view.splitRequested)
    rect = view.block_rect(ids[2])
    QTest.mouseMove(view, QPoint(GUTTER + 650, rect.top() + 4))
    QTest.keyClick(view, Qt.Key.Key_S)
    assert splits == [(ids[2], 650 * SPP)]


def test_zoom_from_the_whole_film_to_single_frames(view):
    changes = recorder(view.viewChanged)
    view.zoom_to_fit()
    assert view.viewport.start == 0 and view.viewport.stop >= FILM * R
    view.set_playhead(5 * R)
    for _ in range(40):
        QTest.keyClick(view, Qt.Key.Key_Plus)
    frame = R // 25
    assert view.viewport.spp == frame // 12  # a frame is 12 pixels wide
    view.set_playhead(0)  # out of sight, off the ruler's ticks
    assert abs(view.x_of(5 * R) - view.x_of(5 * R)) < 1 and view.viewport.start <= 5 * R <= view.viewport.stop
    ticks = ruler_ticks(view.viewport.start, view.viewport.stop, view.viewport.spp, view.frame_rate)
    assert ticks.minor_step == 1
    # the ruler's pixels: a tick at the bottom of every frame
    image = view.grab().toImage()
    row = view.tracks[0].y + view.tracks[0].height - 2
    marks = [x for x in range(GUTTER, GUTTER + WIDTH) if QColor(image.pixel(x, row)).lightness() > 120]
    spacing = np.diff(marks)
    assert set(np.unique(spacing)) <= {12, 13} and len(marks) >= WIDTH // 13
    QTest.keyClick(view, Qt.Key.Key_Backslash)
    assert view.viewport.spp == view.viewport.max_spp and len(changes) == 42


def test_ctrl_wheel_zooms_about_the_mouse_and_the_wheel_scrolls(view):
    anchor = view.sample_at(GUTTER + 400)
    wheel = QWheelEvent(QPointF(GUTTER + 400, 100), QPointF(GUTTER + 400, 100), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    view.wheelEvent(wheel)
    assert view.viewport.spp == round(SPP / 1.25) and abs(view.sample_at(GUTTER + 400) - anchor) <= SPP
    first = view.viewport.first
    scroll = QWheelEvent(QPointF(GUTTER + 400, 100), QPointF(GUTTER + 400, 100), QPoint(0, 0), QPoint(0, -120),
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(scroll)
    assert view.viewport.first == first + WIDTH // 10


def test_dragging_empty_space_scrolls_and_following_pages_to_the_playhead(view):
    view.restore_view_state({"samples_per_pixel": SPP // 3, "start": 0})
    alice = view.tracks[3]  # empty for the first 300 pixels (1 s)
    drag(view, QPoint(GUTTER + 250, alice.y + 2), QPoint(GUTTER + 50, alice.y + 2))
    assert view.viewport.first == 200
    view.set_follow_playhead(True)
    view.set_playhead(12 * R)
    assert view.viewport.start <= 12 * R < view.viewport.stop


def test_view_state_round_trips_into_a_new_view(qapp, view, project):
    view.restore_view_state({"samples_per_pixel": 500, "start": 3 * R, "follow": True})
    state = view.view_state()
    assert state == {"samples_per_pixel": 500, "start": 3 * R, "follow": True}
    other = TimelineView()
    other.resize(GUTTER + WIDTH, 420)
    other.set_project(project, "es", dialogue=Waveform.from_array(tone(FILM), R))
    other.restore_view_state(state)
    assert other.view_state() == state
    other.restore_view_state({"samples_per_pixel": "lots"})  # unreadable: left as it was
    assert other.view_state() == state


def test_apply_changes_after_a_retime_moves_only_that_block(view, project, ids):
    before = {line_id: view.block_rect(line_id) for line_id in ids}
    changes = project.retime_line(ids[2], 5 * R + R // 2, 8 * R)
    view.apply_changes(changes)
    after = {line_id: view.block_rect(line_id) for line_id in ids}
    assert [line_id for line_id in ids if before[line_id] != after[line_id]] == [ids[2]]
    assert after[ids[2]].left() == GUTTER + 550


def test_apply_changes_after_a_new_take_recolours_only_that_line(view, project, ids):
    lanes = {lane.speaker_id: lane.version for lane in view.model.lanes}
    project.add_take(ids[2], "es", np.zeros(R // 10, np.float32), R, text="Bien", backend="test", fit=fit(3 * R, R))
    view.apply_changes(OpChanges(takes=frozenset({(ids[2], "es")})))
    assert view.model.blocks[ids[2]].state is BlockState.FITS
    assert [lane.version != lanes[lane.speaker_id] for lane in view.model.lanes] == [False, True]


def colour_at(image, point: QPoint) -> QColor:
    return QColor(image.pixel(point))


def test_the_painted_pixels_show_states_takes_and_the_playhead(view, ids):
    view.set_playhead(int(3.5 * R))
    image = view.grab().toImage()
    expected = {ids[0]: BlockState.FITS, ids[1]: BlockState.OVER, ids[2]: BlockState.NO_TAKE,
                ids[4]: BlockState.APPROVED, ids[5]: BlockState.FLAGGED}
    for line_id, state in expected.items():
        rect = view.block_rect(line_id)
        assert colour_at(image, QPoint(rect.right() - 3, rect.top() + 3)) == QColor(BLOCK_COLOURS[state]), state
    # the takes: line 1's 1.5 s take stops inside its slot, line 2's 2.6 s one runs 0.6 s past it, in red
    first, second = view.block_rect(ids[0]), view.block_rect(ids[1])
    bar = first.bottom() - 2
    assert colour_at(image, QPoint(GUTTER + 240, bar)) == QColor("#f2f2f2")
    assert colour_at(image, QPoint(GUTTER + 260, bar)) == QColor(BLOCK_COLOURS[BlockState.FITS])
    assert colour_at(image, QPoint(GUTTER + 650, second.bottom() - 2)) == QColor("#ff2d2d")
    assert colour_at(image, QPoint(GUTTER + 670, second.bottom() - 2)) != QColor("#ff2d2d")
    # the playhead, from the ruler to the M&E lane, at 3.5 s
    for track in view.tracks:
        assert colour_at(image, QPoint(GUTTER + 350, track.y + track.height // 2)) == QColor(PLAYHEAD)
    # the dialogue waveform: a 0.8 sine fills most of its track; silence after 30 s is a line
    dialogue = view.tracks[2]
    column = [colour_at(image, QPoint(GUTTER + 100, y)) for y in range(dialogue.y, dialogue.y + dialogue.height)]
    painted = sum(colour != column[0] for colour in column)
    assert 0.6 * dialogue.height < painted < dialogue.height
    view.restore_view_state({"samples_per_pixel": SPP, "start": 25 * R})
    image = view.grab().toImage()
    silent = [colour_at(image, QPoint(GUTTER + 700, y)) for y in range(dialogue.y, dialogue.y + dialogue.height)]
    assert sum(colour != silent[0] for colour in silent) <= 2


def test_selected_blocks_are_drawn_lighter_with_a_white_border(view, ids):
    view.set_selection([ids[0]])
    image = view.grab().toImage()
    rect = view.block_rect(ids[0])
    assert colour_at(image, QPoint(rect.center().x(), rect.top())) == QColor("#ffffff")
    lighter = QColor(BLOCK_COLOURS[BlockState.FITS]).lighter(135)
    assert colour_at(image, QPoint(rect.right() - 3, rect.top() + 3)).rgb() == lighter.rgb()


def test_a_waveform_strip_scrolled_by_pixels_matches_a_fresh_one():
    rng = np.random.default_rng(4)
    audio = (rng.standard_normal(20 * R) * np.linspace(0, 1, 20 * R)).astype(np.float32)
    waveform = Waveform.from_array(audio, R)
    for spp in (300, 2000):  # from the samples, and from the 256-sample summary
        strip = WaveformStrip(waveform, "#000000", "#ffffff", "#808080")
        strip.image(40, 300, spp, 50, 0xff000000)
        for first in (90, 20, 600, 620, 300):  # a few columns on, back, far off, on again, back into view
            image, start = strip.image(first, 300, spp, 50, 0xff000000)
            fresh, _ = WaveformStrip(waveform, "#000000", "#ffffff", "#808080").image(first, 300, spp, 50, 0xff000000)
            assert image.copy(first - start, 0, 300, 50) == fresh, (spp, first)
        assert strip.pixels.stop - strip.pixels.start <= 3 * 300


def test_a_waveform_without_samples_still_draws_at_the_closest_zoom():
    waveform = Waveform.from_array(tone(4), R)
    waveform.reader = None  # a summary loaded from the cache, without its WAV
    strip = WaveformStrip(waveform, "#000000", "#ffffff", "#808080")
    lows, highs, _ = strip.columns(100, 300, 160)
    assert np.all(highs > 0.7) and np.all(lows < -0.7)


def test_a_view_scrolled_step_by_step_paints_what_a_fresh_view_paints(qapp, view, project):
    view.restore_view_state({"samples_per_pixel": 240, "start": 0})  # 200 px a second, 40 s in 8,000 px
    for _ in range(30):
        view.scroll_by(70)
        view.grab()
    state = view.view_state()
    fresh = TimelineView()
    fresh.resize(view.size())
    fresh.set_project(project, "es", dialogue=Waveform.from_array(tone(FILM, silent_after=30), R))
    fresh.restore_view_state(state)
    assert fresh.view_state() == state
    assert view.grab().toImage() == fresh.grab().toImage()
    fresh.close()


def test_set_project_again_for_the_same_project_keeps_the_selection(view, project, ids):
    view.set_selection([ids[1]])
    view.set_project(project, "es", dialogue=Waveform.from_array(tone(FILM), R))
    assert view.selection == (ids[1],)
