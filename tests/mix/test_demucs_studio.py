"""The studio demucs separator, loaded from folders laid out as demucs's own releases are, holding a tiny
randomly initialised HTDemucs built here: demucs's four sources and its architecture, with 8 channels
instead of 48, one transformer layer instead of 5, and 1.5 s segments instead of 7.8 s (a Fraction, as in
the release). Random weights separate nothing meaningful, so the result is checked against what demucs's
own separator makes of the same folder.
"""

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile

from dubstudio.errors import MissingModelError
from dubstudio.media import CancelledError

SOURCES = ["drums", "bass", "other", "vocals"]
SIGNATURE = "5eed0b1e"  # demucs names a model by 8 hex digits
RATE = 48_000
SECONDS = 3  # 144000 samples are exactly 132300 at 44.1 kHz: no rounding for either resampler
SEGMENTS = 3  # 132300 samples in 1.5 s segments overlapping by a quarter start at 0, 1.125 and 2.25 s


# an offline backend on a shared 2-core machine: one torch thread, and no network at all
pytestmark = pytest.mark.usefixtures("one_torch_thread", "network_attempts")


def build_tiny_htdemucs():
    import torch
    from demucs.htdemucs import HTDemucs

    with torch.random.fork_rng():
        torch.manual_seed(0)
        return HTDemucs(sources=SOURCES, channels=8, t_layers=1, segment=Fraction(3, 2))


def package(model, **extra) -> dict:
    """What demucs.states.serialize_model makes of a model: its class, the arguments that built it and
    its weights in half precision (the training arguments, an OmegaConf dump there, are plain data)."""
    from demucs.states import get_state

    args, kwargs = model._init_args_kwargs
    return {"klass": type(model), "args": args, "kwargs": kwargs, "state": get_state(model, None, half=True),
            "training_args": {"dset": {"samplerate": 44100, "sources": SOURCES}, "seed": 42}, **extra}


def save_release(folder: Path, content: dict) -> Path:
    """A demucs repository folder: htdemucs.yaml naming the signature, and the checkpoint written by
    demucs's own save_with_checksum as <signature>-<start of its sha256>.th."""
    from demucs.states import save_with_checksum

    folder.mkdir(parents=True)
    save_with_checksum(content, folder / f"{SIGNATURE}.th")
    (folder / "htdemucs.yaml").write_text(f"models: ['{SIGNATURE}']\n")
    return folder


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return save_release(tmp_path_factory.mktemp("demucs") / "htdemucs", package(build_tiny_htdemucs()))


@pytest.fixture(scope="module")
def separator(release):
    from dubstudio.engine.backends.demucs_separator import DemucsSeparator

    return DemucsSeparator(release)


def programme() -> np.ndarray:
    """3 s of stereo: a centred voice-like tone over wide noise, float32 [n, 2] at 48 kHz."""
    rng = np.random.default_rng(3)
    t = np.arange(SECONDS * RATE) / RATE
    voice = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t)) / 2
    return (voice[:, None] + 0.05 * rng.standard_normal((len(t), 2))).astype(np.float32)


def test_the_folder_separates_as_demucs_itself_separates_it(release, separator):
    import julius
    import torch
    from demucs.api import Separator

    audio = programme()
    n = len(audio)
    events = []
    music_effects, dialogue = separator.separate(audio, progress=lambda *event: events.append(event))

    assert music_effects.shape == (n, 2) and music_effects.dtype == np.float32
    assert dialogue.shape == (n,) and dialogue.dtype == np.float32
    assert music_effects.flags.c_contiguous
    assert [done for _, done, _, _ in events] == list(range(1, SEGMENTS + 1))
    assert {(step, total) for step, _, total, _ in events} == {("separate", SEGMENTS)}

    # demucs's own loader (weights_only=False, checksum checked) and separator on the same folder
    reference = Separator("htdemucs", repo=release, shifts=0, overlap=0.25, split=True)
    _, stems = reference.separate_tensor(torch.from_numpy(audio.T.copy()), sr=RATE)

    def at_48k(x):
        return julius.resample_frac(x, 44100, RATE, output_length=n).numpy()

    scale = np.abs(at_48k(stems["vocals"])).max()
    np.testing.assert_allclose(dialogue, at_48k(stems["vocals"].mean(0)), atol=1e-5 * scale)
    np.testing.assert_allclose(music_effects, at_48k(stems["drums"] + stems["bass"] + stems["other"]).T,
                               atol=1e-5 * scale)
    assert np.abs(music_effects).max() > 1e-3 and np.abs(dialogue).max() > 1e-3


