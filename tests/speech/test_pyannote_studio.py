"""The studio pyannote path: a tiny random pipeline in a folder laid out like
pyannote/speaker-diarization-community-1, loaded and run through the adapter."""

import shutil
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import yaml
from dubstudio.engine.backends.pyannote_diarizer import (
    MODEL_FILE,
    PyannoteDiarizer,
    check_pipeline_folder,
)
from dubstudio.engine.torchaudio_compat import import_torchaudio

from dubstudio.errors import MissingModelError
from dubstudio.speech.types import PROJECT_RATE, SPEECH_RATE

CHUNK_S = 3.0  # the segmentation window; community-1's is 10 s, shorter keeps the test quick
PLDA_DIMENSION = 8

COMMUNITY_CONFIG = {
    "dependencies": {"pyannote.audio": "4.0.0"},
    "pipeline": {
        "name": "pyannote.audio.pipelines.SpeakerDiarization",
        "params": {
            "clustering": "VBxClustering",
            "segmentation": "$model/segmentation",
            "segmentation_batch_size": 32,
            "embedding": "$model/embedding",
            "embedding_batch_size": 32,
            "embedding_exclude_overlap": True,
            "plda": "$model/plda",
        },
    },
    "params": {
        "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
        "segmentation": {"min_duration_off": 0.0},
    },
}


def _save(model, path: Path) -> None:
    """A checkpoint as pyannote writes one (its wespeaker/convert.py does the same)."""
    import lightning
    import torch

    checkpoint = {"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams),
                  "pytorch-lightning_version": lightning.__version__}
    model.on_save_checkpoint(checkpoint)  # pyannote's versions, architecture and specifications
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, path)


def build_tiny_pipeline(folder: Path) -> Path:
    """Random weights: a small PyanNet segmentation, community-1's embedding architecture
    (WeSpeakerResNet34, 256-d) and a PLDA to match, with community-1's config.yaml."""
    import_torchaudio()
    import torch
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import WeSpeakerResNet34
    from pyannote.audio.models.segmentation import PyanNet
    from pyannote.audio.utils.powerset import Powerset

    with torch.random.fork_rng():
        torch.manual_seed(0)
        small = {"hidden_size": 16, "num_layers": 1}
        segmentation = PyanNet(lstm=small, linear=small)
        segmentation.specifications = Specifications(
            problem=Problem.MONO_LABEL_CLASSIFICATION, resolution=Resolution.FRAME, duration=CHUNK_S,
            min_duration=CHUNK_S, classes=["speaker#1", "speaker#2"], powerset_max_classes=2,
            permutation_invariant=True)
        segmentation.build()  # the classifier, sized by the specifications
        # Random weights hear anything or nothing: make them hear speaker#1 throughout, so that every
        # chunk gives an embedding to cluster and there are turns to check.
        alone = Powerset(2, 2).mapping.tolist().index([1.0, 0.0])
        with torch.no_grad():
            segmentation.classifier.bias[alone] = 10.0
        embedding = WeSpeakerResNet34()
        embedding.specifications = Specifications(problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK,
                                                  duration=CHUNK_S)
    _save(segmentation, folder / "segmentation" / MODEL_FILE)
    _save(embedding, folder / "embedding" / MODEL_FILE)

    # PLDA: LDA projection of the embeddings, then a PLDA space with decreasing between-speaker variance.
    rng = np.random.default_rng(0)
    lda = np.linalg.qr(rng.normal(size=(embedding.dimension, PLDA_DIMENSION)))[0]
    (folder / "plda").mkdir()
    np.savez(folder / "plda" / "xvec_transform.npz", mean1=np.zeros(embedding.dimension),
             mean2=np.zeros(PLDA_DIMENSION), lda=lda)
    np.savez(folder / "plda" / "plda.npz", mu=np.zeros(PLDA_DIMENSION), tr=np.eye(PLDA_DIMENSION),
             psi=np.linspace(2.0, 0.5, PLDA_DIMENSION))
    (folder / "config.yaml").write_text(yaml.safe_dump(COMMUNITY_CONFIG))
    return folder


@pytest.fixture(scope="module")
def pipeline_folder(tmp_path_factory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("pyannote"))


