"""XTTS-v2 through coqui-tts, from a model folder the user provides: the studio voice-cloning backend.

Zero-shot and cross-lingual: a few seconds of a speaker's voice in any language become conditioning
latents (a GPT style latent and a decoder speaker embedding), computed once per speaker and kept in
memory and in the cache folder, then reused for every line in any of XTTS-v2's 17 languages. The
folder's stock speakers (speakers_xtts.pth) need no reference audio.

Safety: nothing reaches the network (coqui's TTS("...") manager downloads, so it is not used), every
file is read with torch.load(weights_only=True), and the user's files are never rewritten. coqui's own
Xtts.load_checkpoint is weights_only on torch >= 2.4 but reads through fsspec (which fetches URLs) and
re-saves the original release's model.pth in place, so the checkpoint is loaded here instead.
Cloning needs the speaker's consent record (dubstudio.voices.consent) on each call.
"""

import hashlib
import json
import logging
import os
import pickle
import re
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import paths
from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.engine.torchaudio_compat import import_torchaudio
from dubstudio.hashing import content_hash
from dubstudio.voices.consent import Consent, require_consent

log = logging.getLogger(__name__)

REQUIRED_FILES = ("config.json", "model.pth", "vocab.json")
SPEAKERS_FILE = "speakers_xtts.pth"
LICENCE = "Coqui Public Model License 1.0.0 (non-commercial use)"
# XTTS computes its conditioning at 22.05 kHz, whatever the rate of the reference.
CONDITIONING_RATE = 22_050
MIN_REFERENCE_S = 1.0
EXTRA_LANGUAGES = ("ja", "ko", "zh")  # coqui-tts extras that hold a language's text front end
MEMORY_LATENTS = 256  # speakers kept in memory per worker, most recently used first
LATENTS_FORMAT = "dubstudio-xtts-latents-v1"

Reference = tuple[np.ndarray, int] | str | os.PathLike


def _get_it(folder: Path) -> str:
    return (f"download XTTS-v2 (coqui/XTTS-v2 on Hugging Face: config.json, model.pth, vocab.json and "
            f"speakers_xtts.pth) into {folder}")


