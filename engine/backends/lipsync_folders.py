"""The lip-sync backends' model folders checked from their files alone, without torch, for the registry's
check (the settings dialog calls it as the user picks a folder). The file names are the ones the loaders
read: wav2lip_net.checkpoint_path and SyncNet's weights file.
"""

from pathlib import Path

from dubstudio.errors import MissingModelError

WAV2LIP_STEMS = {False: "wav2lip", True: "wav2lip_gan"}  # as in wav2lip_net.CHECKPOINTS
SYNCNET_STEM = "syncnet_v2"  # syncnet.WEIGHTS without its suffix
SUFFIXES = {"wav2lip": (".pth", ".safetensors"), "syncnet": (".model", ".safetensors")}


def _weights(folder: Path, what: str, stem: str, suffixes: tuple[str, ...], get_it: str) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingModelError(f"the {what} model folder {folder} does not exist: {get_it}.")
    found = next((folder / (stem + suffix) for suffix in suffixes if (folder / (stem + suffix)).is_file()), None)
    if found is None:
        raise MissingModelError(f"the {what} model folder {folder} has no {stem}{suffixes[0]}: {get_it}.")
    return found


def wav2lip_folder(folder: Path, gan: bool = False) -> Path:
    stem = WAV2LIP_STEMS[gan]
    return _weights(folder, "Wav2Lip", stem, SUFFIXES["wav2lip"],
                    f"put {stem}.pth from the Wav2Lip project's released checkpoints (or {stem}.safetensors) there")


def wav2lip_gan_folder(folder: Path) -> Path:
    return wav2lip_folder(folder, gan=True)


def syncnet_folder(folder: Path) -> Path:
    return _weights(folder, "SyncNet", SYNCNET_STEM, SUFFIXES["syncnet"],
                    "put syncnet_v2.model (the weights syncnet_python's download_model.sh fetches) there")
