"""A small project for the script editor and takes panel tests: two speakers, four lines in Spanish
with takes that are over, short, fitting, and missing, one misheard by QA, one approved, one voice cast.
And the little the widget tests share: showing a widget, recording a signal."""

from dataclasses import dataclass

import numpy as np
import pytest

from dubstudio.project import NewLine, Project
from dubstudio.timing import SAMPLE_RATE as RATE
from dubstudio.voices.fitting import Fit

MS = RATE // 1000


@dataclass
class Script:
    project: Project
    ids: tuple[int, ...]    # the four lines, in script order
    alice: int
    bob: int
    takes: tuple[int, ...]  # line 1: fitting (older), over (newer, chosen); line 2; line 3


def fit(slot: int, length: int, over: int = 0, borrowed: int = 0) -> dict:
    return Fit("auto", natural=length, slot=slot, length=length, borrowed=borrowed, over=over,
               tempo=1.0).as_dict()


def qa(heard: str, cer: float) -> dict:
    return {"heard": heard, "cer": cer, "flagged": cer > 0.25}


def make_script(path) -> Script:
    project = Project.create(path, source_language="en", target_languages=["es", "fr"], frame_rate="25")
    alice, bob = project.add_speaker("Alice"), project.add_speaker("Bob")
    project.add_lines([
        NewLine(0, 2 * RATE, "Hello there, friend.", alice),
        NewLine(3 * RATE, 5 * RATE, "How are you?", alice),
        NewLine(6 * RATE + 12 * MS, 8 * RATE, "Fine, thanks.", bob),
        NewLine(9 * RATE, 10 * RATE, "Good night.", bob),
    ])
    ids = tuple(line.id for line in project.lines())
    project.set_machine_translations("es", {ids[0]: "Hola, amigo.", ids[1]: "¿Cómo estás?",
                                            ids[2]: "Bien, gracias.", ids[3]: "Buenas noches."},
                                     {ids[0]: ["Hola amigo.", "Hola."]})
    audio = np.zeros(RATE // 10, dtype=np.int16)
    slot = 2 * RATE
    takes = (
        project.add_take(ids[0], "es", audio, RATE, text="Hola, amigo.", backend="kokoro",
                         fit=fit(slot, slot - 50 * MS), qa=qa("Hola, amigo.", 0.0)),
        project.add_take(ids[0], "es", audio, RATE, text="Hola, amigo.", backend="kokoro", choose=True,
                         fit=fit(slot, slot + 500 * MS, over=340 * MS, borrowed=160 * MS),
                         qa=qa("Hola, amigo.", 0.0)),
        project.add_take(ids[1], "es", audio, RATE, text="¿Cómo estás?", backend="kokoro",
                         fit=fit(slot, slot - 120 * MS), qa=qa("Como esta", 0.4)),
        project.add_take(ids[2], "es", audio, RATE, text="Bien, gracias.", backend="kokoro",
                         fit=fit(slot - 12 * MS, slot + 100 * MS, borrowed=112 * MS), qa=qa("Bien, gracias.", 0.0)),
    )
    voice = project.add_voice("Kokoro Ana", "kokoro", backend_voice="ef_dora")
    project.cast_voice(bob, "es", voice)
    project.approve([ids[2]], "es")
    return Script(project, ids, alice, bob, takes)


def watch(signal) -> list:
    """What a signal emitted, one tuple of arguments per emission."""
    seen = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def shown(widget, width: int, height: int):
    """Show a widget (offscreen), active, for a fixture to yield; close it after."""
    from PySide6.QtTest import QTest

    widget.resize(width, height)
    widget.show()
    QTest.qWaitForWindowExposed(widget)
    widget.activateWindow()
    yield widget
    widget.close()
    widget.deleteLater()


@pytest.fixture(name="script")
def script_fixture(tmp_path):
    """The `script` fixture: the project, open (import script_fixture into a test module)."""
    made = make_script(tmp_path / "ui.dubproj")
    yield made
    made.project.close()
