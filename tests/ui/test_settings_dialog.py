"""The settings dialog: a row per stage with the embedded default and each studio backend, a live status
as a folder is typed, the engine and cache sections, and OK that checks and saves."""

import os
import time

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from dubstudio import settings as user_settings
from dubstudio.settings import EngineSettings, UserSettings
from dubstudio.ui.settings import SettingsDialog
from dubstudio.ui.settings.models import CHECK_DELAY_MS, STAGE_TITLES

pytestmark = pytest.mark.gui


@pytest.fixture
def path(tmp_path):
    return tmp_path / "settings.json"


@pytest.fixture
def dialog(qapp, path, tmp_path):
    dialog = SettingsDialog(path=path, cache_root=tmp_path / "cache")
    dialog.show()
    yield dialog
    dialog.close()


def settle(ms: int = CHECK_DELAY_MS + 100) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def titles(dialog) -> list[str]:
    from PySide6.QtWidgets import QGroupBox

    return [box.title() for box in dialog.models.findChildren(QGroupBox)]


def test_every_stage_lists_its_default_and_studio_backends_with_a_status(dialog):
    assert titles(dialog) == list(STAGE_TITLES.values())
    assert set(dialog.models.rows) == {"whisper-large", "pyannote", "marian", "opus-mt-ct2", "xtts-v2", "demucs",
                                       "wav2lip", "wav2lip-gan", "syncnet"}
    assert all(row.status.text() == "missing: no model folder chosen" for row in dialog.models.rows.values())
    combo = dialog.models.use["translate"]
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "marian", "opus-mt-ct2"]


def test_the_status_follows_the_folder_as_it_is_typed(dialog, tmp_path):
    row = dialog.models.rows["xtts-v2"]
    folder = tmp_path / "xtts"
    folder.mkdir()
    row.edit.setText(str(folder))
    settle()
    assert row.status.text().startswith("missing: ") and "config.json, model.pth, vocab.json" in row.status.text()
    for name in ("config.json", "model.pth", "vocab.json"):
        (folder / name).write_text("{}")
    row.edit.setText(str(folder) + os.sep)
    settle()
    assert row.status.text() == "installed"


def test_ok_saves_what_was_chosen(dialog, path, tmp_path):
    folder = tmp_path / "whisper"
    dialog.models.rows["whisper-large"].edit.setText(str(folder))
    dialog.models.use["transcribe"].setCurrentIndex(1)
    dialog.engine.farm.setChecked(True)
    dialog.engine.scheduler.setText("tcp://farm:8786")
    dialog.engine.shared.setChecked(True)
    dialog.cache.limit.setValue(3.5)
    dialog.accept()
    assert user_settings.load(path) == UserSettings(
        folders={"whisper-large": str(folder)}, use={"transcribe": "whisper-large"},
        engine=EngineSettings(scheduler="tcp://farm:8786", shared_storage=True), cache_limit_gb=3.5)
    assert user_settings.options(user_settings.load(path)).whisper == str(folder)


def test_a_stage_set_to_a_backend_without_a_folder_is_said_and_not_saved(dialog, path, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    dialog.models.use["translate"].setCurrentIndex(2)
    dialog.accept()
    assert said and "no model folder" in said[0] and dialog.isVisible() and not path.exists()


def test_a_damaged_settings_file_is_shown_and_replaced_on_ok(qapp, path, tmp_path):
    path.write_text("{oops")
    dialog = SettingsDialog(path=path, cache_root=tmp_path)
    assert "cannot be read" in dialog.problem.text() and not dialog.problem.isHidden()
    dialog.accept()
    assert user_settings.load(path) == UserSettings()


def test_the_cache_section_shows_its_size_and_frees_space(dialog, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    for number in range(4):
        file = cache / f"{number}.bin"
        with file.open("wb") as out:  # sparse: sizes of gigabytes without the disk space
            out.truncate(400_000_000 if number == 0 else 1000)
        os.utime(file, (time.time() - 100 + number, time.time() - 100 + number))
    dialog.cache.refresh()
    assert dialog.cache.usage.text() == "0.40 GB"
    dialog.cache.limit.setValue(0.5)
    assert dialog.cache.prune().files == 0
    dialog.cache.limit.setMinimum(0.1)
    dialog.cache.limit.setValue(0.3)
    pruned = dialog.cache.prune()
    assert pruned.files == 1 and not (cache / "0.bin").exists() and "1 files deleted" in dialog.cache.usage.text()
