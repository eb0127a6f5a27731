"""Wav2Lip's generator (Prajwal et al., "A Lip Sync Expert Is All You Need for Speech to Lip Generation In
the Wild", ACM Multimedia 2020), written here from the paper's architecture, with the parameter names and
shapes of the public checkpoints (wav2lip.pth, wav2lip_gan.pth), so that they load with strict=True.

Input: a mel window [B, 1, 80, 16] and faces [B, 6, 96, 96] (the 96x96 face crop with its lower half
zeroed, then the unmasked reference crop; BGR in [0, 1], as the released models were trained). A face
encoder halves the picture six times (96 -> 3), then reduces it to 1x1; an audio encoder reduces the mel
window to the same 512x1x1; a decoder grows it back to 96x96, concatenating the face encoder's output of
each size (skip connections); a sigmoid gives the face [B, 3, 96, 96] in [0, 1].
Every layer is a convolution, batch norm and ReLU; "residual" layers add their input before the ReLU.
"""

from pathlib import Path

import torch
from torch import nn

from dubstudio.engine.backends.checkpoint import fit_weights, read_weights
from dubstudio.errors import MissingModelError

LICENCE = "Wav2Lip's weights: research and non-commercial use only (trained on LRS2)"
CHECKPOINTS = {False: "wav2lip", True: "wav2lip_gan"}  # gan -> file stem (.pth as released, or .safetensors)
FACE_SIZE = 96

# face encoder stages after the first 7x7 layer: (channels out, residual layers), each halving the size
_FACE_DOWN = ((32, 2), (64, 3), (128, 2), (256, 2), (512, 1))
# audio encoder stages: (channels out, stride over (mel, time), residual layers); 80x16 -> 27x16 -> 9x6 -> 3x3
_AUDIO_DOWN = ((32, 1, 2), (64, (3, 1), 2), (128, 3, 2), (256, (3, 2), 1))
# decoder stages after the 3x3 one, each doubling the size: (channels in with the skip, channels out)
_FACE_UP = ((1024, 512), (768, 384), (512, 256), (320, 128), (160, 64))


class ConvUnit(nn.Module):
    """Convolution (or transposed convolution), batch norm, ReLU; `residual` adds the input before the ReLU."""

    def __init__(self, cin: int, cout: int, kernel: int, stride=1, padding=0, residual: bool = False,
                 transposed: bool = False, output_padding: int = 0):
        super().__init__()
        conv = (nn.ConvTranspose2d(cin, cout, kernel, stride, padding, output_padding) if transposed
                else nn.Conv2d(cin, cout, kernel, stride, padding))
        self.conv_block = nn.Sequential(conv, nn.BatchNorm2d(cout))  # the checkpoints' name
        self.residual = residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv_block(x)
        return torch.relu(y + x if self.residual else y)


def _residuals(channels: int, count: int) -> list[ConvUnit]:
    return [ConvUnit(channels, channels, 3, 1, 1, residual=True) for _ in range(count)]


class Wav2Lip(nn.Module):
    def __init__(self):
        super().__init__()
        face = [nn.Sequential(ConvUnit(6, 16, 7, 1, 3))]
        channels = 16
        for cout, residuals in _FACE_DOWN:
            face.append(nn.Sequential(ConvUnit(channels, cout, 3, 2, 1), *_residuals(cout, residuals)))
            channels = cout
        face.append(nn.Sequential(ConvUnit(512, 512, 3, 1, 0), ConvUnit(512, 512, 1, 1, 0)))  # 3x3 -> 1x1
        self.face_encoder_blocks = nn.ModuleList(face)

        audio, channels = [], 1
        for cout, stride, residuals in _AUDIO_DOWN:
            audio += [ConvUnit(channels, cout, 3, stride, 1), *_residuals(cout, residuals)]
            channels = cout
        self.audio_encoder = nn.Sequential(*audio, ConvUnit(256, 512, 3, 1, 0), ConvUnit(512, 512, 1, 1, 0))

        decoder = [nn.Sequential(ConvUnit(512, 512, 1, 1, 0)),
                   nn.Sequential(ConvUnit(1024, 512, 3, 1, 0, transposed=True), *_residuals(512, 1))]  # 1 -> 3
        for cin, cout in _FACE_UP:
            decoder.append(nn.Sequential(ConvUnit(cin, cout, 3, 2, 1, transposed=True, output_padding=1),
                                         *_residuals(cout, 2)))
        self.face_decoder_blocks = nn.ModuleList(decoder)
        self.output_block = nn.Sequential(ConvUnit(80, 32, 3, 1, 1), nn.Conv2d(32, 3, 1), nn.Sigmoid())

    def forward(self, mel: torch.Tensor, faces: torch.Tensor) -> torch.Tensor:
        skips = []
        x = faces
        for block in self.face_encoder_blocks:
            x = block(x)
            skips.append(x)
        x = self.audio_encoder(mel)
        for block, skip in zip(self.face_decoder_blocks, reversed(skips)):
            x = torch.cat((block(x), skip), dim=1)
        return self.output_block(x)


def _get_it(folder: Path, stem: str) -> str:
    return (f"put {stem}.pth from the Wav2Lip project's released checkpoints (or {stem}.safetensors holding the "
            f"same weights) into {folder}")


def checkpoint_path(folder: str | Path, gan: bool) -> Path:
    """The generator's weights file in a model folder; MissingModelError saying what to put there."""
    folder, stem = Path(folder), CHECKPOINTS[gan]
    if not folder.is_dir():
        raise MissingModelError(f"the Wav2Lip model folder {folder} does not exist: {_get_it(folder, stem)}, "
                                f"or point DubStudio at the folder that holds it.")
    for suffix in (".safetensors", ".pth"):  # safetensors first: no unpickling at all
        if (folder / (stem + suffix)).is_file():
            return folder / (stem + suffix)
    raise MissingModelError(f"the Wav2Lip model folder {folder} has no {stem}.pth: {_get_it(folder, stem)}.")


def load_generator(folder: str | Path, gan: bool = False, device: str = "cpu") -> Wav2Lip:
    """The generator with the folder's weights, in eval mode on `device`."""
    path = checkpoint_path(folder, gan)
    get_it = _get_it(path.parent, CHECKPOINTS[gan])
    saved = read_weights(path, get_it)
    # released as {"state_dict": ..., "optimizer": ..., "global_step": ...}; trained under DataParallel,
    # whose names carry a "module." prefix
    state = saved.get("state_dict", saved) if isinstance(saved, dict) else saved
    if isinstance(state, dict):
        state = {name.removeprefix("module."): value for name, value in state.items()}
    model = Wav2Lip()
    fit_weights(model, state, path, get_it)
    return model.eval().to(device)
