"""Wav2Lip: our generator loads checkpoints in the released layout (built here with random weights) through
the real, weights-only loader, refuses what does not fit, and re-renders only the lower face."""

from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from dubstudio.engine.backends.checkpoint import IncompatibleCheckpointError
from dubstudio.engine.backends.wav2lip import SIZE, Wav2LipRenderer, place
from dubstudio.engine.backends.wav2lip_net import Wav2Lip, load_generator
from dubstudio.errors import MissingModelError

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def random_generator(seed: int) -> Wav2Lip:
    """A generator with random weights and batch-norm statistics, as a trained one has its own."""
    torch.manual_seed(seed)
    model = Wav2Lip()
    for name, tensor in model.state_dict().items():
        if name.endswith("running_mean"):
            tensor.normal_(0, 0.1)
        elif name.endswith("running_var"):
            tensor.uniform_(0.5, 1.5)
    return model.eval()


def released_layout(model: Wav2Lip, prefix: str = "module.") -> dict:
    """As the public wav2lip.pth files hold it: the DataParallel names, the optimizer, the step counts."""
    return {"state_dict": {prefix + name: value for name, value in model.state_dict().items()},
            "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4, "params": [0, 1]}]},
            "global_step": 250_000, "global_epoch": 120}


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wav2lip")
    torch.save(released_layout(random_generator(0)), folder / "wav2lip.pth")
    torch.save(released_layout(random_generator(1), prefix=""), folder / "wav2lip_gan.pth")
    return folder


def test_a_released_layout_checkpoint_loads_strictly(model_folder):
    model = load_generator(model_folder)
    saved = torch.load(model_folder / "wav2lip.pth", weights_only=True)["state_dict"]
    state = model.state_dict()
    assert set(state) == {name.removeprefix("module.") for name in saved}
    assert all(torch.equal(state[name.removeprefix("module.")], value) for name, value in saved.items())
    assert not model.training
    with torch.inference_mode():
        faces = model(torch.randn(2, 1, 80, 16), torch.rand(2, 6, SIZE, SIZE))
    assert faces.shape == (2, 3, SIZE, SIZE)
    assert float(faces.min()) >= 0.0 and float(faces.max()) <= 1.0


def test_gan_reads_its_own_file(model_folder):
    plain, gan = load_generator(model_folder), load_generator(model_folder, gan=True)
    first = "face_encoder_blocks.0.0.conv_block.0.weight"
    assert not torch.equal(plain.state_dict()[first], gan.state_dict()[first])
    assert Wav2LipRenderer(model_folder, gan=True).name == "wav2lip-gan"


def test_safetensors_is_read_without_unpickling(tmp_path):
    from safetensors.torch import save_file

    model = random_generator(2)
    save_file({name: value.contiguous() for name, value in model.state_dict().items()}, tmp_path / "wav2lip.safetensors")
    loaded = load_generator(tmp_path)
    assert torch.equal(loaded.state_dict()["output_block.1.weight"], model.state_dict()["output_block.1.weight"])


def test_a_missing_folder_or_file_says_what_to_put_where(tmp_path):
    with pytest.raises(MissingModelError, match="does not exist.*wav2lip.pth"):
        load_generator(tmp_path / "nowhere")
    with pytest.raises(MissingModelError, match=f"{tmp_path} has no wav2lip_gan.pth.*into {tmp_path}"):
        load_generator(tmp_path, gan=True)


def test_a_checkpoint_of_another_shape_is_refused_by_name(tmp_path):
    checkpoint = released_layout(random_generator(0))
    checkpoint["state_dict"]["module.audio_encoder.0.conv_block.0.weight"] = torch.zeros(32, 2, 3, 3)
    torch.save(checkpoint, tmp_path / "wav2lip.pth")
    with pytest.raises(IncompatibleCheckpointError, match=r"wrong shape: audio_encoder\.0\.conv_block\.0\.weight "
                                                          r"\(32, 2, 3, 3\) instead of \(32, 1, 3, 3\)"):
        load_generator(tmp_path)
    del checkpoint["state_dict"]["module.output_block.1.bias"]
    torch.save(checkpoint, tmp_path / "wav2lip.pth")
    with pytest.raises(IncompatibleCheckpointError, match=r"missing: output_block\.1\.bias"):
        load_generator(tmp_path)


