"""The XTTS-v2 studio backend, loaded from a folder laid out like the real XTTS-v2 download but holding
a tiny randomly initialised model built here from its config (one GPT layer of width 32; coqui's
HiFi-GAN decoder and speaker encoder keep their fixed sizes). Random weights speak noise and never
choose the stop token, so generation runs to the config's audio-token bound (gpt_max_audio_tokens).
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dubstudio import paths
from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.voices.consent import Consent, ConsentRequiredError

XTTS_LANGUAGES = ["en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar", "zh-cn", "hu", "ko",
                  "ja", "hi"]
MAX_AUDIO_TOKENS = 16
MAX_CODES = MAX_AUDIO_TOKENS - 3  # coqui's GPT keeps room for a conditioning input and start/stop
CODE_S = 1024 / 22050             # one audio code is 1024 samples at 22.05 kHz
STOCK_VOICE = "Ana Florence"
CONSENT = Consent("Maria Lopez", "2025-03-14T10:30:00+01:00",
                  "I agree that my voice is cloned to dub 'The Harbour' into Spanish.")


# an offline backend on a shared 2-core machine: one torch thread, and no network at all
pytestmark = pytest.mark.usefixtures("one_torch_thread", "network_attempts")


def build_vocab(path: Path) -> None:
    """A BPE tokenizer file like XTTS's vocab.json: its special tokens, language tags and a few letters."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    special = ["[STOP]", "[UNK]", "[SPACE]", "[START]"] + [f"[{code}]" for code in XTTS_LANGUAGES]
    trainer = trainers.BpeTrainer(vocab_size=80, special_tokens=special,
                                  initial_alphabet=list("abcdefghijklmnopqrstuvwxyzáéíóúñü.,;:!?'-"))
    tokenizer.train_from_iterator(["hello world, this is a test", "hola mundo, ¿cómo estás?"], trainer)
    tokenizer.save(str(path))


def tiny_model(vocab: Path):
    """(config, model): coqui's Xtts with the real architecture (perceiver conditioning, as in v2)."""
    import torch
    from dubstudio.engine.torchaudio_compat import import_torchaudio

    import_torchaudio()
    from TTS.tts.configs.xtts_config import XttsArgs, XttsConfig
    from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
    from TTS.tts.models.xtts import Xtts as CoquiXtts

    torch.manual_seed(0)
    args = XttsArgs(gpt_layers=1, gpt_n_model_channels=32, gpt_n_heads=2, decoder_input_dim=32,
                    gpt_max_audio_tokens=MAX_AUDIO_TOKENS, gpt_max_text_tokens=200, gpt_max_prompt_tokens=16,
                    gpt_num_audio_tokens=34, gpt_start_audio_token=32, gpt_stop_audio_token=33,
                    gpt_use_perceiver_resampler=True)
    config = XttsConfig(model_args=args, temperature=0.75, repetition_penalty=5.0, gpt_cond_len=12,
                        gpt_cond_chunk_len=4, max_ref_len=10)
    model = CoquiXtts(config)
    model.tokenizer = VoiceBpeTokenizer(vocab_file=str(vocab))
    model.init_models()
    return config, model


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    """config.json, model.pth ({"config": ..., "model": weights}), vocab.json, speakers_xtts.pth."""
    import torch

    folder = tmp_path_factory.mktemp("XTTS-v2")
    build_vocab(folder / "vocab.json")
    config, model = tiny_model(folder / "vocab.json")
    config.save_json(str(folder / "config.json"))
    torch.save({"config": config.to_dict(), "model": model.state_dict()}, folder / "model.pth")
    torch.save({STOCK_VOICE: {"gpt_cond_latent": torch.randn(1, 32, 32),
                              "speaker_embedding": torch.randn(1, 512, 1)}}, folder / "speakers_xtts.pth")
    return folder


@pytest.fixture(scope="module")
def xtts(model_folder):
    from dubstudio.engine.backends.xtts import Xtts

    return Xtts(model_folder)


