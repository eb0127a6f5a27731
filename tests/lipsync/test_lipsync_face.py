"""Face-mesh landmarks and what lip-sync measures on them: the face found in the sample, mouth opening,
head turn, and the frames it must skip (no face, a profile, a covered mouth)."""

from fractions import Fraction

import numpy as np
import pytest

from dubstudio.lipsync.face import (
    JAW,
    LIPS_INNER,
    LIPS_OUTER,
    LOWER_FACE,
    eye_distance,
    face_box,
    mouth_opening,
    yaw_degrees,
)
from dubstudio.lipsync.visemes import MouthShape
from dubstudio.lipsync.warp import target_points


def test_landmark_sets_are_distinct_loops_of_the_478_point_mesh():
    assert len(LIPS_OUTER) == len(LIPS_INNER) == 20
    assert not set(LIPS_OUTER) & set(LIPS_INNER)
    assert len(set(LOWER_FACE)) == len(LOWER_FACE) and LOWER_FACE[:len(JAW)] == JAW
    assert 152 in JAW and max(LOWER_FACE + LIPS_OUTER + LIPS_INNER) < 478


def turned(points: np.ndarray, degrees: float) -> np.ndarray:
    """The landmarks of the head turned about a vertical axis through its centre."""
    angle = np.radians(degrees)
    centre = points.mean(axis=0)
    x, z = points[:, 0] - centre[0], points[:, 2] - centre[2]
    out = points.copy()
    out[:, 0] = centre[0] + x * np.cos(angle) - z * np.sin(angle)
    out[:, 2] = centre[2] + x * np.sin(angle) + z * np.cos(angle)
    return out


@pytest.mark.slow
def test_opening_is_measured_against_the_eye_distance_and_the_head_turn_from_depth(photo):
    _, points = photo
    assert 0.08 < mouth_opening(points) < 0.15  # the astronaut smiles with her teeth showing
    closed = np.column_stack([target_points(points, MouthShape(0.0)), points[:, 2]])
    opened = np.column_stack([target_points(points, MouthShape(0.3)), points[:, 2]])
    assert mouth_opening(closed) == pytest.approx(0.0, abs=1e-6)
    assert mouth_opening(opened) == pytest.approx(0.3, abs=1e-6)
    # twice the size, same opening
    assert mouth_opening(points * 2) == pytest.approx(mouth_opening(points))
    assert abs(yaw_degrees(points)) < 8
    assert yaw_degrees(turned(points, 30)) == pytest.approx(30, abs=8)
    assert abs(yaw_degrees(turned(points, -60))) == pytest.approx(60, abs=8)
    x0, _y0, x1, y1 = face_box(points, 1.5)
    assert x1 - x0 == pytest.approx(1.5 * np.ptp(points[:, 0]), abs=2)
    assert x0 <= points[:, 0].min() and y1 >= points[:, 1].max()


@pytest.mark.slow
def test_the_face_mesh_finds_the_speaker_in_both_camera_angles_of_the_sample(short_sample, face_mesh):
    from dubstudio.media import FrameReader

    shots = short_sample.info["shots"]
    assert {shot["camera"] for shot in shots} == {"medium", "close"}
    with FrameReader(short_sample.video) as reader:
        for shot in shots:
            for n in range(shot["start_frame"], shot["end_frame"], 17):
                faces = face_mesh.detect(reader.frame(n), video=False)
                assert len(faces) == 1, f"frame {n}"
                assert faces[0].reason is None
                assert eye_distance(faces[0].points) > 150  # pixels at 720p: a talking head
                assert abs(yaw_degrees(faces[0].points)) < 15


@pytest.mark.slow
def test_blank_frames_profiles_and_covered_mouths_are_skipped_with_their_reason(photo, face_mesh):
    from dubstudio.engine.backends.facemesh import skip_reason

    picture, points = photo
    assert face_mesh.detect(np.zeros((720, 1280, 3), np.uint8), video=False) == []
    assert face_mesh.detect(np.full((720, 1280, 3), 128, np.uint8), video=False) == []
    assert skip_reason(picture, points) is None
    assert skip_reason(picture, turned(points, 60)) == "profile"
    assert skip_reason(picture, turned(points, 25)) is None
    # a hand-coloured patch over the mouth: the mesh still guesses lips, which are not there
    covered = picture.copy()
    x0, y0, x1, y1 = face_box(points[LIPS_OUTER], 1.4)
    covered[y0:y1, x0:x1] = picture[y0 - 60:y0 - 40, x0:x1].reshape(-1, 3).mean(axis=0)
    faces = face_mesh.detect(covered, video=False)
    assert [face.reason for face in faces] == ["occluded"]


@pytest.mark.slow
def test_a_fresh_sequence_does_not_carry_faces_over(face_mesh, photo):
    picture, _ = photo
    face_mesh.sequence()
    assert len(face_mesh.landmarks(picture)) == 1
    face_mesh.sequence()
    assert face_mesh.landmarks(np.zeros_like(picture)) == []


@pytest.mark.slow
def test_the_sample_speaker_mouths_the_original_english(short_sample, face_mesh):
    """The sample's mouth moves with its dialogue, so before/after scores and speaker choice mean something."""
    import soundfile

    from dubstudio.lipsync.score import speech_envelope, sync_score
    from dubstudio.media import FrameReader

    fps = Fraction(short_sample.info["fps"])
    dialogue, rate = soundfile.read(short_sample.dialogue, dtype="float32")
    with FrameReader(short_sample.video) as reader:
        face_mesh.sequence()
        openings = np.array([mouth_opening(face_mesh.landmarks(frame)[0]) for frame in reader.frames()])
    envelope = speech_envelope(dialogue, fps, len(openings), rate)
    assert sync_score(openings, envelope) > 0.7
    assert np.median(openings[envelope == 0]) < 0.08 < np.median(openings[envelope > 0.9])
