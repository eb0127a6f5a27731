"""`dubstudio lipsync` refuses bad input in one sentence with exit code 2, before any job runs."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "media"))
import media_factory as make  # the numbered test media of tests/media

from dubstudio.pipeline.ingest import inspect, probe_dict
from dubstudio.project import NewLine, Project

pytestmark = pytest.mark.slow
RATE = 48_000


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dubstudio", "lipsync", *map(str, args)], capture_output=True,
                          text=True, timeout=300, check=False)


def one_sentence(run: subprocess.CompletedProcess, *words: str) -> None:
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("dubstudio: ") and run.stderr.strip().count("\n") == 0, run.stderr
    for word in words:
        assert word in run.stderr


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli media")
    return (make.counter_video(folder / "video.mp4", frames=100, audio=True),
            make.tone(folder / "sound.wav", 4, channels=2))


def project_of(path, source) -> Project:
    """Two lines in Spanish: the first with a take, the second without."""
    project = Project.create(path, source_language="en", target_languages=["es"], frame_rate=25)
    project.set_source_media(source, probe_dict(inspect(source)))
    project.add_lines([NewLine(RATE // 2, RATE, "One."), NewLine(2 * RATE, 3 * RATE, "Two.")])
    one, two = (line.id for line in project.lines())
    project.set_machine_translations("es", {one: "Uno.", two: "Dos."})
    project.add_take(one, "es", np.zeros(RATE // 2, np.float32), RATE, text="Uno.", backend="kokoro")
    return project


@pytest.mark.parametrize("args, words", [
    (["--method", "wav2lip"], ["wav2lip needs its model folder", "--folder DIR"]),
    (["--method", "wav2lip-gan", "--folder", "/no/such/folder"], ["wav2lip-gan cannot run", "/no/such/folder"]),
    (["--syncnet", "/no/such/syncnet"], ["syncnet cannot run", "/no/such/syncnet"]),
])
def test_a_missing_model_folder_is_one_sentence(tmp_path, media, args, words):
    project_of(tmp_path / "p.dubproj", media[0]).close()
    one_sentence(cli(tmp_path / "p.dubproj", *args), *words)


def test_a_line_that_is_not_there_or_has_no_take_is_one_sentence(tmp_path, media):
    project_of(tmp_path / "p.dubproj", media[0]).close()
    one_sentence(cli(tmp_path / "p.dubproj", "--line", 9), "has no line 9", "lines 1 to 2")
    one_sentence(cli(tmp_path / "p.dubproj", "--line", 2, "--lang", "es"), "line 2 has no es take")


def test_a_source_without_picture_is_one_sentence(tmp_path, media):
    project_of(tmp_path / "p.dubproj", media[1]).close()
    one_sentence(cli(tmp_path / "p.dubproj"), "sound.wav has no picture")
    with Project.open(tmp_path / "p.dubproj") as project:
        assert project.lipsyncs("es") == {} and project.jobs.unfinished() == []