@pytest.fixture(scope="module")
def spoken_reference(tmp_path_factory) -> Path:
    """A Spanish speaker's reference clip (espeak-ng, 22.05 kHz WAV)."""
    path = tmp_path_factory.mktemp("reference") / "maria.wav"
    subprocess.run(["espeak-ng", "-v", "es", "-w", str(path),
                    "Hola, me llamo María y hoy grabamos la voz para el doblaje."], check=True)
    return path


def noise(seed: int, seconds: float = 3.0, rate: int = 16_000) -> tuple[np.ndarray, int]:
    return (np.random.default_rng(seed).normal(0, 0.1, int(seconds * rate)).astype(np.float32), rate)


def count_calls(monkeypatch, obj, *names) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    for name in names:
        original = getattr(obj, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(obj, name, counted)
    return counts


def test_it_reports_xtts_v2s_languages_rate_stock_voices_and_cloning(xtts):
    assert xtts.languages == XTTS_LANGUAGES
    assert xtts.sample_rate == 24_000
    assert xtts.clones is True
    assert xtts.voices == [STOCK_VOICE]
    assert "non-commercial" in xtts.licence


def test_a_cloned_line_is_float32_audio_at_24_khz_of_plausible_length(xtts, spoken_reference, network_attempts):
    import torch

    torch.manual_seed(1)
    audio = xtts.synthesize("Hola, ¿cómo estás?", "es", reference=spoken_reference, consent=CONSENT)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0
    seconds = len(audio) / xtts.sample_rate
    assert 0.9 * CODE_S <= seconds <= MAX_CODES * CODE_S * 1.02
    assert network_attempts == []


def test_a_speakers_latents_are_computed_once_and_reused(xtts, spoken_reference, tmp_path, monkeypatch):
    import soundfile

    counts = count_calls(monkeypatch, xtts.model, "get_gpt_cond_latents", "get_speaker_embedding")
    reference = noise(seed=2)
    first = xtts.synthesize("hello world", "en", reference=reference, consent=CONSENT)
    for cached in paths.cache_dir("xtts-latents").glob("*.npz"):
        cached.unlink()  # so the second call can only have them from memory
    second = xtts.synthesize("hola mundo", "es", reference=reference, consent=CONSENT)
    assert len(first) and len(second)
    assert counts == {"get_gpt_cond_latents": 1, "get_speaker_embedding": 1}

    # the same audio given as a file is the same speaker
    soundfile.write(tmp_path / "same.wav", reference[0], reference[1], subtype="FLOAT")
    xtts.synthesize("hello", "en", reference=tmp_path / "same.wav", consent=CONSENT)
    assert counts == {"get_gpt_cond_latents": 1, "get_speaker_embedding": 1}

    xtts.synthesize("hello", "en", reference=noise(seed=3), consent=CONSENT)
    assert counts == {"get_gpt_cond_latents": 2, "get_speaker_embedding": 2}


def test_latents_are_kept_in_the_cache_folder_without_pickle_for_the_next_worker(xtts, model_folder, monkeypatch):
    from dubstudio.engine.backends.xtts import Xtts

    cache = paths.cache_dir("xtts-latents")
    before = set(cache.glob("*.npz"))
    reference = noise(seed=4)
    xtts.synthesize("hello", "en", reference=reference, consent=CONSENT)
    (written,) = set(cache.glob("*.npz")) - before
    with np.load(written, allow_pickle=False) as saved:
        assert saved["gpt_cond_latent"].shape == (1, 32, 32)
        assert saved["speaker_embedding"].shape == (1, 512, 1)

    another_worker = Xtts(model_folder)
    counts = count_calls(monkeypatch, another_worker.model, "get_gpt_cond_latents", "get_speaker_embedding")
    another_worker.synthesize("hola", "es", reference=reference, consent=CONSENT)
    assert counts == {"get_gpt_cond_latents": 0, "get_speaker_embedding": 0}


@pytest.mark.parametrize("consent", [None, "yes", {"who": "Maria Lopez", "when": "2025-03-14", "statement": "ok"}])
def test_cloning_without_a_consent_record_is_refused_and_nothing_is_synthesized(xtts, monkeypatch, consent):
    counts = count_calls(monkeypatch, xtts.model, "get_gpt_cond_latents", "get_speaker_embedding", "inference")
    with pytest.raises(ConsentRequiredError, match="consent.*casting dialog"):
        xtts.synthesize("hola", "es", reference=noise(seed=5), consent=consent)
    # consent comes first: not even the reference file is looked at
    with pytest.raises(ConsentRequiredError):
        xtts.synthesize("hola", "es", reference="/nonexistent/maria.wav", consent=consent)
    assert counts == {"get_gpt_cond_latents": 0, "get_speaker_embedding": 0, "inference": 0}


def test_a_stock_voice_needs_no_consent(xtts):
    audio = xtts.synthesize("hello world", "en", voice=STOCK_VOICE)
    assert audio.dtype == np.float32 and 0 < len(audio) <= MAX_CODES * CODE_S * 1.02 * xtts.sample_rate


def test_a_faster_speed_gives_a_shorter_take(xtts):
    import torch

    lengths = []
    for speed in (1.0, 2.0):
        torch.manual_seed(6)  # the same audio codes both times; only the delivery changes
        lengths.append(len(xtts.synthesize("hello world", "en", voice=STOCK_VOICE, speed=speed)))
    assert 0.4 < lengths[1] / lengths[0] < 0.6


def test_text_longer_than_xtts_takes_is_spoken_in_pieces(xtts, monkeypatch):
    monkeypatch.setitem(xtts.model.tokenizer.char_limits, "en", 30)
    counts = count_calls(monkeypatch, xtts.model, "inference")
    xtts.synthesize("This is the first line. Here is the second one. And a third.", "en", voice=STOCK_VOICE)
    assert counts["inference"] == 3


def test_split_text_cuts_at_sentence_ends_then_clauses_then_spaces():
    from dubstudio.engine.backends.xtts import split_text

    assert split_text("One two. Three four, five six seven.", 20) == ["One two.", "Three four,", "five six seven."]
    assert split_text("Uno, dos, tres cuatro cinco", 12) == ["Uno, dos,", "tres cuatro", "cinco"]
    assert split_text("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert split_text("  short  text ", 250) == ["short text"]


@pytest.mark.parametrize("language", ["pt-BR", "ES", "en-US"])
def test_regional_language_codes_map_to_xttss(xtts, language):
    assert len(xtts.synthesize("hola", language, voice=STOCK_VOICE)) > 0


@pytest.mark.parametrize("language", ["zh", "zh-CN"])
def test_a_language_whose_text_front_end_is_not_installed_names_the_package(xtts, monkeypatch, language):
    monkeypatch.setitem(sys.modules, "pypinyin", None)  # as if coqui-tts[zh] were not installed
    with pytest.raises(DubStudioError, match=f"package pypinyin to speak '{language}'.*coqui-tts\\[zh\\]"):
        xtts.synthesize("你好", language, voice=STOCK_VOICE)


def test_what_xtts_cannot_do_is_said_in_one_sentence(xtts):
    with pytest.raises(DubStudioError, match="does not speak 'sv'.*choose one of en, es"):
        xtts.synthesize("hej", "sv", voice=STOCK_VOICE)
    with pytest.raises(DubStudioError, match="no stock voice 'Nobody'.*Ana Florence"):
        xtts.synthesize("hello", "en", voice="Nobody")
    with pytest.raises(DubStudioError, match="0.50 s long: give at least 1 s"):
        xtts.synthesize("hello", "en", reference=noise(seed=7, seconds=0.5), consent=CONSENT)


@pytest.mark.parametrize("present, missing", [
    (None, ["config.json", "model.pth", "vocab.json"]),
    ([], ["config.json", "model.pth", "vocab.json"]),
    (["config.json", "speakers_xtts.pth"], ["model.pth", "vocab.json"]),
    (["config.json", "model.pth", "speakers_xtts.pth"], ["vocab.json"]),
])
def test_a_missing_or_incomplete_folder_says_which_files_to_put_where(tmp_path, present, missing):
    from dubstudio.engine.backends.xtts import Xtts

    folder = tmp_path / "XTTS-v2"
    if present is not None:
        folder.mkdir()
        for name in present:
            (folder / name).write_bytes(b"")
    with pytest.raises(MissingModelError) as caught:
        Xtts(folder)
    message = str(caught.value)
    assert str(folder) in message and "coqui/XTTS-v2" in message
    for name in missing:
        assert name in message
    if present is not None:
        assert f"incomplete, {', '.join(missing)} missing" in message


class RunsCode:
    """A pickled object that creates a file when unpickled: the attack weights_only blocks."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


def test_a_checkpoint_holding_a_pickled_object_is_refused_without_running_it(model_folder, tmp_path):
    import torch
    from dubstudio.engine.backends.xtts import Xtts

    folder = tmp_path / "XTTS-v2"
    folder.mkdir()
    for name in ("config.json", "vocab.json"):
        shutil.copy(model_folder / name, folder / name)
    marker = tmp_path / "code-ran"
    weights = torch.load(model_folder / "model.pth", weights_only=True)["model"]
    torch.save({"model": weights, "extra": RunsCode(marker)}, folder / "model.pth")

    torch.load(folder / "model.pth", weights_only=False)  # the file really is an attack
    assert marker.exists()
    marker.unlink()

    with pytest.raises(MissingModelError, match="Python objects besides the model's weights"):
        Xtts(folder)
    assert not marker.exists()


def test_a_stock_speakers_file_holding_a_pickled_object_is_refused(model_folder, tmp_path):
    import torch
    from dubstudio.engine.backends.xtts import Xtts

    folder = tmp_path / "XTTS-v2"
    folder.mkdir()
    for name in ("config.json", "vocab.json", "model.pth"):
        (folder / name).symlink_to(model_folder / name)
    marker = tmp_path / "code-ran"
    torch.save({STOCK_VOICE: RunsCode(marker)}, folder / "speakers_xtts.pth")
    with pytest.raises(MissingModelError, match="speakers_xtts.pth holds Python objects"):
        Xtts(folder)
    assert not marker.exists()


def test_a_damaged_checkpoint_is_reported_not_raised_as_a_traceback(model_folder, tmp_path):
    from dubstudio.engine.backends.xtts import Xtts

    folder = tmp_path / "XTTS-v2"
    folder.mkdir()
    for name in ("config.json", "vocab.json"):
        shutil.copy(model_folder / name, folder / name)
    with open(model_folder / "model.pth", "rb") as source:
        (folder / "model.pth").write_bytes(source.read(1 << 20))  # a download cut short
    with pytest.raises(MissingModelError, match="model.pth is damaged"):
        Xtts(folder)


def test_the_original_releases_checkpoint_with_its_pickled_config_loads_and_is_left_untouched(
        model_folder, tmp_path, monkeypatch):
    import torch
    from dubstudio.engine.backends.xtts import Xtts
    from TTS.tts.configs.xtts_config import XttsArgs, XttsAudioConfig, XttsConfig

    folder = tmp_path / "XTTS-v2"
    folder.mkdir()
    for name in ("config.json", "vocab.json"):
        shutil.copy(model_folder / name, folder / name)
    config = XttsConfig()
    config.load_json(str(model_folder / "config.json"))
    # The release pickled its config objects, two of them under the module coqui first defined them in.
    monkeypatch.setattr(XttsArgs, "__module__", "TTS.tts.models.xtts")
    monkeypatch.setattr(XttsAudioConfig, "__module__", "TTS.tts.models.xtts")
    weights = torch.load(model_folder / "model.pth", weights_only=True)["model"]
    torch.save({"config": config, "model": weights}, folder / "model.pth")
    monkeypatch.undo()
    before = hashlib.sha256((folder / "model.pth").read_bytes()).hexdigest()

    xtts = Xtts(folder, disk_cache=False)
    assert len(xtts.synthesize("hello", "en", reference=noise(seed=8), consent=CONSENT)) > 0
    assert hashlib.sha256((folder / "model.pth").read_bytes()).hexdigest() == before
