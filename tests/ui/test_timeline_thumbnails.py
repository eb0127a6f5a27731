"""The timeline's thumbnail track: frames decoded off the main thread, drawn at their frame's place."""

import time
from fractions import Fraction

import numpy as np
import pytest
from dubstudio.ui.timeline import TimelineView
from dubstudio.ui.timeline.paint import GUTTER
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor

from dubstudio import timing
from dubstudio.media import VideoWriter
from dubstudio.project import Project

pytestmark = pytest.mark.gui

FRAMES = 50


def colour_of(frame: int) -> tuple[int, int, int]:
    """Each frame is one colour that says its number."""
    return (frame * 5, 255 - frame * 5, 128)


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "numbered.mp4"
    with VideoWriter(path, (160, 90), Fraction(25)) as writer:
        for frame in range(FRAMES):
            writer.write(np.full((90, 160, 3), colour_of(frame), np.uint8))
    return path


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "thumbs.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25")
    project.add_speaker("Alice")
    yield project
    project.close()


def wait_for(qapp, condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        qapp.processEvents()
        time.sleep(0.01)


@pytest.mark.slow
def test_thumbnails_arrive_from_the_background_and_show_their_frames(qapp, project, video):
    view = TimelineView()
    view.resize(GUTTER + 1000, 360)
    view.set_project(project, "es", video_path=video)
    view.restore_view_state({"samples_per_pixel": timing.SAMPLE_RATE // 25 // 12, "start": 0})  # 12 px a frame
    view.show()
    placeholder = view.grab().toImage()  # the first paint asks for the visible frames
    track = view.tracks[1]
    assert QColor(placeholder.pixel(GUTTER + 10, track.y + track.height // 2)) == QColor("#3a3d44")
    shown = [0, 8, 16, 24, 32, 40, 48]  # 72-pixel pictures need 8 frames of 12 pixels each
    wait_for(qapp, lambda: all((frame, view.thumbnail_height) in view.thumbnails for frame in shown))
    assert view.thumbnails.widths[view.thumbnail_height] == 72
    image = view.grab().toImage()
    for frame in shown:
        x = round(view.x_of(timing.frame_to_samples(frame, Fraction(25)))) + 30
        found = QColor(image.pixel(QPoint(x, track.y + track.height // 2)))
        assert np.allclose((found.red(), found.green(), found.blue()), colour_of(frame), atol=12), frame
    view.close()


def test_a_video_that_cannot_be_read_says_so_in_its_track(qapp, project, tmp_path):
    view = TimelineView()
    view.resize(GUTTER + 800, 360)
    view.set_project(project, "es", video_path=tmp_path / "missing.mp4")
    view.show()
    view.grab()
    wait_for(qapp, lambda: view.thumbnail_error is not None, 10)
    assert "missing.mp4" in view.thumbnail_error
    view.close()
