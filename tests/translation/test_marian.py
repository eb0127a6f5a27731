"""The studio backends on tiny random models saved to a local folder: MarianMT and NLLB through
transformers, Opus-MT converted to CTranslate2. Random weights say nothing sensible; what is tested
is the code path: loading, n-best with scores, language codes, and clear errors for bad folders."""

import pytest
from dubstudio.engine.backends.marian import MarianTranslator, check_folder, marian_languages
from dubstudio.engine.backends.marian_ct2 import OpusMTCT2, check_ct2_folder, convert

from dubstudio.errors import MissingModelError
from dubstudio.translation.pairs import UnsupportedPairError
from dubstudio.translation.translate import translate_lines


@pytest.fixture(scope="module")
def marian(tiny_marian):
    return MarianTranslator(tiny_marian, beam_size=4, threads=1)


def test_marian_returns_n_best_with_scores(marian, sample_lines):
    assert marian.kind == "marian" and marian.pairs() == {("en", "es")}
    lines = marian.translate(sample_lines[:3], "en", "es", n_best=4)
    assert [len(candidates) for candidates in lines] == [4, 4, 4]
    for candidates in lines:
        scores = [c.score for c in candidates]
        assert scores == sorted(scores, reverse=True) and all(s < 0 for s in scores)
        assert {c.backend for c in candidates} == {f"marian:{marian.folder.name}"}


def test_marian_through_translate_lines(marian, sample_lines):
    result = translate_lines(marian, sample_lines[:2], "en", "es", n_best=3)
    assert len(result) == 2 and all(1 <= len(candidates) <= 3 for candidates in result)
    with pytest.raises(UnsupportedPairError, match="en->es"):
        marian.translate(["Hello"], "en", "fr")


def test_opus_mt_through_ctranslate2(tiny_marian, tmp_path, sample_lines):
    folder = convert(tiny_marian, tmp_path / "ct2")
    translator = OpusMTCT2(folder, beam_size=4, threads=1)
    assert translator.pairs() == {("en", "es")}  # from the tokenizer_config.json convert() copies
    lines = translator.translate(sample_lines[:2], "en", "es", n_best=3)
    assert [len(candidates) for candidates in lines] == [3, 3]
    scores = [c.score for c in lines[0]]
    assert scores == sorted(scores, reverse=True) and all(isinstance(s, float) for s in scores)


def test_nllb_uses_its_language_codes(tiny_nllb):
    nllb = MarianTranslator(tiny_nllb, beam_size=2, threads=1)
    assert nllb.kind == "nllb" and {("en", "es"), ("es", "fr"), ("pt", "en")} <= nllb.pairs()
    line = ["Good morning Maya, did you finish the report?"]
    to_spanish = nllb.translate(line, "en", "es", n_best=2)[0]
    assert len(to_spanish) == 2
    # the forced first token, the target's code, steers even a random model
    assert [c.text for c in to_spanish] != [c.text for c in nllb.translate(line, "en", "fr", n_best=2)[0]]
    nllb.translate(line, "it", "es")
    assert nllb.tokenizer(line)["input_ids"][0][0] == nllb.tokenizer.convert_tokens_to_ids("ita_Latn")


def test_incomplete_folders_name_what_is_missing(tiny_marian, copy_of, tmp_path):
    with pytest.raises(MissingModelError, match="has no config.json"):
        check_folder(tmp_path)
    broken = copy_of(tiny_marian)
    (broken / "vocab.json").unlink()
    (broken / "model.safetensors").unlink()
    with pytest.raises(MissingModelError,
                       match=r"incomplete \(vocab.json; model.safetensors or .*pytorch_model.bin"):
        MarianTranslator(broken)
    with pytest.raises(MissingModelError, match=r"incomplete \(model.bin; .*shared_vocabulary.json"):
        check_ct2_folder(tiny_marian)


def test_multi_target_opus_mt_picks_the_target_by_token(tmp_path):
    vocabulary = ["</s>", ">>spa<<", ">>fra<<", ">>xyz<<", "▁hola"]
    assert marian_languages(tmp_path, vocabulary, "en", None) == ("en", {"es": ">>spa<<", "fr": ">>fra<<"})
    with pytest.raises(Exception, match="does not say which languages"):
        marian_languages(tmp_path, ["▁hola"], None, None)
