"""Weights from a model folder, read safely and fitted to our own networks (Wav2Lip, SyncNet).

A .safetensors file holds tensors only; any other file is read with torch.load(weights_only=True), which
unpickles tensors and plain containers and refuses every other object, since unpickling one could run any
code. A file whose names or shapes do not fit the network is refused with the first few differences.
"""

import logging
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path

from dubstudio.errors import MissingModelError

log = logging.getLogger(__name__)


class IncompatibleCheckpointError(MissingModelError):
    """A model file that reads but is not the network DubStudio expects (other names or shapes)."""


def read_weights(path: Path, get_it: str) -> Mapping:
    """What a weights file holds: a safetensors file's tensors, or a torch file's tensors and containers.
    `get_it` says where the right file comes from, for the error."""
    import torch

    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(path, device="cpu")
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if not str(error).startswith("Weights only load failed"):
            raise MissingModelError(f"{path} is damaged or not a PyTorch file ({error}): {get_it}.") from error
        log.warning("refused %s: %s", path, error)
        raise MissingModelError(f"{path} holds Python objects besides weights, which DubStudio does not load "
                                f"because unpickling them could run any code: {get_it}.") from error
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile) as error:
        raise MissingModelError(f"{path} is damaged or not a weights file ({error}): {get_it}.") from error


def fit_weights(module, state: Mapping, path: Path, get_it: str) -> None:
    """module.load_state_dict(state, strict=True), with names and shapes checked first so that a file of
    another network gives one sentence naming what differs."""
    import torch

    if not isinstance(state, Mapping) or not all(isinstance(value, torch.Tensor) for value in state.values()):
        raise IncompatibleCheckpointError(f"{path} does not hold a table of weights: {get_it}.")
    expected = module.state_dict()
    missing = [name for name in expected if name not in state]
    unexpected = [name for name in state if name not in expected]
    wrong = [f"{name} {tuple(state[name].shape)} instead of {tuple(tensor.shape)}"
             for name, tensor in expected.items() if name in state and state[name].shape != tensor.shape]
    problems = [f"{label}: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
                for label, names in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong))
                if names]
    if problems:
        raise IncompatibleCheckpointError(f"{path} is not the network DubStudio expects ({'; '.join(problems)}): "
                                          f"{get_it}.")
    module.load_state_dict(state, strict=True)
