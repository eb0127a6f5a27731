"""User settings: saved atomically as JSON and read back the same; a damaged file said in one sentence; the
pipeline Options they mean; the cache kept under its size limit, least recently used first."""

import json
import os
import time

import pytest

from dubstudio import cache_size, paths
from dubstudio import settings as user_settings
from dubstudio.settings import EngineSettings, SettingsError, UserSettings


def test_settings_round_trip_through_the_config_folder(tmp_path, monkeypatch):
    # a config folder of its own: the settings saved here must not reach the other tests' sessions
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    chosen = UserSettings(folders={"whisper-large": "/models/whisper-large-v3", "xtts-v2": "/models/xtts"},
                          use={"transcribe": "whisper-large"},
                          engine=EngineSettings(scheduler="tcp://farm:8786", shared_storage=True, workers=2, threads=3),
                          cache_limit_gb=2.5)
    path = user_settings.save(chosen)
    assert path == paths.config_dir() / "settings.json"
    assert user_settings.load() == chosen
    assert json.loads(path.read_text())["version"] == user_settings.VERSION
    assert [p.name for p in path.parent.iterdir() if "partial" in p.name] == []
    assert user_settings.load(tmp_path / "none.json") == UserSettings()  # nothing saved: the defaults


@pytest.mark.parametrize("text, problem", [("{not json", "cannot be read"),
                                           ('{"engine": {"workers": 0}}', "engine.workers"),
                                           ('{"folders": {"x": 3}}', "folders")])
def test_a_damaged_settings_file_is_one_sentence_and_left_alone(tmp_path, text, problem):
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(SettingsError, match=problem) as error:
        user_settings.load(path)
    assert str(error.value).count("\n") == 0 and str(path) in str(error.value)
    assert path.read_text() == text


def test_settings_become_the_same_options_as_the_cli_flags():
    settings = UserSettings(folders={"whisper-large": "/w", "pyannote": "/p", "opus-mt-ct2": "/t", "demucs": "/d",
                                     "xtts-v2": "/x", "marian": "/unused", "wav2lip": "/l", "syncnet": "/s"},
                            use={"transcribe": "whisper-large", "diarize": "pyannote", "translate": "opus-mt-ct2",
                                 "separate": "demucs", "lipsync": "wav2lip"})
    options = user_settings.options(settings, targets=("fr",), qa=False)
    assert (options.whisper, options.pyannote, options.translator, options.translator_folder, options.demucs,
            options.xtts) == ("/w", "/p", "opus-mt-ct2", "/t", "/d", "/x")
    assert options.targets == ("fr",) and options.qa is False
    assert (options.lipsync_method, options.lipsync_folder, options.syncnet) == ("wav2lip", "/l", "/s")
    embedded = user_settings.options(UserSettings(folders={"whisper-large": "/w"}))
    assert (embedded.whisper, embedded.pyannote, embedded.translator, embedded.demucs, embedded.xtts) == \
        (None, None, "apertium", None, None)


def test_a_stage_set_to_a_backend_without_its_folder_is_refused():
    with pytest.raises(SettingsError, match="no model folder"):
        user_settings.options(UserSettings(use={"translate": "marian"}))
    with pytest.raises(SettingsError, match="not one of its backends"):
        user_settings.options(UserSettings(use={"translate": "whisper-large"}, folders={"whisper-large": "/w"}))


def _file(path, size: int, used: float):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    os.utime(path, (used, used))
    return path


def test_prune_deletes_the_least_recently_used_files_beyond_the_limit(tmp_path):
    now = time.time()
    oldest = _file(tmp_path / "stems" / "a" / "me.flac", 400, now - 300)
    old = _file(tmp_path / "audio" / "b.f32", 300, now - 200)
    recent = _file(tmp_path / "audio" / "c.f32", 200, now - 100)
    newest = _file(tmp_path / "casting" / "d.npy", 100, now)
    writing = _file(tmp_path / "audio" / ".e.partial.f32", 50, now - 1000)  # being written: never deleted
    assert cache_size.usage(tmp_path) == 1050
    pruned = cache_size.prune(400, tmp_path)
    assert (pruned.files, pruned.freed, pruned.left) == (2, 700, 350)
    assert not oldest.exists() and not old.exists() and recent.exists() and newest.exists() and writing.exists()
    assert not (tmp_path / "stems").exists()  # the folder it emptied went too
    assert cache_size.prune(10_000, tmp_path).files == 0
