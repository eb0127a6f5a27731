"""The float copy of Kokoro's int8 weights the engine runs: no integer kernels left, cached by the
source's content, and it says the same as the int8 model within quantization noise; and its decoder on
PyTorch (bfloat16 where the CPU has the units) says the same as onnxruntime's."""

import hashlib

import numpy as np
import pytest

pytestmark = pytest.mark.slow
onnx = pytest.importorskip("onnx")

TEXT = "Tenemos una reunión con el director a las diez."


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from dubstudio.engine import assets
    from dubstudio.engine.dequantize import dequantize

    target = tmp_path_factory.mktemp("kokoro") / "float.onnx"
    return dequantize(assets.kokoro_model_path(), target), target


def log_mel(audio: np.ndarray) -> np.ndarray:
    """In dB, floored 60 dB under the loudest: what lies below is silence to a listener, and its dB
    (numerical noise at -150 dB) would otherwise weigh as much as the speech."""
    import librosa

    power = 10 * np.log10(librosa.feature.melspectrogram(y=audio, sr=24_000, n_fft=1024, hop_length=240,
                                                         n_mels=80) + 1e-10)
    return np.maximum(power, power.max() - 60)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean log-mel difference in dB along the best time alignment (the two may pace a phoneme a frame
    apart: quantization noise reaches the predicted durations too)."""
    import librosa

    x, y = log_mel(a), log_mel(b)
    _, path = librosa.sequence.dtw(X=x, Y=y, metric="euclidean")
    return float(np.mean([np.mean(np.abs(x[:, i] - y[:, j])) for i, j in path]))


def test_every_integer_convolution_and_matmul_is_made_float(converted):
    count, path = converted
    ops = {node.op_type for node in onnx.load(str(path), load_external_data=False).graph.node}
    assert count > 200 and not ops & {"ConvInteger", "MatMulInteger", "DynamicQuantizeLinear"}


def test_the_float_copy_says_the_same_as_the_int8_model(converted):
    from dubstudio.engine.backends.kokoro import Kokoro

    from dubstudio.engine import assets

    original = Kokoro(threads=1, model=assets.kokoro_model_path(), torch_decoder=False)
    float_copy = Kokoro(threads=1, model=converted[1], torch_decoder=False)
    a = original.synthesize(TEXT, "jm_kumo", "es", 1.15)
    b = float_copy.synthesize(TEXT, "jm_kumo", "es", 1.15)
    assert abs(len(a) - len(b)) <= 0.03 * len(a)
    other_voice = original.synthesize(TEXT, "jf_nezumi", "es", 1.15)
    assert distance(a, b) < 2.0, "measured 1.2 dB"
    assert distance(a, other_voice) > 3.0, "the measure tells voices apart, not the two models"


def test_the_copy_is_made_once_and_named_by_the_source_content(monkeypatch):
    from dubstudio.engine import assets, dequantize

    calls = []
    convert = dequantize.dequantize
    monkeypatch.setattr(dequantize, "dequantize", lambda *args: calls.append(args) or convert(*args))
    first = dequantize.dequantized_path(assets.kokoro_model_path())
    again = dequantize.dequantized_path(assets.kokoro_model_path())
    assert first == again and first.is_file() and len(calls) <= 1
    with open(assets.kokoro_model_path(), "rb") as source:
        assert hashlib.file_digest(source, "sha256").hexdigest()[:16] in first.name
    assert not list(first.parent.glob("*.partial"))


def test_the_decoder_on_pytorch_says_what_onnxruntime_says():
    from dubstudio.engine.backends.kokoro import Kokoro

    pytest.importorskip("torch")
    onnxruntime_only, split = Kokoro(threads=1, torch_decoder=False), Kokoro(threads=1)
    assert onnxruntime_only.decoder is None and split.decoder is not None
    a = onnxruntime_only.synthesize(TEXT, "jm_kumo", "es", 1.15)
    b = split.synthesize(TEXT, "jm_kumo", "es", 1.15)
    assert len(a) == len(b)  # the durations come from the same onnxruntime head
    other_voice = split.synthesize(TEXT, "jf_nezumi", "es", 1.15)
    assert distance(a, b) < 1.0, "measured 0.7 dB"
    assert distance(b, other_voice) > 3.0
