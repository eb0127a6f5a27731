"""The preview shows exactly the frame at the playhead: read back from the widget's own pixels (each test
frame carries its number as blocks), stepping forward and back and jumping, at 25 and 30000/1001 fps."""

import random
import time
from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from dubstudio.ui.preview import PreviewWidget
from numbered_preview import make, number_on_screen, wait_for

from dubstudio import timing
from dubstudio.project import NewLine, Project

pytestmark = pytest.mark.gui

FRAMES = 120


@pytest.fixture(scope="module", params=[Fraction(25), Fraction(30000, 1001)], ids=["25", "29.97"])
def clip(request, tmp_path_factory):
    rate = request.param
    path = make.counter_video(tmp_path_factory.mktemp("preview") / "numbered.mp4", rate, FRAMES)
    return path, rate


@pytest.fixture
def preview(qapp, clip, tmp_path):
    path, rate = clip
    project = Project.create(tmp_path / "preview.dubproj", source_language="en", target_languages=["es"],
                             frame_rate=timing.format_frame_rate(rate))
    widget = PreviewWidget(use_vlc=False)
    widget.resize(480, 320)
    widget.show()
    widget.set_project(project, path)
    wait_for(qapp, lambda: widget.displayed_frame() == 0)
    yield widget, project, rate
    widget.close()
    widget.deleteLater()
    project.close()


def show(qapp, widget: PreviewWidget, frame: int, rate: Fraction) -> float:
    """Put the playhead on frame's first sample; seconds until that frame is on screen."""
    widget.set_playhead(timing.frame_to_samples(frame, rate))
    return wait_for(qapp, lambda: widget.displayed_frame() == frame)


def test_stepping_and_jumping_shows_the_frame_at_the_playhead(qapp, preview):
    widget, _, rate = preview
    forward = list(range(30))
    backward = list(range(29, -1, -1))
    jumps = [FRAMES - 1, 0, *random.Random(11).sample(range(FRAMES), 25), FRAMES - 1, FRAMES - 2, 0]
    for frame in forward + backward + jumps:
        show(qapp, widget, frame, rate)
        assert number_on_screen(widget) == frame == widget.frame_at(timing.frame_to_samples(frame, rate))
    # a playhead anywhere inside a frame shows that frame
    show(qapp, widget, 40, rate)
    widget.set_playhead(timing.frame_to_samples(41, rate) - 1)
    assert widget.displayed_frame() == 40 and number_on_screen(widget) == 40


def test_a_step_to_a_neighbour_is_instant(qapp, preview):
    widget, _, rate = preview
    show(qapp, widget, 60, rate)
    qapp.processEvents()
    time.sleep(0.5)  # the neighbours are decoded meanwhile
    for frame in (61, 62, 61, 60, 59, 58):
        widget.set_playhead(timing.frame_to_samples(frame, rate))
        assert widget.displayed_frame() == frame  # at once: from the cache, no event loop needed
        assert number_on_screen(widget) == frame
        time.sleep(0.05)
        qapp.processEvents()


def test_the_latest_request_wins(qapp, preview):
    widget, _, rate = preview
    rng = random.Random(5)
    shown = widget.displayed_frame()
    for _ in range(40):  # faster than frames decode: most requests are overtaken
        frame = rng.randrange(FRAMES)
        widget.set_playhead(timing.frame_to_samples(frame, rate))
        qapp.processEvents()
        # never a picture for an older playhead: the old picture stays until the new one comes
        assert widget.displayed_frame() in (shown, frame)
        shown = widget.displayed_frame()
    wait_for(qapp, lambda: widget.displayed_frame() == frame)
    assert number_on_screen(widget) == frame


