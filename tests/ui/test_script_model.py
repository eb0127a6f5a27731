"""ScriptModel: what each column shows, edits asked for rather than made, and redrawing only the rows an
operation changed."""

import numpy as np
import pytest
from dubstudio.ui.script import Column, ScriptModel
from PySide6.QtCore import Qt
from script_project import RATE, script_fixture, watch  # noqa: F401 (the script fixture)

from dubstudio.project import NewLine

pytestmark = pytest.mark.gui
DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


def cells(model: ScriptModel, row: int, role=DISPLAY) -> dict[Column, str]:
    return {column: model.index(row, column).data(role) for column in Column}


def test_columns_show_the_lines(qapp, script):
    model = ScriptModel(script.project, "es")
    assert model.rowCount() == 4 and model.columnCount() == len(Column)
    assert model.column("translation") == Column.TRANSLATION and model.column("QA") == Column.QA
    first = cells(model, 0)
    assert first == {Column.NUMBER: "1", Column.IN: "00:00:00:00", Column.OUT: "00:00:02:00",
                     Column.SPEAKER: "Alice", Column.SOURCE: "Hello there, friend.",
                     Column.TRANSLATION: "Hola, amigo.", Column.VOICE: "", Column.FIT: "+340 ms",
                     Column.QA: "over", Column.TAKES: "2"}
    third_line = script.project.line(script.ids[2])
    assert cells(model, 2)[Column.IN] == script.project.timecode(third_line.start) == "00:00:06:00"
    assert [cells(model, row)[Column.FIT] for row in range(4)] == ["+340 ms", "\u2212120 ms", "fits", "no take"]
    assert [cells(model, row)[Column.QA] for row in range(4)] == ["over", "CER 40%", "", "no take"]
    assert [cells(model, row)[Column.VOICE] for row in range(4)] == ["", "", "Kokoro Ana", "Kokoro Ana"]
    assert [cells(model, row)[Column.TAKES] for row in range(4)] == ["2", "1", "1", "0"]


def test_status_and_tooltips(qapp, script):
    model = ScriptModel(script.project, "es")
    translation = Qt.ItemDataRole.FontRole
    assert model.index(0, Column.TRANSLATION).data(translation).italic()  # machine
    assert model.index(2, Column.TRANSLATION).data(translation).bold()    # approved
    tips = cells(model, 0, TOOLTIP)
    assert tips[Column.SOURCE] == "Hello there, friend."
    assert tips[Column.TRANSLATION] == "Machine translation\nHola, amigo."
    assert "Natural length 2.50 s, slot 2.00 s" in tips[Column.FIT]
    assert "Borrows 160 ms of the gap" in tips[Column.FIT] and "Over by 340 ms" in tips[Column.FIT]
    assert cells(model, 1, TOOLTIP)[Column.QA] == "Heard: \u201cComo esta\u201d\nCER 40% (over the QA threshold)"
    assert cells(model, 3, TOOLTIP)[Column.FIT] == "No take yet"


def test_editing_asks_and_does_not_write(qapp, script):
    model = ScriptModel(script.project, "es")
    asked = watch(model.editRequested)
    index = model.index(0, Column.TRANSLATION)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, Column.SOURCE)) & Qt.ItemFlag.ItemIsEditable
    assert index.data(Qt.ItemDataRole.EditRole) == "Hola, amigo."
    assert model.setData(index, "Hola, amiga.")
    assert asked == [(script.ids[0], "es", "Hola, amiga.")]
    assert script.project.translation(script.ids[0], "es").text == "Hola, amigo."
    assert index.data() == "Hola, amigo."
    assert not model.setData(index, "Hola, amigo.")  # unchanged: nothing to ask
    assert len(asked) == 1


def test_an_edit_redraws_only_its_row(qapp, script):
    model = ScriptModel(script.project, "es")
    changed, reset = watch(model.dataChanged), watch(model.modelReset)
    model.apply_changes(script.project.edit_translation(script.ids[1], "es", "¿Qué tal?"))
    assert [(top.row(), bottom.row(), top.column(), bottom.column()) for top, bottom, *_ in changed] == \
        [(1, 1, 0, len(Column) - 1)]
    assert reset == []
    assert model.index(1, Column.TRANSLATION).data() == "¿Qué tal?"
    assert model.index(1, Column.TRANSLATION).data(Qt.ItemDataRole.FontRole) is None  # edited: plain
    changed.clear()
    model.apply_changes(script.project.undo())
    assert [top.row() for top, *_ in changed] == [1]
    assert model.index(1, Column.TRANSLATION).data() == "¿Cómo estás?"


def test_new_take_casting_and_other_language(qapp, script):
    project, model = script.project, ScriptModel(script.project, "es")
    changed = watch(model.dataChanged)
    project.add_take(script.ids[3], "es", np.zeros(4800, np.int16), RATE, text="Buenas noches.", backend="kokoro")
    model.apply_changes(project.set_take_figures(project.takes(script.ids[3], "es")[0].id, fit={}))
    assert [top.row() for top, *_ in changed] == [3]
    assert cells(model, 3)[Column.TAKES] == "1"
    changed.clear()
    voice = project.add_voice("Alice (clone)", "xtts", kind="clone", speaker_id=script.alice)
    project.record_consent(voice, person="Alice", scope="this film", evidence="signed form")
    model.apply_changes(project.cast_voice(script.alice, "es", voice))
    assert [(top.row(), bottom.row()) for top, bottom, *_ in changed] == [(0, 1)]  # Alice's two lines
    assert cells(model, 0)[Column.VOICE] == "Alice (clone)"
    changed.clear()
    model.apply_changes(project.edit_translation(script.ids[0], "fr", "Salut."))
    assert changed == []


def test_new_lines_reset_the_table(qapp, script):
    model = ScriptModel(script.project, "es")
    reset = watch(model.modelReset)
    model.apply_changes(script.project.add_lines([NewLine(RATE, RATE * 5 // 2, "Wait.", script.bob)]))
    assert len(reset) == 1 and model.rowCount() == 5
    assert [cells(model, row)[Column.SOURCE] for row in range(3)] == ["Hello there, friend.", "Wait.", "How are you?"]
    assert model.row_of(script.ids[1]) == 2
