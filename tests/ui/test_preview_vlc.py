"""Playing through libVLC: the picture follows the Player's clock, read back from the pictures VLC paints
(each test frame carries its number), and a pause lands on the exact frame from our decoder."""

import time
from fractions import Fraction

import numpy as np
import pytest
from dubstudio.ui.playback import Player
from dubstudio.ui.preview import PreviewWidget, vlc_video
from numbered_preview import make, number_on_screen, wait_for

from dubstudio import timing
from dubstudio.project import Project

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture(scope="module")
def libvlc():
    if vlc_video.shared_instance() is None:
        pytest.skip("libVLC is not installed")


@pytest.mark.parametrize("rate", [Fraction(25), Fraction(30000, 1001)], ids=["25", "29.97"])
def test_vlc_follows_the_player_and_pauses_on_the_exact_frame(qapp, libvlc, tmp_path, rate, figures):
    path = make.counter_video(tmp_path / "numbered.mp4", rate, 300)
    project = Project.create(tmp_path / "vlc.dubproj", source_language="en", target_languages=["es"],
                             frame_rate=timing.format_frame_rate(rate))
    widget = PreviewWidget(use_vlc=True)  # offscreen: VLC's pictures come through its video callbacks
    widget.resize(480, 320)
    widget.show()
    widget.set_project(project, path)
    wait_for(qapp, lambda: widget.displayed_frame() == 0)
    player = Player()
    player.positionChanged.connect(widget.set_playhead)
    player.stateChanged.connect(lambda state: widget.set_playing(state == "playing"))
    player.play(timing.frame_to_samples(20, rate))
    errors, by_vlc, started = [], 0, time.monotonic()
    while time.monotonic() - started < 5.5:
        pause = time.monotonic()
        while time.monotonic() - pause < 0.1:  # the event loop runs as the window's would
            qapp.processEvents()
            time.sleep(0.002)
        playhead = widget.frame_at(player.position)
        on_screen = number_on_screen(widget)
        if time.monotonic() - started > 1.5:  # VLC has started and caught up
            errors.append(on_screen - playhead)
            by_vlc += widget._vlc_frame is not None
    player.pause()
    errors = np.abs(errors)
    figures(f"VLC picture vs clock at {timing.format_frame_rate(rate)} fps (frames)",
            f"median {np.median(errors):.0f}, p90 {np.percentile(errors, 90):.0f}", "within 1 frame")
    assert by_vlc > 0.8 * len(errors)  # VLC showed the picture, not our decoder
    # a shared 2-core machine under load delays the event loop now and then: most samples, not all
    assert np.median(errors) <= 1 and np.percentile(errors, 80) <= 3
    stop = widget.frame_at(player.position)
    wait_for(qapp, lambda: widget.displayed_frame() == stop)
    assert number_on_screen(widget) == stop
    widget.close()
    widget.deleteLater()
    qapp.processEvents()
    project.close()