def test_stepping_keys_ask_for_a_step(qapp, preview):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    widget, _, _ = preview
    steps = []
    widget.stepRequested.connect(steps.append)
    QTest.keyClick(widget, Qt.Key.Key_Right)
    QTest.keyClick(widget, Qt.Key.Key_Left)
    QTest.keyClick(widget, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # not a step: the window's
    assert steps == [1, -1]


@pytest.mark.parametrize("direction", [1, -1], ids=["forward", "backward"])
def test_decoder_playback_follows_the_player_and_pauses_on_the_exact_frame(qapp, preview, direction):
    """Without libVLC (or playing backwards, which VLC cannot) frames are decoded ahead at the clock."""
    from dubstudio.ui.playback import Player

    widget, _, rate = preview
    player = Player()
    player.positionChanged.connect(widget.set_playhead)
    player.stateChanged.connect(lambda state: widget.set_playing(state == "playing"))  # the rate is seen
    samples = []
    player.positionChanged.connect(lambda _: samples.append((widget.frame_at(player.position),
                                                              widget.displayed_frame())))
    first, last = (10, 40) if direction > 0 else (100, 70)
    player.play(timing.frame_to_samples(first, rate), rate=direction)
    wait_for(qapp, lambda: (widget.frame_at(player.position) - last) * direction > 0, 5)
    player.pause()
    behind = [(playhead - shown) * direction for playhead, shown in samples[10:]]
    assert np.median(behind) <= 1 and min(behind) >= 0  # keeps up, and never ahead of the clock
    shown = [shown for _, shown in samples[10:]]
    assert all((later - earlier) * direction >= 0 for earlier, later in pairwise(shown))  # in order
    stop = widget.frame_at(player.position)
    wait_for(qapp, lambda: widget.displayed_frame() == stop)
    assert number_on_screen(widget) == stop


def test_no_video_says_so(qapp, tmp_path):
    project = Project.create(tmp_path / "novideo.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25")
    widget = PreviewWidget(use_vlc=False)
    widget.set_project(project, None)
    widget.set_playhead(timing.SAMPLE_RATE)
    assert widget.displayed_frame() == -1 and "No video" in widget.status
    widget.grab()  # paints without a picture
    project.close()


@pytest.fixture
def lipsynced(tmp_path, clip):
    """A project whose line over frames 30-49 has a lip-sync result: its segment's frames say n + 500."""
    from dubstudio.lipsync.segments import segment_path
    from dubstudio.media import VideoWriter, probe

    path, rate = clip
    project = Project.create(tmp_path / "lipsync.dubproj", source_language="en", target_languages=["es"],
                             frame_rate=timing.format_frame_rate(rate))
    project.set_source_media(path, {"duration": str(probe(path).duration)})
    speaker = project.add_speaker("Alice")
    start, end = timing.frame_to_samples(30, rate), timing.frame_to_samples(50, rate)
    project.add_lines([NewLine(start, end, "Hi.", speaker)])
    line = project.lines()[0]
    project.set_machine_translations("es", {line.id: "Hola."})
    take = project.add_take(line.id, "es", np.full(end - start, 0.1, np.float32), timing.SAMPLE_RATE, text="Hola.",
                            backend="test", choose=True, fit={"offset": 0, "length": end - start})
    key = f"preview-test-{rate.numerator}"
    with VideoWriter(segment_path(key), (make.WIDTH, make.HEIGHT), rate) as writer:
        for frame in range(30, 50):
            writer.write(make.numbered_picture(frame + 500))
    project.set_lipsync(line.id, "es", take_id=take, dub_start=start, method="embedded", frames=(30, 50),
                        segment_key=key, scores={"changed": 20})
    yield project, path, rate, (line.id, take, start, key)
    project.close()


def test_lip_synced_lines_show_their_lip_synced_frames(qapp, lipsynced):
    project, path, rate, (line_id, take, start, key) = lipsynced
    widget = PreviewWidget(use_vlc=False)
    widget.resize(480, 320)
    widget.set_project(project, path, "es")
    wait_for(qapp, lambda: widget.displayed_frame() == 0)
    for frame, expected in ((29, 29), (30, 530), (49, 549), (50, 50), (40, 540)):
        show(qapp, widget, frame, rate)
        assert number_on_screen(widget) == expected
        assert ("lip-synced" in widget.labels[1]) == (expected != frame)

    # a new result (here over fewer frames) shows as soon as the window passes its changes on
    changes = project.set_lipsync(line_id, "es", take_id=take, dub_start=start, method="embedded", frames=(30, 40),
                                  segment_key=key, scores={"changed": 10})
    widget.apply_changes(changes)
    wait_for(qapp, lambda: widget.displayed_frame() == 40)
    assert number_on_screen(widget) == 40 and "lip-synced" not in widget.labels[1]
    show(qapp, widget, 35, rate)
    assert number_on_screen(widget) == 535
    widget.close()
