"""The embedded lip-sync: visemes from phonemes, mouth shapes over time, and on the sample clip a mouth
that follows a Spanish dub (measured by the face mesh on the output) with nothing changed outside the
lower face."""

from fractions import Fraction

import numpy as np
import pytest
from lipsync_media import dub_for, line_frames, ssim_outside

from dubstudio.lipsync.blend import feathered_mask, lower_face_polygon
from dubstudio.lipsync.embedded import EmbeddedRenderer
from dubstudio.lipsync.face import eye_distance, mouth_opening
from dubstudio.lipsync.score import speech_envelope, sync_score
from dubstudio.lipsync.track import active_track, build_tracks, shot_cuts, smooth
from dubstudio.lipsync.visemes import REST, VISEMES, attack_release, mouth_targets, viseme
from dubstudio.lipsync.warp import FEATHER

FPS = Fraction(25)
RATE = 48_000


def test_phonemes_map_to_mouth_shapes():
    assert viseme("m") == viseme("p") == viseme("b") == VISEMES["bilabial"]
    assert viseme("m").opening == 0.0
    assert viseme("ˈa") == viseme("aː") == viseme("aɪ") == VISEMES["open"]
    assert viseme("a").opening > viseme("e").opening > viseme("i").opening > viseme("f").opening > 0
    assert viseme("u").width < viseme("o").width < 1.0 < viseme("i").width
    assert viseme("tʃ") == viseme("ʃ") == VISEMES["postalveolar"]
    assert viseme("f") == viseme("v") == VISEMES["labiodental"]
    assert viseme("") == viseme("ˈ") == viseme("?") == REST


def test_a_closure_shuts_the_mouth_and_silence_rests_it():
    per_frame = RATE // 25
    phonemes = [(0, 3 * per_frame, "a"), (3 * per_frame, 5 * per_frame, "m"), (5 * per_frame, 8 * per_frame, "o")]
    opening, width = mouth_targets(10, FPS, np.ones(10), phonemes, RATE)
    assert opening[0] == pytest.approx(VISEMES["open"].opening)
    assert opening[3] == opening[4] == 0.0
    assert width[6] == pytest.approx(VISEMES["rounded"].width)
    assert opening[8] == opening[9] == 0.0  # no phoneme: silence
    # without phonemes, the envelope alone opens the mouth: louder is wider
    opening, width = mouth_targets(3, FPS, np.array([0.0, 0.6, 1.0]))
    assert opening[0] == 0.0 < opening[1] < opening[2] and np.all(width == 1.0)


def test_lips_open_faster_than_they_settle():
    step = np.array([0.0] * 3 + [1.0] * 6 + [0.0] * 6)
    smoothed = attack_release(step, FPS)
    assert smoothed[3] > 0.6  # one frame after the onset
    assert 0.2 < smoothed[9] < 0.8  # one frame after the offset: still closing
    assert smoothed[-1] < 0.05


def active_faces(face_mesh, frames):
    """The smoothed landmarks of the face in each frame (as the job finds them)."""
    face_mesh.sequence()
    tracks = build_tracks([face_mesh.detect(frame) for frame in frames], shot_cuts(frames))
    active = active_track(tracks, None, FPS)
    steady = smooth(active, FPS)
    return [steady.landmarks(k) for k in range(len(frames))], [active.landmarks(k) for k in range(len(frames))]


def measured(face_mesh, frames) -> np.ndarray:
    face_mesh.sequence()
    found = [face_mesh.landmarks(frame) for frame in frames]
    return np.array([mouth_opening(f[0]) if f else np.nan for f in found])


@pytest.mark.slow
@pytest.mark.parametrize("line", [0, 1], ids=["medium shot", "close-up"])
def test_on_the_sample_the_mouth_follows_the_spanish_dub_and_nothing_else_changes(
        short_sample, spanish_dub, face_mesh, line, figures):
    from dubstudio.media import FrameReader

    first, end = line_frames(short_sample, line)
    with FrameReader(short_sample.video) as reader:
        frames = list(reader.frames(first, end))
    dub = dub_for(spanish_dub, first, end, FPS)
    faces, raw = active_faces(face_mesh, frames)
    assert all(face is not None for face in faces)
    out = EmbeddedRenderer().render(frames, faces, dub, RATE, FPS)
    assert len(out) == len(frames) and all(o.shape == f.shape and o.dtype == np.uint8 for o, f in zip(out, frames))

    envelope = speech_envelope(dub, FPS, len(frames), RATE)
    before = np.array([mouth_opening(points) for points in raw])
    after = measured(face_mesh, out)
    score_before, score_after = sync_score(before, envelope), sync_score(after, envelope)
    figures(f"embedded sync score, sample line {line}", f"{score_before:+.2f} -> {score_after:+.2f}", "after > before")
    assert score_after > 0.6 and score_after > score_before + 0.3
    # the source's mouth moves with the English: the dub both opens it wider and closes it
    assert np.sum(after > before + 0.05) >= 5 and np.sum(after < before - 0.05) >= 5

    worst = 1.0
    for frame, new, points in list(zip(frames, out, faces))[::6]:
        inside = feathered_mask(frame.shape[:2], lower_face_polygon(points), FEATHER * eye_distance(points)) > 0
        assert np.array_equal(new[~inside], frame[~inside])
        worst = min(worst, ssim_outside(frame, new, inside))
    figures(f"SSIM outside the lower face, sample line {line}", f"{worst:.4f}", ">= 0.98")
    assert worst >= 0.98


@pytest.mark.slow
def test_phonemes_close_the_lips_on_a_bilabial(photo, face_mesh):
    picture, points = photo
    per_frame = RATE // 25
    phonemes = [(0, 4 * per_frame, "a"), (4 * per_frame, 7 * per_frame, "m"), (7 * per_frame, 12 * per_frame, "a")]
    audio = np.full(12 * per_frame, 0.1, np.float32) * np.sin(np.arange(12 * per_frame) / 7.0).astype(np.float32)
    out = EmbeddedRenderer().render([picture] * 12, [points] * 12, audio, RATE, FPS, phonemes)
    opening = measured(face_mesh, out)
    assert opening[2] > mouth_opening(points) + 0.08  # wider than the smile it started from
    assert opening[6] < 0.06  # lips together (the mesh reads closed lips as about 0.03-0.05)
    assert opening[11] > 0.2


@pytest.mark.slow
def test_frames_without_a_face_come_back_untouched(photo):
    picture, points = photo
    blank = np.zeros_like(picture)
    audio = np.random.default_rng(7).normal(0, 0.1, 3 * RATE // 25).astype(np.float32)
    out = EmbeddedRenderer().render([blank, picture, blank], [None, points, None], audio, RATE, FPS)
    assert out[0] is blank and out[2] is blank
    assert not np.array_equal(out[1], picture)
