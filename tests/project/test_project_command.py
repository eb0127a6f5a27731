"""`dubstudio project info` and `dubstudio project relink`."""

import json
from types import SimpleNamespace

import pytest

from dubstudio.cli.main import main


@pytest.fixture
def run(capsys):
    """The command in this process: exit code, stdout, stderr."""

    def run(*args: str) -> SimpleNamespace:
        code = main(list(args))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return run


def test_info_prints_settings_speakers_and_lines_with_timecodes(tmp_path, project_at, run):
    path = tmp_path / "info.dubproj"
    project_at(path).close()
    out = run("project", "info", str(path))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "en -> es, fr" in text and "30000/1001 fps, drop-frame timecode" in text
    assert "Bob  (es: Kokoro Ana)" in text
    assert "1  00:00:00;00 - 00:00:01;29  Alice: Hello there, friend." in text
    assert "es [machine] Hola, amigo." in text


def test_info_json(tmp_path, project_at, run):
    path = tmp_path / "info.dubproj"
    project_at(path).close()
    out = run("project", "info", str(path), "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["settings"]["frame_rate"] == "30000/1001" and info["settings"]["sample_rate"] == 48_000
    assert [speaker["name"] for speaker in info["speakers"]] == ["Alice", "Bob"]
    first = info["lines"][0]
    assert (first["start"], first["end"], first["start_timecode"]) == (0, 96_000, "00:00:00;00")
    assert first["translations"]["es"]["text"] == "Hola, amigo."
    assert first["translations"]["fr"]["status"] == "machine"
    assert info["lines"][3]["translations"]["es"] is None


def test_a_bad_file_is_one_line_on_stderr(tmp_path, run):
    path = tmp_path / "notes.dubproj"
    path.write_text("not a project")
    out = run("project", "info", str(path))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "is not a DubStudio project" in out.stderr


def test_relink(tmp_path, project_at, run):
    media = tmp_path / "film.mp4"
    media.write_bytes(b"frames" * 10_000)
    path = tmp_path / "relink.dubproj"
    project = project_at(path)
    project.set_source_media(media, {})
    project.close()
    (tmp_path / "moved").mkdir()
    media.rename(tmp_path / "moved" / "film.mp4")
    assert "MISSING" in run("project", "info", str(path)).stdout
    out = run("project", "relink", str(path), str(tmp_path / "moved"))
    assert out.returncode == 0, out.stderr
    assert "found)" in run("project", "info", str(path)).stdout
