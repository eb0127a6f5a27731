"""Tiny randomly initialised translation models built on the spot, for the tests and the bench: a
MarianMT model with a sentencepiece vocabulary trained on the sample script (English and Spanish),
and an NLLB (M2M100) model with a BPE vocabulary and NLLB's language codes. Each builds in a second
or two once transformers is imported."""

import importlib.resources
import json
from pathlib import Path

from dubstudio.engine.backends.marian import import_transformers

SCRIPT = json.loads((importlib.resources.files("dubstudio.resources") / "sample" / "script.json")
                    .read_text("utf-8"))
ENGLISH = [text for _, text in SCRIPT["lines"]]
SPANISH = [
    "Buenos días Maya, ¿terminaste el informe para la estación de tren?",
    "Casi, todavía tengo que revisar las cifras de la semana pasada.",
    "Tenemos una reunión con el director a las diez.",
    "Por favor, cuéntales a los demás el nuevo horario.",
    "Entonces te enviaré el informe antes de las nueve.",
    "¿Puedes traer también las fotos de la excursión al río?",
    "Claro, las fotos del puente viejo salieron muy bien.",
    "He oído que mañana hará frío y lloverá.",
    "Está bien, porque podemos trabajar dentro y terminar el vídeo.",
    "Gracias por tu ayuda, nos vemos en la reunión.",
    "Hasta luego Daniel, y no olvides tu paraguas.",
]


def _small(config_class, **ids):
    return config_class(d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
                        max_position_embeddings=128, **ids)


def build_marian(folder: Path, work: Path) -> Path:
    """An en->es MarianMT folder as transformers saves it: model.safetensors, source.spm, target.spm,
    vocab.json, tokenizer_config.json (which names the languages)."""
    import sentencepiece
    import torch

    transformers = import_transformers()
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(ENGLISH + SPANISH), "utf-8")
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(work / "sp"), vocab_size=160, hard_vocab_limit=False,
        character_coverage=1.0, pad_id=-1, bos_id=-1, eos_id=-1, unk_id=0, num_threads=1, minloglevel=2)
    pieces = sentencepiece.SentencePieceProcessor(model_file=str(work / "sp.model"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(pieces.get_piece_size()):
        vocab.setdefault(pieces.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (work / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    spm = str(work / "sp.model")
    tokenizer = transformers.MarianTokenizer(source_spm=spm, target_spm=spm, vocab=str(work / "vocab.json"),
                                             source_lang="en", target_lang="es")
    torch.manual_seed(0)
    config = _small(transformers.MarianConfig, vocab_size=len(vocab), pad_token_id=tokenizer.pad_token_id,
                    eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
                    forced_eos_token_id=tokenizer.eos_token_id)
    transformers.MarianMTModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_nllb(folder: Path) -> Path:
    """An NLLB folder saved as NLLB ships: tokenizer.json (a BPE plus the FLORES-200 codes)."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    transformers = import_transformers()
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bpe.train_from_iterator(ENGLISH + SPANISH, trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<s>", "<pad>", "</s>", "<unk>"], show_progress=False))
    spec = json.loads(bpe.to_str())["model"]
    tokenizer = transformers.NllbTokenizer(vocab=spec["vocab"], merges=[tuple(m) for m in spec["merges"]])
    torch.manual_seed(0)
    config = _small(transformers.M2M100Config, vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                    eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.bos_token_id,
                    decoder_start_token_id=tokenizer.eos_token_id)
    transformers.M2M100ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