@pytest.fixture(scope="module")
def diarizer(pipeline_folder):
    import_torchaudio()
    from pyannote.audio.utils import hf_hub

    def no_hub(*args, **kwargs):
        raise AssertionError(f"the pipeline asked the hub for {args}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hf_hub, "hf_hub_download", no_hub)
        return PyannoteDiarizer(pipeline_folder)


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    """Noise, two segmentation windows long: two embeddings, so that clustering (AHC, VBx with the
    PLDA, K-means for a given count) runs rather than being skipped."""
    seconds = 1.1 * CHUNK_S  # windows step by a tenth of their length
    return (np.random.default_rng(1).normal(size=int(seconds * SPEECH_RATE)) * 0.1).astype(np.float32)


@pytest.mark.parametrize("counts", [{}, {"num_speakers": 2}, {"min_speakers": 1, "max_speakers": 2}])
def test_tiny_pipeline_diarizes_into_turns_in_project_samples(diarizer, audio, counts):
    steps = []
    turns = diarizer.diarize(audio, progress=lambda *step: steps.append(step), **counts)

    assert turns
    assert all(isinstance(turn.start, int) and isinstance(turn.end, int) for turn in turns)
    assert all(0 <= turn.start < turn.end <= len(audio) * PROJECT_RATE // SPEECH_RATE for turn in turns)
    assert all(before.end <= after.start for before, after in pairwise(turns))
    speakers = list(dict.fromkeys(turn.speaker for turn in turns))
    assert speakers == [f"S{index}" for index in range(1, len(speakers) + 1)]
    if "num_speakers" in counts:
        assert len(speakers) == counts["num_speakers"]  # left alone, this noise is one speaker
    if "max_speakers" in counts:
        assert len(speakers) <= counts["max_speakers"]

    names = [name for name, _, _, _ in steps]
    assert {"segmentation", "embeddings"} <= set(names)
    assert all(0 <= done <= total for _, done, total, _ in steps)
    assert steps[-1][1] == steps[-1][2]


def test_empty_audio_gives_no_turns(diarizer):
    assert diarizer.diarize(np.zeros(0, np.float32)) == []


def test_a_missing_folder_says_what_to_put_there(tmp_path):
    with pytest.raises(MissingModelError, match=r"does not exist.*config\.yaml.*segmentation/pytorch_model"):
        PyannoteDiarizer(tmp_path / "nowhere")


def test_an_incomplete_folder_lists_exactly_the_missing_files(pipeline_folder, tmp_path):
    folder = shutil.copytree(pipeline_folder, tmp_path / "incomplete")
    (folder / "embedding" / MODEL_FILE).unlink()
    (folder / "plda" / "plda.npz").unlink()

    with pytest.raises(MissingModelError) as error:
        PyannoteDiarizer(folder)
    message = str(error.value)
    assert "embedding/pytorch_model.bin, plda/plda.npz missing" in message
    assert "segmentation/" not in message and "xvec_transform" not in message


@pytest.mark.parametrize("damage", ["truncated", "not a checkpoint"])
def test_a_damaged_checkpoint_is_a_clear_error(pipeline_folder, tmp_path, damage):
    folder = shutil.copytree(pipeline_folder, tmp_path / "damaged")
    checkpoint = folder / "embedding" / MODEL_FILE
    checkpoint.write_bytes(checkpoint.read_bytes()[:100_000] if damage == "truncated" else b"<html>")

    with pytest.raises(MissingModelError, match="could not be loaded"):
        PyannoteDiarizer(folder)


def test_hub_names_in_a_config_say_where_the_local_files_go(pipeline_folder, tmp_path):
    folder = shutil.copytree(pipeline_folder, tmp_path / "hub-names")
    config = yaml.safe_load((folder / "config.yaml").read_text())
    config["pipeline"]["params"]["segmentation"] = "pyannote/segmentation-3.0"
    (folder / "config.yaml").write_text(yaml.safe_dump(config))

    with pytest.raises(MissingModelError, match=r"pyannote/segmentation-3\.0/pytorch_model\.bin missing"):
        check_pipeline_folder(folder)


def test_relative_checkpoint_paths_resolve_inside_the_folder(pipeline_folder, tmp_path, monkeypatch):
    folder = shutil.copytree(pipeline_folder, tmp_path / "relative")
    config = yaml.safe_load((folder / "config.yaml").read_text())
    config["pipeline"]["params"]["segmentation"] = "segmentation/pytorch_model.bin"
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.chdir(tmp_path)

    params = check_pipeline_folder(folder)["pipeline"]["params"]
    assert params["segmentation"] == {"checkpoint": str(folder / "segmentation" / MODEL_FILE)}
    assert params["plda"] == {"checkpoint": str(folder / "plda")}
