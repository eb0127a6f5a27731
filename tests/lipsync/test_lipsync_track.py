"""Face tracks: joined frame to frame, cut at shot changes, smoothed, and the speaking face chosen by
how well its mouth follows the original dialogue."""

from fractions import Fraction

import numpy as np
import pytest

from dubstudio.lipsync.face import mouth_opening
from dubstudio.lipsync.track import Detection, active_track, build_tracks, shot_cuts, smooth
from dubstudio.lipsync.visemes import MouthShape
from dubstudio.lipsync.warp import target_points

FPS = Fraction(25)


def with_opening(points: np.ndarray, opening: float, shift=(0.0, 0.0)) -> np.ndarray:
    out = points.copy()
    out[:, :2] = target_points(points, MouthShape(opening)) + shift
    return out


@pytest.mark.slow
def test_two_faces_make_two_tracks_per_shot_and_the_one_that_speaks_is_chosen(photo):
    _, points = photo
    rng = np.random.default_rng(3)
    speech = np.clip(np.sin(np.arange(40) / 2.0), 0, 1)  # the original dialogue's envelope
    idle = rng.uniform(0, 0.3, 40)
    detections = []
    for k in range(40):
        drift = (k * 0.5, 0.0)  # both faces move slowly; the second sits far to the right
        speaker = Detection(with_opening(points, 0.05 + 0.25 * speech[k], drift))
        listener = Detection(with_opening(points, 0.05 + 0.25 * idle[k], (drift[0] + 600, 0.0)))
        faces = [listener, speaker] if k % 2 else [speaker, listener]  # the mesh's order means nothing
        if k == 12:
            faces = [listener]  # the speaker is lost for a frame
        detections.append(faces)
    tracks = build_tracks(detections, cuts=[20])
    assert sorted((t.first, t.end, t.shot) for t in tracks) == [(0, 20, 0), (0, 20, 0), (20, 40, 1), (20, 40, 1)]
    active = active_track(tracks, speech, FPS)
    assert active.reasons[12] == "no face" and active.skipped(40)["no face"] == [12]
    speaking = [k for k in range(40) if k != 12]
    assert all(active.landmarks(k)[:, 0].mean() < points[:, 0].mean() + 100 for k in speaking)
    assert active.openings(40)[5] == pytest.approx(0.05 + 0.25 * speech[5], abs=1e-6)


@pytest.mark.slow
def test_without_dialogue_the_face_seen_longest_is_chosen_and_skipped_frames_are_reported(photo):
    _, points = photo
    detections = [[Detection(points), Detection(points + (500, 0, 0))] if k < 5 else [Detection(points)]
                  for k in range(12)]
    detections[7] = [Detection(points, "occluded")]
    tracks = build_tracks(detections)
    active = active_track(tracks, None, FPS)
    assert active.usable() == 11
    assert active.skipped(12) == {"no face": [], "profile": [], "occluded": [7]}


@pytest.mark.slow
def test_smoothing_calms_jitter_and_restarts_after_a_gap(photo):
    _, points = photo
    rng = np.random.default_rng(4)
    noisy = [Detection(points + np.column_stack([rng.normal(0, 2.0, (478, 2)), np.zeros(478)])) for _ in range(30)]
    noisy[15] = Detection(points, "profile")
    track = build_tracks([[d] for d in noisy])[0]
    steady = smooth(track, FPS)
    raw_error = np.mean([np.abs(track.points[k][:, :2] - points[:, :2]).mean() for k in range(20, 30)])
    steady_error = np.mean([np.abs(steady.points[k][:, :2] - points[:, :2]).mean() for k in range(20, 30)])
    assert steady_error < 0.6 * raw_error
    assert steady.landmarks(15) is None
    assert np.array_equal(steady.points[16], track.points[16])  # the filter starts again after the gap
    assert mouth_opening(steady.points[25]) == pytest.approx(mouth_opening(points), abs=0.03)


def test_a_shot_change_is_found_where_the_picture_jumps():
    rng = np.random.default_rng(5)
    warm = np.zeros((72, 128, 3), np.uint8) + (200, 120, 60)
    cool = np.zeros((72, 128, 3), np.uint8) + (40, 90, 200)
    frames = [np.clip(base + rng.integers(-8, 8, base.shape), 0, 255).astype(np.uint8)
              for base in [warm] * 10 + [cool] * 8 + [warm] * 5]
    assert shot_cuts(frames) == [10, 18]


@pytest.mark.slow
def test_the_sample_cuts_are_found_exactly(short_sample):
    from dubstudio.media import FrameReader

    with FrameReader(short_sample.video, size=(320, 180)) as reader:
        frames = list(reader.frames())
    assert shot_cuts(frames) == [shot["start_frame"] for shot in short_sample.info["shots"][1:]]
