"""A small project to work on: two speakers, four lines, Spanish and French, a take, a cast voice."""

import numpy as np
import pytest

from dubstudio.project import NewLine, Project, Word

RATE = 48_000


def make_project(path) -> Project:
    project = Project.create(path, source_language="en", target_languages=["es", "fr"],
                             frame_rate="30000/1001", title="Test")
    alice, bob = project.add_speaker("Alice"), project.add_speaker("Bob")
    project.add_lines([
        NewLine(0, 2 * RATE, "Hello there, friend.", alice,
                (Word(0, RATE // 2, "Hello"), Word(RATE // 2, RATE, "there,"), Word(RATE + 4800, 2 * RATE, "friend."))),
        NewLine(3 * RATE, 5 * RATE, "How are you?", alice),
        NewLine(6 * RATE, 8 * RATE, "Fine, thanks.", bob),
        NewLine(9 * RATE, 10 * RATE, "Good.", bob),
    ])
    first, second, third, _ = (line.id for line in project.lines())
    project.set_machine_translations("es", {first: "Hola, amigo.", second: "¿Cómo estás?", third: "Bien, gracias."},
                                     {first: ["Hola amigo."]})
    project.set_machine_translations("fr", {first: "Salut, l'ami."})
    project.add_take(first, "es", tone(0.5), 24_000, text="Hola, amigo.", backend="kokoro")
    project.add_take(first, "es", tone(0.6), 24_000, text="Hola, amigo.", backend="kokoro")
    stock = project.add_voice("Kokoro Ana", "kokoro", backend_voice="ef_dora")
    project.add_voice("Alice (clone)", "xtts", kind="clone", speaker_id=alice)
    project.cast_voice(bob, "es", stock)
    project.set_glossary_entry("es", "friend", "amigo")
    return project


def tone(seconds: float, rate: int = 24_000) -> np.ndarray:
    """Float audio that FLAC cannot hold exactly (so it is kept as float WAV)."""
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def state(project: Project) -> dict:
    """Everything a user can see of the project, for before/after comparisons."""
    languages = project.settings.target_languages
    return {
        "lines": project.lines(),
        "translations": {language: project.translations(language) for language in languages},
        "takes": {(line.id, language): project.takes(line.id, language)
                  for line in project.lines() for language in languages},
        "casting": {language: project.casting(language) for language in languages},
        "glossary": {language: project.glossary(language) for language in languages},
    }


@pytest.fixture
def project(tmp_path):
    project = make_project(tmp_path / "test.dubproj")
    yield project
    project.close()


@pytest.fixture
def snapshot():
    return state


@pytest.fixture
def make_tone():
    return tone


@pytest.fixture
def project_at():
    """Build the test project at a given path (for tests that close and reopen it)."""
    return make_project
