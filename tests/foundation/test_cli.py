"""The dubstudio command: help, version, verbose logging, one-sentence errors with exit codes."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dubstudio

DUBSTUDIO = [sys.executable, "-m", "dubstudio"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*DUBSTUDIO, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_help_lists_the_commands():
    out = run("--help")
    assert out.returncode == 0
    for command in ("demo", "sample", "doctor"):
        assert command in out.stdout


def test_version_is_the_package_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"dubstudio {dubstudio.__version__}"


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("dubstudio")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == f"dubstudio {dubstudio.__version__}"


def test_bad_argument_is_one_sentence_and_exit_2(tmp_path):
    out = run("sample", "-o", str(tmp_path), "--size", "huge")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip() == ("dubstudio: 'huge' is not a picture size: write it as WIDTHxHEIGHT, "
                                  "e.g. 1280x720.")
    assert not any(tmp_path.iterdir()), "nothing is written for a refused command"


def test_log_goes_to_the_user_log_folder_and_v_adds_console_output(tmp_path):
    state = tmp_path / "state"
    out = run("-v", "sample", "-o", str(tmp_path / "s"), "--size", "1x1", env={"XDG_STATE_HOME": str(state)})
    assert out.returncode == 2
    logs = list(state.rglob("dubstudio.log"))
    assert len(logs) == 1
    assert "user error" in logs[0].read_text()


def test_unexpected_error_is_one_line_pointing_at_the_log(tmp_path, monkeypatch):
    from dubstudio.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def explode(args):
        raise ValueError("boom")

    parser = main.build_parser()
    monkeypatch.setattr(main, "build_parser", lambda: parser)
    parser.set_defaults(func=explode)
    assert main.main([]) == 1


@pytest.mark.slow
def test_doctor_passes_on_a_set_up_machine():
    out = run("doctor")
    assert out.returncode == 0, out.stdout + out.stderr
    passed = {line[6:28].strip() for line in out.stdout.splitlines() if line.startswith("ok")}
    details = {line[6:28].strip(): line[29:] for line in out.stdout.splitlines()}
    for name in ("libVLC", "Qt (PySide6)", "ffmpeg"):
        assert re.search(r"\d+\.\d+", details[name]), f"{name} shows its version: {details[name]!r}"
    for name in ("ffmpeg", "rubberband", "espeak-ng", "apertium eng-spa", "libVLC", "speech-to-text",
                 "tts multilingual", "tts english", "face landmarks", "disk", "GPU"):
        assert name in passed, out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_doctor_names_a_missing_tool_and_its_fix(tmp_path):
    # The same PATH, less espeak-ng.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for program in Path(folder).glob("*") if Path(folder).is_dir() else ():
            target = bin_dir / program.name
            if program.name != "espeak-ng" and not target.exists() and not target.is_symlink():
                target.symlink_to(program)
    out = run("doctor", env={"PATH": str(bin_dir)})
    assert out.returncode == 1
    failing = [line for line in out.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 1 and "espeak-ng" in failing[0]
    assert "sudo apt-get install espeak-ng" in failing[0]
    assert "Traceback" not in out.stderr + out.stdout


def test_a_reader_that_went_away_ends_the_command_quietly():
    # the pipe's reading end is closed before the command (which takes a second to start) writes
    process = subprocess.Popen([*DUBSTUDIO, "translate", "--pairs"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0 and errors == ""
