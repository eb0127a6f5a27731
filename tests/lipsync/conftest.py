"""A short sample clip (two lines, one per camera angle) and a Spanish dub made with espeak-ng."""

import subprocess
from fractions import Fraction

import numpy as np
import pytest
import soundfile

SPANISH = "Hola, buenos días. Me llamo Pablo, vivo en Madrid y trabajo en la estación de tren."


@pytest.fixture(scope="session")
def short_sample(tmp_path_factory):
    from dubstudio.sample.make import SampleParams, make_sample

    return make_sample(tmp_path_factory.mktemp("short-sample"), SampleParams(lines=2))


@pytest.fixture(scope="session")
def spanish_dub(tmp_path_factory) -> np.ndarray:
    """Spanish speech (espeak-ng), mono float32 at 48 kHz."""
    from scipy.signal import resample_poly

    raw = tmp_path_factory.mktemp("dub") / "es.wav"
    subprocess.run(["espeak-ng", "-v", "es", "-s", "150", "-w", str(raw), SPANISH], check=True)
    audio, rate = soundfile.read(raw, dtype="float32")
    ratio = Fraction(48_000, rate)
    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)


@pytest.fixture(scope="session")
def face_mesh():
    from dubstudio.engine.backends.facemesh import FaceMesh

    return FaceMesh()


@pytest.fixture(scope="session")
def photo(face_mesh) -> tuple[np.ndarray, np.ndarray]:
    """scikit-image's astronaut at 1024 x 1024 (a real face; mouth open in a smile) and its landmarks."""
    import cv2
    import skimage.data

    picture = cv2.resize(skimage.data.astronaut(), (1024, 1024), interpolation=cv2.INTER_CUBIC)
    return picture, face_mesh.landmarks(picture, video=False)[0]