def test_mono_is_taken_as_stereo_and_silence_stays_silent(separator):
    mono = programme()[:, 0]
    music_effects, dialogue = separator.separate(mono)
    as_stereo = separator.separate(np.stack([mono, mono], axis=1))
    np.testing.assert_array_equal(music_effects, as_stereo[0])
    np.testing.assert_array_equal(dialogue, as_stereo[1])
    # HTDemucs scales its output by the input's spread: silence stays silence
    music_effects, dialogue = separator.separate(np.zeros((RATE, 2), np.float32))
    assert not music_effects.any() and not dialogue.any()
    empty = separator.separate(np.zeros((0, 2), np.float32))
    assert empty[0].shape == (0, 2) and empty[1].shape == (0,)


def test_cancelling_stops_at_the_next_segment(separator):
    events = []

    class AfterFirstSegment:
        def is_set(self) -> bool:
            return bool(events)

    with pytest.raises(CancelledError, match="run it again"):
        separator.separate(programme(), progress=lambda *event: events.append(event), cancel=AfterFirstSegment())
    assert len(events) == 1


def test_a_single_checkpoint_or_the_hugging_face_layout_holds_the_same_model(release, separator, tmp_path):
    import torch
    from demucs.hf import load_safetensors_model
    from dubstudio.engine.backends.demucs_separator import DemucsSeparator
    from safetensors.torch import save_file

    checkpoint = next(release.glob("*.th"))
    alone = tmp_path / "one"
    alone.mkdir()
    (alone / checkpoint.name).write_bytes(checkpoint.read_bytes())

    # as demucs's tools/export_hf.py writes adefossez/HTDemucs: the class and arguments as json metadata
    hub = tmp_path / "HTDemucs"
    hub.mkdir()
    content = torch.load(checkpoint, weights_only=False)
    def fraction(value: Fraction) -> dict:
        return {"_type": "fraction", "numerator": value.numerator, "denominator": value.denominator}

    metadata = {"klass": "demucs.htdemucs.HTDemucs", "args": json.dumps(content["args"]),
                "kwargs": json.dumps(content["kwargs"], default=fraction)}
    save_file({key: value.contiguous() for key, value in content["state"].items()},
              hub / f"{SIGNATURE}.safetensors", metadata=metadata)
    (hub / "htdemucs.yaml").write_text((release / "htdemucs.yaml").read_text())
    (hub / f"{SIGNATURE}.json").write_text(json.dumps(metadata))  # export_hf's sidecar, ignored
    assert load_safetensors_model(hub / f"{SIGNATURE}.safetensors").segment == Fraction(3, 2)  # demucs reads it

    expected = separator.model.models[0].state_dict()
    for folder in (alone, hub):
        model = DemucsSeparator(folder).model
        assert model.sources == SOURCES and model.models[0].segment == Fraction(3, 2)
        state = model.models[0].state_dict()
        assert state.keys() == expected.keys()
        assert all(torch.equal(state[key], expected[key]) for key in expected)


