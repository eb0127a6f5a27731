"""SyncNet for LSE-D / LSE-C: the offset search and its arithmetic (as the release computes it), the MFCC
front end, the face crop, and the network loaded from a folder with random weights."""

from fractions import Fraction

import numpy as np
import pytest
import torch

from dubstudio.engine.backends.checkpoint import IncompatibleCheckpointError
from dubstudio.engine.backends.syncnet import (
    GREY,
    SIZE,
    LseError,
    SyncNet,
    SyncNetModel,
    _mfcc_filters,
    _resample_frames,
    face_crop,
    lse_distances,
    mfcc,
)
from dubstudio.errors import MissingModelError

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def released_arithmetic(video: np.ndarray, audio: np.ndarray, vshift: int) -> tuple[float, float, int]:
    """syncnet_python's calc_pdist and evaluate, step by step, in torch."""
    video, audio = torch.from_numpy(video), torch.from_numpy(audio)
    padded = torch.nn.functional.pad(audio, (0, 0, vshift, vshift))
    dists = [torch.nn.functional.pairwise_distance(video[[i], :].repeat(2 * vshift + 1, 1),
                                                   padded[i:i + 2 * vshift + 1, :]) for i in range(len(video))]
    mean = torch.mean(torch.stack(dists, 1), 1)
    low, index = torch.min(mean, 0)
    return float(low), float(torch.median(mean) - low), int(vshift - index)


@pytest.mark.parametrize("lag", [0, 3, -7, 15])
def test_the_offset_search_finds_where_the_streams_agree(lag):
    rng = np.random.default_rng(5)
    video = rng.standard_normal((60, 32))
    audio = rng.standard_normal((60, 32))
    # the audio repeats the video `lag` frames later
    for j in range(60):
        if 0 <= j - lag < 60:
            audio[j] = video[j - lag]
    distance, confidence, offset = lse_distances(video, audio)
    assert offset == -lag
    assert confidence > 1.0
    np.testing.assert_allclose((distance, confidence, offset), released_arithmetic(video, audio, 15), rtol=1e-6)


def test_identical_streams_are_at_distance_zero():
    video = np.random.default_rng(1).standard_normal((40, 16))
    distance, confidence, offset = lse_distances(video, video.copy(), vshift=5)
    assert offset == 0 and distance < 1e-4 and confidence > 1.0


def test_mfcc_frames_and_energy():
    rate = 16_000
    t = np.arange(rate) / rate
    tone = 0.1 * np.sin(2 * np.pi * 440 * t)
    cepstra = mfcc(tone, rate)
    assert cepstra.shape == (13, 1 + int(np.ceil((rate - 400) / 160)))  # 100 per second
    # c0 is the log energy of the preemphasised frame in 16-bit units
    samples = tone * 32768
    emphasised = np.concatenate([samples[:1], samples[1:] - 0.97 * samples[:-1]])
    frame = emphasised[160 * 10:160 * 10 + 400]
    energy = np.sum(np.abs(np.fft.rfft(frame, 512)) ** 2) / 512
    assert cepstra[0, 10] == pytest.approx(np.log(energy))
    louder = mfcc(2 * tone, rate)
    np.testing.assert_allclose(louder[0] - cepstra[0], np.log(4), atol=1e-9)
    np.testing.assert_allclose(louder[1:], cepstra[1:], atol=1e-9)  # the shape of the spectrum, not its level
    assert mfcc(tone[::3], rate // 3).shape == cepstra.shape


def test_mfcc_filters_are_triangles_peaking_at_one():
    bank = _mfcc_filters()
    assert bank.shape == (26, 257)
    np.testing.assert_allclose(bank.max(axis=1), 1.0)
    assert np.all(np.argmax(bank, axis=1)[1:] > np.argmax(bank, axis=1)[:-1])


def test_face_crop_is_bgr_and_grey_past_the_edge():
    frame = np.zeros((200, 300, 3), np.uint8)
    frame[..., 0] = 255  # red
    points = np.array([[0.0, 0.0], [60.0, 80.0]] * 239)  # a face at the top-left corner, box 60x80
    crop = face_crop(frame, points)
    assert crop.shape == (SIZE, SIZE, 3)
    # the crop spans 112 px (2.8 x half of 80), from x = 30 - 56 and y = 40 - 40 to 40 + 72
    assert np.all(crop[120:, 100:] == (0, 0, 255))
    assert np.all(crop[:, :40] == GREY)
    assert np.all(crop[:5, 60:] == (0, 0, 255))


def test_frames_are_taken_at_25_fps():
    assert list(_resample_frames(10, Fraction(50))) == [0, 2, 4, 6, 8]
    assert list(_resample_frames(5, Fraction(25))) == [0, 1, 2, 3, 4]
    picks = _resample_frames(30, Fraction(30000, 1001))
    assert len(picks) == 25 and picks[-1] <= 29 and np.all(np.diff(picks) >= 1)


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("syncnet")
    torch.manual_seed(0)
    torch.save(SyncNetModel().state_dict(), folder / "syncnet_v2.model")
    return folder


def talking(frames: int, rate: int, fps: int = 25):
    """Frames of a bright square face whose mouth band darkens with the audio's loudness, and the audio."""
    t = np.arange(frames * rate // fps) / rate
    loudness = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)
    audio = (0.3 * loudness * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    pictures = []
    for k in range(frames):
        frame = np.full((180, 320, 3), 40, np.uint8)
        frame[50:150, 110:210] = (200, 160, 140)
        frame[115:115 + int(20 * loudness[k * rate // fps]) + 1, 135:185] = (60, 20, 20)
        pictures.append(frame)
    points = np.array([[110.0, 50.0], [210.0, 150.0]] * 239)
    return pictures, [points] * frames, audio


def test_lse_with_random_weights_is_finite(model_folder):
    frames, faces, audio = talking(14, 48_000)
    faces[3] = None
    scores = SyncNet(model_folder).lse(frames, faces, audio, 48_000, Fraction(25))
    assert set(scores) == {"d", "c"}
    assert np.isfinite(scores["d"]) and scores["d"] > 0 and scores["c"] >= 0


def test_what_lse_cannot_measure(model_folder):
    syncnet = SyncNet(model_folder)
    frames, faces, audio = talking(5, 16_000)
    with pytest.raises(LseError, match="at least 6 frames"):
        syncnet.lse(frames, faces, audio, 16_000, Fraction(25))
    frames, faces, audio = talking(10, 16_000)
    with pytest.raises(LseError, match="no face"):
        syncnet.lse(frames, [None] * 10, audio, 16_000, Fraction(25))


def test_the_folder_must_hold_syncnet_v2(tmp_path):
    with pytest.raises(MissingModelError, match="does not exist.*syncnet_v2.model"):
        SyncNet(tmp_path / "nowhere")
    with pytest.raises(MissingModelError, match="has no syncnet_v2.model"):
        SyncNet(tmp_path)
    state = SyncNetModel().state_dict()
    del state["netfclip.3.bias"]
    torch.save(state, tmp_path / "syncnet_v2.model")
    with pytest.raises(IncompatibleCheckpointError, match=r"missing: netfclip\.3\.bias"):
        SyncNet(tmp_path)
