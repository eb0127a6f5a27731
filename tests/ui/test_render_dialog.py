"""The render dialog: flagged lines listed before a render, the choices it makes into Deliverables, and a
render from the dialog that produces the same master as `dubstudio render` on the same project."""

import json
import subprocess
import time

import numpy as np
import pytest
from dubbed_sample import cli, dubbed_sample
from dubstudio.ui.render import RenderDialog
from dubstudio.ui.session import Session
from PySide6.QtWidgets import QApplication
from script_project import make_script

from dubstudio.pipeline.deliverables import Deliverables
from dubstudio.project import Project

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qapp, tmp_path):
    script = make_script(tmp_path / "flagged.dubproj")
    session = Session(script.project)
    dialog = RenderDialog(session)
    dialog.show()
    yield dialog
    dialog.close()
    session.close()


def test_flagged_lines_are_listed_before_rendering(dialog):
    listed = [dialog.flagged.item(i).text() for i in range(dialog.flagged.count())]
    # the script project's Spanish: line 1 over its slot, line 2 misheard by QA, line 4 without a take;
    # its French has no takes at all
    spanish = [text for text in listed if text.startswith("es ")]
    assert spanish == ["es · line 1 (00:00:00:00): +340 ms over its slot",
                       "es · line 2 (00:00:03:00): CER 40%", "es · line 4 (00:00:09:00): no take"]
    assert sum(text.startswith("fr ") for text in listed) == 4
    assert dialog.render_button.text() == "Render anyway" and "7 lines need a look" in dialog.warning.text()
    dialog.languages["fr"].setChecked(False)
    assert dialog.flagged.count() == 3 and dialog.burn_language.count() == 1


def test_the_dialog_defaults_are_the_cli_defaults_and_choices_become_deliverables(dialog):
    assert dialog.deliverables() == Deliverables()
    assert dialog.loudness.currentData() == "web" and dialog.video.currentData() == ""
    dialog.original.setChecked(False)
    dialog.stems.setChecked(False)
    dialog.subtitle_files.setChecked(False)
    dialog.burn.setChecked(True)
    dialog.timeline.setChecked(False)
    dialog.video.setCurrentIndex(dialog.video.findData("prores"))
    assert dialog.container.currentData() == "mov"  # ProRes goes only into MOV
    assert not dialog.container.model().item(dialog.container.findData("mp4")).isEnabled()
    assert dialog.deliverables() == Deliverables(original_track=False, stems=False, subtitle_files=False,
                                                 burn_subtitles="es", timeline=False, video_preset="prores")


def streams(path) -> list[dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["streams"]


def decoded(path, stream: str) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-f", "f32le", "-ac", "1",
                          "-ar", "48000", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, np.float32)


def packets(path, stream: str) -> list[str]:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-c", "copy", "-f",
                          "framemd5", "-"], capture_output=True, text=True, check=True).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if not line.startswith("#")]


def wait_until(app, condition, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.05)
    assert condition(), "timed out"


@pytest.mark.slow
def test_a_render_from_the_dialog_is_the_master_dubstudio_render_writes(qapp, tmp_path):
    path = dubbed_sample(tmp_path)
    session = Session(Project.open(path))
    session.start_engine()
    dialog = RenderDialog(session)
    dialog.folder.setText(str(tmp_path / "dialog"))
    dialog.show()
    try:
        dialog.start()
        wait_until(QApplication.instance(), lambda: dialog.status_text not in ("running",), 600)
        assert dialog.status_text == "finished", dialog.stage.text()
        assert dialog.open_button.isVisible() and not dialog.cancel_button.isVisible()
        assert "✓ mix and deliver" in dialog.stages.text()
        from_dialog = dialog.rendered.master
    finally:
        dialog.close()
        session.close()
    run = cli("render", path, "-o", tmp_path / "cli")
    assert run.returncode == 0, run.stderr[-2000:]
    from_cli = tmp_path / "cli" / from_dialog.name
    assert from_dialog == tmp_path / "dialog" / "sample.dub.mp4" and from_cli.is_file()

    mine, theirs = streams(from_dialog), streams(from_cli)
    keys = ("codec_type", "codec_name", "sample_rate", "channels", "width", "height", "r_frame_rate", "nb_frames")
    assert [{k: s.get(k) for k in keys} | {"tags": s.get("tags", {}).get("language")} for s in mine] == \
        [{k: s.get(k) for k in keys} | {"tags": s.get("tags", {}).get("language")} for s in theirs]
    for a, b in zip(mine, theirs, strict=True):
        assert abs(float(a["duration"]) - float(b["duration"])) < 1e-3
    assert packets(from_dialog, "v") == packets(from_cli, "v")
    assert [s["tags"]["language"] for s in mine if s["codec_type"] == "audio"] == ["eng", "spa"]
    for index in range(2):
        ours, cli_audio = decoded(from_dialog, f"a:{index}"), decoded(from_cli, f"a:{index}")
        assert len(ours) == len(cli_audio) > 48_000 and np.array_equal(ours, cli_audio)
    assert packets(from_dialog, "s") == packets(from_cli, "s")
    for name in ("stems/sample.mix.es.wav", "sample.es.srt", "sample.otio"):
        assert (tmp_path / "dialog" / name).is_file() and (tmp_path / "cli" / name).is_file()
    assert not list((tmp_path / "dialog").glob(".render-*")), "the work folder was left behind"


