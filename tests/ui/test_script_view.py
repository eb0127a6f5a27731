"""ScriptView: filters and find, the selection in step with the session without echo, and the in-place
translation editor driven from the keyboard."""

import pytest
from dubstudio.ui.script import ANY_SPEAKER, Column, ScriptView, Show
from dubstudio.ui.script.filters import matches, passes
from dubstudio.ui.script.rows import ScriptContext
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QMainWindow, QPlainTextEdit
from script_project import script_fixture, shown, watch  # noqa: F401 (the script fixture)

pytestmark = pytest.mark.gui
EDITING = QAbstractItemView.State.EditingState


@pytest.fixture
def view(qapp, script):
    view = ScriptView()
    view.set_project(script.project, "es")
    view.table.setFocus()
    yield from shown(view, 1200, 500)


def listed(view: ScriptView) -> list[int]:
    return [view.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole + 1).line_id
            for row in range(view.proxy.rowCount())]


def selected(view: ScriptView) -> set[int]:
    return {index.data(Qt.ItemDataRole.UserRole + 1).line_id for index in view.table.selectionModel().selectedRows()}


def click_row(view: ScriptView, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.table.visualRect(view.proxy.index(row, Column.SOURCE))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_filter_predicates(qapp, script):
    rows = ScriptContext(script.project, "es").all_rows()
    ids = script.ids

    def which(show, speaker=ANY_SPEAKER):
        return [row.line_id for row in rows if passes(row, show, speaker)]

    assert which(Show.ALL) == list(ids)
    assert which(Show.FLAGGED) == [ids[0], ids[1]]  # over; misheard
    assert which(Show.OVER) == [ids[0]]
    assert which(Show.NOT_APPROVED) == [ids[0], ids[1], ids[3]]
    assert which(Show.ALL, script.bob) == [ids[2], ids[3]]
    assert which(Show.NOT_APPROVED, script.bob) == [ids[3]]
    assert [row.line_id for row in rows if matches(row, "FRIEND")] == [ids[0]]  # source
    assert [row.line_id for row in rows if matches(row, "gracias")] == [ids[2]]  # translation
    assert not any(matches(row, "") for row in rows)


def test_filter_bar(view, script):
    ids = script.ids
    buttons = view._show_buttons
    QTest.mouseClick(buttons.button(list(Show).index(Show.FLAGGED)), Qt.MouseButton.LeftButton)
    assert listed(view) == [ids[0], ids[1]]
    assert view.status.text() == "2 of 4 lines"
    QTest.mouseClick(buttons.button(list(Show).index(Show.OVER)), Qt.MouseButton.LeftButton)
    assert listed(view) == [ids[0]]
    view.set_filter(Show.ALL, script.bob)
    assert listed(view) == [ids[2], ids[3]]
    assert view.speaker_combo.currentText() == "Bob"
    view.set_filter(Show.NOT_APPROVED)
    assert listed(view) == [ids[0], ids[1], ids[3]]
    # an approval leaves the not-approved list when the window applies it
    view.apply_changes(script.project.approve([ids[0]], "es"))
    assert listed(view) == [ids[1], ids[3]]


def test_find(view, script):
    ids = script.ids
    view.set_selection((ids[3],))
    requested = watch(view.selectionRequested)
    view.find_field.setText("A")  # every line holds an "a" in its source or translation
    QTest.keyClick(view.find_field, Qt.Key.Key_Return)  # from the last line, wraps to the first
    assert selected(view) == {ids[0]}
    QTest.keyClick(view.table, Qt.Key.Key_F3)
    assert selected(view) == {ids[1]}
    QTest.keyClick(view.table, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert selected(view) == {ids[0]}
    QTest.keyClick(view.table, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)  # wraps to the end
    assert selected(view) == {ids[3]}
    assert requested == [((ids[0],),), ((ids[1],),), ((ids[0],),), ((ids[3],),)]
    view.find_field.setText("zebra")
    assert not view.find_next()
    assert selected(view) == {ids[3]} and "zebra" in view.status.text()


def test_selection_round_trip_without_echo(view, script):
    ids = script.ids
    requested = watch(view.selectionRequested)
    view.set_selection((ids[1], ids[2]))
    assert selected(view) == {ids[1], ids[2]} and requested == []
    assert view.table.currentIndex().row() == 1
    click_row(view, 3)
    assert requested == [((ids[3],),)]
    click_row(view, 0, Qt.KeyboardModifier.ShiftModifier)
    assert requested[-1] == (ids,)
    QTest.keyClick(view.table, Qt.Key.Key_Up)  # current is row 0: stays, one line selected
    QTest.keyClick(view.table, Qt.Key.Key_Down)
    assert requested[-1] == ((ids[1],),)
    count = len(requested)
    # filters and applied changes do not ask for a selection either, and keep it where they can
    view.set_selection((ids[0], ids[3]))
    view.set_filter(Show.FLAGGED)
    assert selected(view) == {ids[0]}
    view.set_filter(Show.ALL)
    assert selected(view) == {ids[0], ids[3]}
    view.apply_changes(script.project.edit_translation(ids[3], "es", "Buenas."))
    assert selected(view) == {ids[0], ids[3]}
    assert len(requested) == count and view.selection() == (ids[0], ids[3])


def test_enter_edits_in_place(view, script):
    ids = script.ids
    asked = watch(view.editRequested)
    view.set_selection((ids[1],))
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert view.table.state() == EDITING
    assert view.table.currentIndex().column() == Column.TRANSLATION
    editor = view.table.findChild(QPlainTextEdit)
    assert editor.toPlainText() == "¿Cómo estás?"
    QTest.keyClicks(editor, " Bien")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(editor, "y tu")  # QTest types ASCII only
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert asked == [(ids[1], "es", "¿Cómo estás? Bien\ny tu")]
    assert view.table.state() != EDITING
    assert script.project.translation(ids[1], "es").text == "¿Cómo estás?"  # the window writes it
    view.apply_changes(script.project.edit_translation(*asked[0]))
    assert view.proxy.index(1, Column.TRANSLATION).data() == "¿Cómo estás? Bien\ny tu"


def test_escape_cancels_the_edit(view, script):
    asked = watch(view.editRequested)
    view.set_selection((script.ids[0],))
    view.edit_current()
    editor = view.table.findChild(QPlainTextEdit)
    QTest.keyClicks(editor, " otra vez")
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert view.table.state() != EDITING and asked == []


def test_enter_is_the_editors_under_a_window_shortcut(view, script):
    """The window binds Enter to "edit the line"; in the find field and the editor Enter is theirs."""
    window = QMainWindow()
    action = QAction("Edit", window)
    action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
    triggered = watch(action.triggered)
    window.addAction(action)
    window.setCentralWidget(view)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    asked = watch(view.editRequested)
    view.find_field.setFocus()
    view.find_field.setText("noches")
    QTest.keyClick(view.find_field, Qt.Key.Key_Return)
    assert selected(view) == {script.ids[3]}
    view.edit_current()
    editor = view.table.findChild(QPlainTextEdit)
    QTest.keyClicks(editor, "!")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert asked == [(script.ids[3], "es", "Buenas noches.!")]
    assert triggered == []
    QTest.keyClick(view.table, Qt.Key.Key_Return)  # elsewhere, the window's
    assert len(triggered) == 1
    window.takeCentralWidget()  # the view fixture closes the view
    window.close()