def test_a_checkpoint_with_a_pickled_object_is_refused(tmp_path):
    marker = tmp_path / "ran"
    checkpoint = released_layout(random_generator(0))
    # unpickling it would touch the marker: the kind of object a weights-only load must refuse
    checkpoint["hook"] = type("Planted", (), {"__reduce__": lambda self: (Path.touch, (marker,))})()
    torch.save(checkpoint, tmp_path / "wav2lip.pth")
    with pytest.raises(MissingModelError, match="holds Python objects besides weights"):
        load_generator(tmp_path)
    assert not marker.exists()


def test_a_damaged_file_is_reported(tmp_path):
    (tmp_path / "wav2lip.pth").write_bytes(b"PK\x03\x04 not really a checkpoint")
    with pytest.raises(MissingModelError, match="damaged"):
        load_generator(tmp_path)


def test_the_crop_and_its_affine_agree():
    """cv2.resize of the box (what the generator sees) is the affine's warp, so paste_back puts it back."""
    y, x = np.mgrid[0:360, 0:640]
    frame = np.stack([x * 0.3, y * 0.5, (x + y) * 0.2], axis=2).astype(np.uint8)
    points = np.array([[200, 100], [330, 100], [200, 260], [330, 260]] * 120, np.float64)[:478]
    points[[61, 291, 152, 2, 33, 263]] = [[240, 220], [290, 220], [265, 258], [265, 180], [225, 150], [305, 150]]
    spot = place(points, frame.shape[:2])
    x0, y0, x1, y1 = spot.box
    assert x0 <= spot.polygon[:, 0].min() and spot.polygon[:, 0].max() <= x1
    assert y0 <= spot.polygon[:, 1].min() and spot.polygon[:, 1].max() <= y1 and y1 > 260
    crop = cv2.resize(frame[y0:y1, x0:x1], (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
    warped = cv2.warpAffine(frame, spot.affine(), (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    assert np.abs(crop.astype(int) - warped).max() <= 1


@pytest.mark.slow
def test_the_renderer_changes_only_the_lower_face(model_folder, photo):
    picture, points = photo  # the astronaut, landmarks from the face mesh (tests/lipsync/conftest.py)
    # the face moves a little from frame to frame, as in a video
    shifts = [(0, 0), (3, 1), (5, 2), (8, 4)]
    frames = [np.roll(picture, shift, axis=(1, 0)) for shift in shifts]
    faces = [points + (dx, dy, 0) for dx, dy in shifts]
    faces[1] = None
    rate, fps = 48_000, Fraction(25)
    t = np.arange(len(frames) * rate // 25 + rate // 5) / rate
    audio = (0.3 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 5 * t))).astype(np.float32)
    renderer = Wav2LipRenderer(model_folder, batch_size=2)
    assert renderer.name == "wav2lip"

    out = renderer.render(frames, faces, audio, rate, fps)

    assert len(out) == len(frames)
    assert np.array_equal(out[1], frames[1])
    for frame, new, face in zip(frames, out, faces):
        assert new.shape == frame.shape and new.dtype == np.uint8
        if face is None:
            continue
        mask = place(face, frame.shape[:2]).mask(frame.shape[:2])
        changed = np.any(new != frame, axis=2)
        assert not np.any(changed & (mask == 0))
        assert changed[mask > 0.5].mean() > 0.5  # random weights draw anything but the source


def test_frames_without_faces_come_back_unchanged(model_folder):
    frames = [np.full((72, 128, 3), value, np.uint8) for value in (10, 20)]
    out = Wav2LipRenderer(model_folder).render(frames, [None, None], np.zeros(0, np.float32), 48_000, Fraction(25))
    assert all(new is frame for new, frame in zip(out, frames))