def frame_at(path, seconds: float) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(seconds), "-i", str(path), "-frames:v", "1", "-f",
                          "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, np.uint8).reshape(720, 1280).astype(int)


@pytest.mark.slow
def test_burned_in_subtitles_and_fewer_deliverables_from_the_dialog_and_the_cli(qapp, tmp_path):
    path = dubbed_sample(tmp_path)
    with Project.open(path) as project:
        source = project.locate_media()
        first = project.lines()[0]
    session = Session(Project.open(path))
    session.start_engine()
    dialog = RenderDialog(session)
    dialog.folder.setText(str(tmp_path / "dialog"))
    for box in (dialog.original, dialog.stems, dialog.subtitle_files, dialog.timeline):
        box.setChecked(False)
    dialog.burn.setChecked(True)
    dialog.container.setCurrentIndex(dialog.container.findData("mkv"))
    try:
        dialog.start()
        wait_until(QApplication.instance(), lambda: dialog.status_text != "running", 600)
        assert dialog.status_text == "finished", dialog.stage.text()
    finally:
        dialog.close()
        session.close()
    run = cli("render", path, "-o", tmp_path / "cli", "--container", "mkv", "--no-original", "--no-stems",
              "--no-subtitle-files", "--no-timeline", "--burn-subtitles", "es")
    assert run.returncode == 0, run.stderr[-2000:]
    for folder in (tmp_path / "dialog", tmp_path / "cli"):
        assert sorted(p.name for p in folder.iterdir()) == ["sample.dub.mkv"]  # nothing else delivered
        master = folder / "sample.dub.mkv"
        found = streams(master)
        assert [(s["codec_type"], s.get("tags", {}).get("language")) for s in found] == \
            [("video", None), ("audio", "spa"), ("subtitle", "spa")]
        assert len(packets(master, "v")) == len(packets(source, "v"))  # every frame kept
        middle = (first.start + first.end) / 2 / 48_000
        burned, original = frame_at(master, middle), frame_at(source, middle)
        assert np.abs(burned[600:] - original[600:]).mean() > 5  # the subtitle, drawn low in the picture
        assert np.abs(burned[:400] - original[:400]).mean() < 2  # the rest: only the re-encode's noise
    assert np.array_equal(decoded(tmp_path / "dialog" / "sample.dub.mkv", "a:0"),
                          decoded(tmp_path / "cli" / "sample.dub.mkv", "a:0"))


@pytest.mark.slow
def test_cancel_stops_the_render_and_leaves_no_master(qapp, tmp_path):
    session = Session(Project.open(dubbed_sample(tmp_path)))
    session.start_engine()
    dialog = RenderDialog(session)
    out = tmp_path / "out"
    dialog.folder.setText(str(out))
    dialog.video.setCurrentIndex(dialog.video.findData("h264"))  # a re-encode: a long last stage
    dialog.show()
    try:
        dialog.start()
        assert dialog.cancel_button.isVisible() and not dialog.options_box.isEnabled()
        wait_until(qapp, lambda: "mix and deliver" in dialog.stage.text() or dialog.status_text != "running", 600)
        dialog.cancel()
        wait_until(qapp, lambda: dialog.status_text != "running", 120)
        assert dialog.status_text == "cancelled" and dialog.rendered is None
        assert "Cancelled" in dialog.stage.text() and not dialog.open_button.isVisible()
        assert dialog.options_box.isEnabled() and dialog.render_button.isEnabled()
    finally:
        dialog.close()
        session.close()
    left = sorted(p.name for p in out.rglob("*"))
    assert not [name for name in left if name.endswith((".mp4", ".mkv", ".mov")) or "partial" in name
                or name.startswith(".render-")], left
