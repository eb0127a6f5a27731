"""A tiny randomly initialised Whisper in CTranslate2 format, laid out like a converted large-v3
(128 mel bins, 100 languages, vocabulary of 51866), for tests of the studio Whisper path.

Built in transformers and converted with ctranslate2's TransformersConverter, as a user converts a
real checkpoint. The real tokenizer cannot be downloaded here, so a byte-level BPE with Whisper's
token layout stands in for it; ctranslate2 and faster-whisper find the special tokens by name and
by position, so the layout has to match:

    0-255        the 256 byte-level symbols, in GPT-2 order (id 220 is the space, "Ġ")
    256-50255    filler words ("Ġw256", ...), decoded as " w256"
    50256        "" - ctranslate2 takes a vocabulary holding it for a multilingual model
    50257        <|endoftext|>, then <|startoftranscript|>, one <|xx|> per language, <|translate|>,
                 <|transcribe|>, <|startoflm|>, <|startofprev|>, <|nospeech|>, <|notimestamps|>
    50365-51865  timestamps <|0.00|> ... <|30.00|>
"""

import json
import tempfile
from pathlib import Path

from dubstudio.engine.torchaudio_compat import import_torchaudio

TEXT_TOKENS = 50257  # GPT-2's vocabulary, whose last entry is the empty string in Whisper's
MEL_BINS = 128


def _tokenizer():
    from faster_whisper.tokenizer import _LANGUAGE_CODES
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    # Sorted by code point, the byte-level alphabet is in GPT-2's order.
    vocab = {symbol: index for index, symbol in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    vocab.update({f"Ġw{index}": index for index in range(len(vocab), TEXT_TOKENS - 1)})
    vocab[""] = TEXT_TOKENS - 1
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    # Every language faster-whisper may ask for (the 100 of large-v3), so no code lacks its token.
    languages = [f"<|{code}|>" for code in _LANGUAGE_CODES]
    tokenizer.add_special_tokens(
        ["<|endoftext|>", "<|startoftranscript|>", *languages, "<|translate|>", "<|transcribe|>",
         "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]
        + [f"<|{step * 0.02:.2f}|>" for step in range(1501)])
    return tokenizer, [tokenizer.token_to_id(language) for language in languages]


def build_tiny_whisper(folder: Path) -> Path:
    """Write the CTranslate2 model (model.bin, config.json, vocabulary.json, tokenizer.json,
    preprocessor_config.json) into folder, replacing whatever is there; return folder."""
    folder = Path(folder)
    import_torchaudio()  # transformers' audio helpers import it
    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import (
        PreTrainedTokenizerFast,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
    )

    tokenizer, language_ids = _tokenizer()
    end, start = tokenizer.token_to_id("<|endoftext|>"), tokenizer.token_to_id("<|startoftranscript|>")
    config = WhisperConfig(
        vocab_size=tokenizer.get_vocab_size(), num_mel_bins=MEL_BINS, d_model=32, encoder_layers=1,
        decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_source_positions=1500, max_target_positions=448,  # 30 s windows, as Whisper
        pad_token_id=end, bos_token_id=end, eos_token_id=end, decoder_start_token_id=start,
        begin_suppress_tokens=[tokenizer.token_to_id("Ġ"), end], suppress_tokens=[])
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = WhisperForConditionalGeneration(config)

    with tempfile.TemporaryDirectory() as source:
        model.save_pretrained(source)
        PreTrainedTokenizerFast(tokenizer_object=tokenizer).save_pretrained(source)
        WhisperFeatureExtractor(feature_size=MEL_BINS).save_pretrained(source)
        converter = TransformersConverter(source, copy_files=["tokenizer.json", "preprocessor_config.json"])
        converter.convert(str(folder), force=True)

    # ctranslate2 4.8 reads the language ids from the tokenizer's additional_special_tokens, which
    # transformers 5 no longer has: without them language detection has no language to choose.
    ct2_config = json.loads((folder / "config.json").read_text())
    ct2_config["lang_ids"] = language_ids
    (folder / "config.json").write_text(json.dumps(ct2_config))
    return folder