def test_a_missing_or_incomplete_folder_says_what_to_put_where(release, tmp_path):
    from dubstudio.engine.backends.demucs_separator import DemucsSeparator

    def message(folder: Path) -> str:
        with pytest.raises(MissingModelError) as error:
            DemucsSeparator(folder)
        return str(error.value)

    absent = message(tmp_path / "nowhere")
    assert "nowhere does not exist" in absent
    assert "htdemucs.yaml" in absent and "955717e8-8726e21a.th" in absent and "adefossez/HTDemucs" in absent

    empty = tmp_path / "empty"
    empty.mkdir()
    assert "holds no model: put htdemucs.yaml" in message(empty)

    bag_only = tmp_path / "bag-only"
    bag_only.mkdir()
    (bag_only / "htdemucs.yaml").write_text((release / "htdemucs.yaml").read_text())
    assert f"htdemucs.yaml lists models with no checkpoint there ({SIGNATURE}-<checksum>.th" in message(bag_only)

    checkpoint = next(release.glob("*.th"))
    several = tmp_path / "several"
    several.mkdir()
    for name in (checkpoint.name, "0123abcd.th"):
        (several / name).write_bytes(checkpoint.read_bytes())
    assert "several checkpoints and no <name>.yaml" in message(several)

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "htdemucs.yaml").write_text((release / "htdemucs.yaml").read_text())
    data = bytearray(checkpoint.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / checkpoint.name).write_bytes(bytes(data))
    assert f"{checkpoint.name} is damaged" in message(damaged)
    (damaged / checkpoint.name).unlink()
    (damaged / f"{SIGNATURE}.th").write_bytes(b"not a checkpoint" * 64)  # no checksum in the name to catch it
    assert f"{SIGNATURE}.th cannot be loaded safely: it is damaged" in message(damaged)


class RunsCode:
    """A pickled object that creates a file when unpickled: the attack weights_only blocks."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


def test_a_checkpoint_holding_a_pickled_object_is_refused_without_running_it(tmp_path):
    import torch
    from dubstudio.engine.backends.demucs_separator import DemucsSeparator
    from safetensors.torch import save_file

    marker = tmp_path / "code-ran"
    folder = save_release(tmp_path / "htdemucs", package(build_tiny_htdemucs(), metrics=RunsCode(marker)))
    checkpoint = next(folder.glob("*.th"))

    torch.load(checkpoint, weights_only=False)  # the file really is an attack, as demucs would load it
    assert marker.exists()
    marker.unlink()
    with pytest.raises(MissingModelError, match="holds Python objects besides a demucs model"):
        DemucsSeparator(folder)
    assert not marker.exists()

    # a safetensors file runs no pickle, but demucs would import and call any class it names
    hub = tmp_path / "hub"
    hub.mkdir()
    save_file({"weight": torch.zeros(1)}, hub / f"{SIGNATURE}.safetensors",
              metadata={"klass": "pathlib.Path.touch", "args": json.dumps([str(marker)]), "kwargs": "{}"})
    with pytest.raises(MissingModelError, match="'pathlib.Path.touch', which is not one of demucs's models"):
        DemucsSeparator(hub)
    assert not marker.exists()


def test_the_separate_job_uses_the_folder_given(release, tmp_path):
    from dubstudio.engine.cache import ModelCache
    from dubstudio.engine.jobs.separate import separate
    from dubstudio.engine.tasks import JobContext

    source = tmp_path / "mono.wav"
    soundfile.write(source, programme()[:, 0], RATE, subtype="FLOAT")  # mono: demucs still gets stereo
    sent = []
    job = JobContext("job", sent.append, lambda: False, ModelCache(2**30))
    result = separate({"media": str(source), "spans": [(RATE, 2 * RATE)], "demucs": str(release)}, job)

    assert result["music_effects"].shape == (SECONDS * RATE, 2) and result["dialogue"].shape == (SECONDS * RATE,)
    assert isinstance(result["residual_db"], float)
    assert list(job.loads) == [f"demucs:{release}"]
    assert ("separate", SEGMENTS, SEGMENTS) in {(event.step, event.done, event.total) for event in sent}