def check_model_folder(folder: str | os.PathLike) -> Path:
    """The folder, if it holds an XTTS-v2 model; else MissingModelError naming what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingModelError(f"the XTTS-v2 model folder {folder} does not exist: {_get_it(folder)}, or "
                                f"point DubStudio at the folder that holds those files.")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise MissingModelError(f"the XTTS-v2 model folder {folder} is incomplete, {', '.join(missing)} "
                                f"missing: {_get_it(folder)}.")
    return folder


def split_text(text: str, limit: int) -> list[str]:
    """Text in pieces of at most limit characters (XTTS truncates the audio of longer text), cut
    after a sentence end if there is one, else after a clause end, else at a space."""
    pieces, rest = [], " ".join(text.split())
    while len(rest) > limit:
        window = rest[:limit + 1]
        for pattern in (r"[.!?…]\s|[。！？]", r"[,;:]\s|[，、；：]", r"\s"):
            ends = [match.end() for match in re.finditer(pattern, window)]
            if ends:
                cut = ends[-1]
                break
        else:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].lstrip()
    return pieces + ([rest] if rest else [])


def _load_weights(path: Path, what: str):
    """torch.load(weights_only=True) of a model file; MissingModelError if it holds anything else."""
    import torch
    from TTS.config.shared_configs import BaseDatasetConfig
    from TTS.tts.configs.xtts_config import XttsArgs, XttsAudioConfig, XttsConfig

    # The original XTTS-v2 release pickles its config next to the weights, two classes of it under
    # the module where coqui first defined them. They are plain data: allowed, and nothing else is.
    configs = [(XttsConfig, "TTS.tts.configs.xtts_config.XttsConfig"),
               (XttsArgs, "TTS.tts.models.xtts.XttsArgs"),
               (XttsAudioConfig, "TTS.tts.models.xtts.XttsAudioConfig"),
               (BaseDatasetConfig, "TTS.config.shared_configs.BaseDatasetConfig")]
    try:
        with torch.serialization.safe_globals(configs):
            return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        log.warning("refused %s: %s", path, error)
        raise MissingModelError(f"{path} holds Python objects besides {what}, which DubStudio does not load "
                                f"because unpickling them could run any code: {_get_it(path.parent)}.") from error
    except (RuntimeError, EOFError, zipfile.BadZipFile) as error:
        raise MissingModelError(f"{path} is damaged or not a PyTorch file ({error}): "
                                f"{_get_it(path.parent)}.") from error


def _read_reference(reference: Reference) -> tuple[np.ndarray, int]:
    if isinstance(reference, (str, os.PathLike)):
        path = Path(reference)
        if not path.is_file():
            raise DubStudioError(f"the reference audio {path} does not exist: extract the speaker's reference "
                                 f"again or choose another clip.")
        try:
            audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
        except soundfile.LibsndfileError as error:
            raise DubStudioError(f"cannot read the reference audio {path} ({error}): give a WAV or FLAC "
                                 f"file.") from error
        return audio.mean(axis=1), int(rate)
    audio, rate = reference
    audio = np.asarray(audio, np.float32)
    if audio.ndim != 1:
        raise ValueError(f"reference audio must be mono, one dimension; got shape {audio.shape}")
    return audio, int(rate)


class Xtts:
    clones = True
    licence = LICENCE

    def __init__(self, folder: str | os.PathLike, device: str = "cpu", disk_cache: bool = True):
        self.folder = check_model_folder(folder)
        self.device = device
        self.disk_cache = disk_cache
        self.model, self.config = self._load()
        self.sample_rate = int(self.config.model_args.output_sample_rate)
        self.stock = self._load_speakers()
        self._memory: OrderedDict[str, tuple] = OrderedDict()
        settings = {key: self.config[key] for key in ("gpt_cond_len", "gpt_cond_chunk_len", "max_ref_len",
                                                       "sound_norm_refs")}
        # Latents depend on the weights and these settings: both are part of a cached latent's key.
        self._latent_key_prefix = json.dumps([LATENTS_FORMAT, content_hash(self.folder / "model.pth"), settings])

    def _load(self):
        # Hub libraries read these once, at import: set before coqui pulls in transformers, so nothing
        # in this worker can fetch from a model hub behind our back. The weights come from the folder.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import_torchaudio()
            from TTS.tts.configs.xtts_config import XttsConfig
            from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
            from TTS.tts.models.xtts import Xtts as CoquiXtts
        except ModuleNotFoundError as error:
            raise MissingModelError(f"XTTS-v2 runs on coqui-tts, which is not fully installed ({error.name} is "
                                    f"missing): run installers/setup.sh.") from error

        config = XttsConfig()
        try:
            config.load_json(str(self.folder / "config.json"))
        except (ValueError, KeyError, TypeError) as error:
            raise MissingModelError(f"{self.folder / 'config.json'} is not an XTTS-v2 config ({error}): "
                                    f"{_get_it(self.folder)}.") from error
        model = CoquiXtts(config)
        model.tokenizer = VoiceBpeTokenizer(vocab_file=str(self.folder / "vocab.json"))
        model.init_models()  # sized from the vocabulary, as coqui's load does
        checkpoint = _load_weights(self.folder / "model.pth", "the model's weights")
        state = checkpoint.get("model") if isinstance(checkpoint, dict) else None
        if not isinstance(state, dict):
            raise MissingModelError(f"{self.folder / 'model.pth'} has no 'model' weights, so it is not an "
                                    f"XTTS-v2 checkpoint: {_get_it(self.folder)}.")
        # Checkpoints fine-tuned with coqui's trainer prefix their keys with "xtts." and carry
        # training-only modules; the same mapping as coqui's get_compatible_checkpoint_state_dict.
        training_only = {"torch_mel_spectrogram_style_encoder", "torch_mel_spectrogram_dvae", "dvae"}
        state = {key.removeprefix("xtts."): value for key, value in state.items()
                 if key.removeprefix("xtts.").split(".")[0] not in training_only}
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as error:
            raise MissingModelError(f"{self.folder / 'model.pth'} does not match "
                                    f"{self.folder / 'config.json'} (not the same XTTS-v2 model): "
                                    f"{_get_it(self.folder)}.") from error
        model.hifigan_decoder.eval()
        model.gpt.init_gpt_for_inference(kv_cache=model.args.kv_cache)
        model.gpt.eval()
        model.to(self.device)
        log.info("XTTS-v2 loaded from %s on %s", self.folder, self.device)
        return model, config

    def _load_speakers(self) -> dict:
        path = self.folder / SPEAKERS_FILE
        if not path.is_file():
            return {}
        speakers = _load_weights(path, "speaker latents")
        try:
            return {name: (latents["gpt_cond_latent"], latents["speaker_embedding"])
                    for name, latents in speakers.items()}
        except (AttributeError, KeyError, TypeError) as error:
            raise MissingModelError(f"{path} does not hold XTTS-v2 speakers (a latent and an embedding "
                                    f"by name): {_get_it(self.folder)}.") from error

    @property
    def languages(self) -> list[str]:
        return list(self.config.languages)

    @property
    def voices(self) -> list[str]:
        """The folder's stock speakers (none without speakers_xtts.pth)."""
        return sorted(self.stock)

    def synthesize(self, text: str, language: str, *, voice: str | None = None,
                   reference: Reference | None = None, speed: float = 1.0,
                   consent: Consent | None = None) -> np.ndarray:
        """Mono float32 audio at 24 kHz in a stock voice, or in the voice of the speaker heard in
        reference ((samples, rate) or an audio file) given the speaker's consent; speed > 1 is faster."""
        if (voice is None) == (reference is None):
            raise ValueError("give either a stock voice or a reference to clone, not both or neither")
        if reference is not None:
            consent = require_consent(consent, "a speaker's voice with XTTS-v2")
            log.info("cloning a voice with the consent of %s given %s", consent.who, consent.when)
        code = self._language(language)
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed}")
        if voice is not None:
            if voice not in self.stock:
                choices = ", ".join(self.voices) or f"none: this folder has no {SPEAKERS_FILE}"
                raise DubStudioError(f"XTTS-v2 has no stock voice '{voice}': choose one of {choices}.")
            gpt_cond_latent, speaker_embedding = self.stock[voice]
        else:
            gpt_cond_latent, speaker_embedding = self._conditioning(reference)
        settings = {key: self.config[key] for key in ("temperature", "length_penalty", "repetition_penalty",
                                                      "top_k", "top_p")}
        base = code.split("-")[0]
        try:
            pieces = [self.model.inference(piece, code, gpt_cond_latent, speaker_embedding, speed=speed,
                                           **settings)["wav"]
                      for piece in split_text(text, self.model.tokenizer.char_limits.get(base, 250))]
        except ImportError as error:
            # coqui's Chinese and Japanese text front ends import optional packages on first use
            missing = error.name or getattr(error.__cause__, "name", None) or str(error)
            extra = f"'coqui-tts[{base}]'" if base in EXTRA_LANGUAGES else missing
            raise DubStudioError(f"XTTS-v2 needs the Python package {missing} to speak '{language}', and it is "
                                 f"not installed: run pip install {extra} in DubStudio's environment.") from error
        return np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros(0, np.float32)

    def _language(self, language: str) -> str:
        code = language.lower()
        if code not in self.languages:
            code = code.split("-")[0]
            code = "zh-cn" if code == "zh" else code  # XTTS names Chinese zh-cn; pt-BR is plain pt
        if code not in self.languages:
            raise DubStudioError(f"XTTS-v2 does not speak '{language}': choose one of "
                                 f"{', '.join(self.languages)}.")
        return code

    def _conditioning(self, reference: Reference):
        """(gpt_cond_latent, speaker_embedding) for reference audio: from memory, from the cache
        folder, or computed once. Private because the latents are a voice print: only synthesize,
        after the consent check, asks for them."""
        audio, rate = _read_reference(reference)
        if len(audio) < MIN_REFERENCE_S * rate:
            raise DubStudioError(f"the reference audio is {len(audio) / rate:.2f} s long: give at least "
                                 f"{MIN_REFERENCE_S:g} s of the speaker's clean speech (6 to 10 s clones best).")
        digest = hashlib.sha256(self._latent_key_prefix.encode())
        digest.update(f"{rate}:".encode())
        digest.update(np.ascontiguousarray(audio).tobytes())
        key = digest.hexdigest()
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        latents = (self._read_cached(key) if self.disk_cache else None) or self._compute_latents(audio, rate, key)
        self._memory[key] = latents
        if len(self._memory) > MEMORY_LATENTS:
            self._memory.popitem(last=False)
        return latents

    def _compute_latents(self, audio: np.ndarray, rate: int, key: str):
        import torch
        import torchaudio.functional

        wav = torch.from_numpy(np.ascontiguousarray(audio)).unsqueeze(0)
        if rate != CONDITIONING_RATE:
            wav = torchaudio.functional.resample(wav, rate, CONDITIONING_RATE)
        # as coqui's get_conditioning_latents does for one file, without decoding it through torchcodec
        wav = wav[:, :CONDITIONING_RATE * self.config.max_ref_len].clamp(-1, 1).to(self.device)
        if self.config.sound_norm_refs:
            wav = wav / wav.abs().max() * 0.75
        speaker_embedding = self.model.get_speaker_embedding(wav, CONDITIONING_RATE)
        gpt_cond_latent = self.model.get_gpt_cond_latents(wav, CONDITIONING_RATE,
                                                          length=self.config.gpt_cond_len,
                                                          chunk_length=self.config.gpt_cond_chunk_len)
        if self.disk_cache:
            self._write_cached(key, gpt_cond_latent, speaker_embedding)
        return gpt_cond_latent, speaker_embedding

    def _cache_path(self, key: str) -> Path:
        return paths.cache_dir("xtts-latents") / f"{key}.npz"

    def _read_cached(self, key: str):
        import torch

        path = self._cache_path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                return (torch.from_numpy(saved["gpt_cond_latent"]).to(self.device),
                        torch.from_numpy(saved["speaker_embedding"]).to(self.device))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            log.warning("unreadable cached XTTS latents %s: computing them again", path)
            return None

    def _write_cached(self, key: str, gpt_cond_latent, speaker_embedding) -> None:
        path = self._cache_path(key)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # workers may race on one speaker
        with open(partial, "wb") as out:
            np.savez(out, gpt_cond_latent=gpt_cond_latent.cpu().numpy(),
                     speaker_embedding=speaker_embedding.cpu().numpy())
        partial.replace(path)
