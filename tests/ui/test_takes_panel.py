"""TakesPanel: a line's takes newest first with the chosen one marked, the buttons' requests with the
right take ids, candidates, and redrawing after the window applied an operation."""

import numpy as np
import pytest
from dubstudio.ui.takes import TakesPanel
from dubstudio.ui.takes.panel import CHOSEN_MARK
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from script_project import RATE, fit, script_fixture, shown, watch  # noqa: F401 (the script fixture)

from dubstudio.project import FIT_STRATEGIES

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def panel(qapp, script):
    panel = TakesPanel()
    panel.set_line(script.project, script.ids[0], "es")
    yield from shown(panel, 900, 500)


def listed(panel: TakesPanel) -> list[tuple[int, str]]:
    """(take id, chosen mark) per row, top to bottom."""
    items = [panel.takes.topLevelItem(row) for row in range(panel.takes.topLevelItemCount())]
    return [(item.data(0, Qt.ItemDataRole.UserRole), item.text(0)) for item in items]


def test_takes_newest_first_with_the_chosen_marked(panel, script):
    older, newer = script.takes[:2]
    assert listed(panel) == [(newer, CHOSEN_MARK), (older, "")]
    top = panel.takes.topLevelItem(0)
    assert [top.text(column) for column in range(3, 8)] == ["2.50 s", "1.00\u00d7", "+340 ms", "0%", "Hola, amigo."]
    assert top.text(2) == "kokoro" and top.font(1).bold()
    assert panel.takes.topLevelItem(1).text(5) == "\u221250 ms"
    assert "Over by 340 ms" in top.toolTip(5)
    assert panel.title.text() == "Line 1 \u00b7 es \u00b7 Machine translation"
    assert panel.text.text() == "Hola, amigo."
    assert [panel.candidates.item(row).text() for row in range(panel.candidates.count())] == ["Hola amigo.", "Hola."]
    assert panel.strategy.currentText() == "auto"


def test_buttons_ask_with_the_right_ids(panel, script):
    older, newer = script.takes[:2]
    chosen, played, compared = watch(panel.chooseRequested), watch(panel.playRequested), watch(panel.compareRequested)
    assert not panel.choose_button.isEnabled() and not panel.compare_button.isEnabled()
    QTest.mouseClick(panel.play_button, LEFT)  # nothing selected: the chosen take
    panel.select_takes([older])
    QTest.mouseClick(panel.play_button, LEFT)
    QTest.mouseClick(panel.compare_button, LEFT)
    QTest.mouseClick(panel.choose_button, LEFT)
    assert played == [(newer,), (older,)]
    assert compared == [(newer, older)]  # A: the chosen take, B: the selected one
    assert chosen == [(older,)]
    panel.select_takes([newer])
    assert not panel.choose_button.isEnabled()  # already chosen
    panel.select_takes([older])
    QTest.keyClick(panel.takes, Qt.Key.Key_Return)
    assert chosen == [(older,), (older,)]
    rect = panel.takes.visualItemRect(panel.takes.topLevelItem(1))
    QTest.mouseDClick(panel.takes.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.center())
    assert played[-1] == (older,)


def test_line_actions_and_candidates(panel, script):
    asked = {name: watch(getattr(panel, name)) for name in (
        "regenerateRequested", "approveRequested", "strategyRequested", "candidateChosen", "retranslateRequested")}
    QTest.mouseClick(panel.regenerate_button, LEFT)
    QTest.mouseClick(panel.approve_button, LEFT)
    QTest.mouseClick(panel.retranslate_button, LEFT)
    QTest.keyClick(panel.strategy, Qt.Key.Key_Down)
    assert not panel.use_button.isEnabled()
    panel.candidates.setCurrentRow(1)
    QTest.mouseClick(panel.use_button, LEFT)
    panel.candidates.setCurrentRow(0)
    QTest.keyClick(panel.candidates, Qt.Key.Key_Return)
    assert asked == {"regenerateRequested": [()], "approveRequested": [()], "strategyRequested": [(FIT_STRATEGIES[1],)],
                     "candidateChosen": [("Hola.",), ("Hola amigo.",)], "retranslateRequested": [()]}
    assert script.project.translation(script.ids[0], "es").fit_strategy == "auto"  # the window writes it


def test_redraws_after_the_window_applies_changes(panel, script):
    project, line = script.project, script.ids[0]
    older, newer = script.takes[:2]
    panel.select_takes([older])
    panel.apply_changes(project.choose_take(older))
    assert listed(panel) == [(newer, ""), (older, CHOSEN_MARK)]
    assert panel.selected_takes() == (older,)
    panel.set_line(project, line, "es")  # as the window does after every change: the selection stays
    assert panel.selected_takes() == (older,)
    fresh = project.add_take(line, "es", np.zeros(4800, np.int16), RATE, text="Hola, amigo.", backend="kokoro",
                             choose=True, fit=fit(2 * RATE, 2 * RATE))
    panel.apply_changes(project.set_take_figures(fresh, qa={"heard": "Hola amigo", "cer": 0.0, "flagged": False}))
    assert listed(panel)[0] == (fresh, CHOSEN_MARK) and panel.takes.topLevelItem(0).text(5) == "fits"
    panel.apply_changes(project.set_fit_strategy([line], "es", "stretch"))
    assert panel.strategy.currentText() == "stretch"
    panel.apply_changes(project.approve([line], "es"))
    assert not panel.approve_button.isEnabled() and panel.title.text().endswith("Approved")
    unrelated = project.edit_translation(script.ids[1], "es", "Hola.")
    panel.takes.clear()  # a redraw would refill it
    panel.apply_changes(unrelated)
    assert panel.takes.topLevelItemCount() == 0


def test_a_line_without_takes_or_none(panel, script):
    panel.set_line(script.project, script.ids[3], "es")
    assert listed(panel) == [] and not panel.play_button.isEnabled() and not panel.compare_button.isEnabled()
    assert panel.regenerate_button.isEnabled()
    panel.set_line(None, None, "es")
    assert panel.title.text() == "No line selected"
    assert not panel.regenerate_button.isEnabled() and not panel.retranslate_button.isEnabled()
