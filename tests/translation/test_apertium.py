"""Apertium, the embedded default, on real sentences: the sample script into Spanish, line
boundaries kept in a batch, the glossary and protected spans honoured, pivoting through Spanish."""

import re

import pytest
from dubstudio.engine.backends.apertium import Apertium

from dubstudio.translation.glossary import Glossary
from dubstudio.translation.pairs import UnsupportedPairError
from dubstudio.translation.translate import translate_lines

MARKS = re.compile(r"[*#@]\w")


@pytest.fixture(scope="module")
def apertium():
    return Apertium()


def test_pairs_include_direct_and_pivoted_through_spanish(apertium):
    assert {("en", "es"), ("es", "en"), ("es", "fr"), ("en", "ca")} <= apertium.pairs()
    assert apertium.routes["en", "es"] == ("eng-spa",)
    assert apertium.routes["en", "fr"] == ("eng-spa", "es-fr")
    assert apertium.routes["en", "pt"][0] == "eng-spa" and apertium.routes["it", "en"][-1] == "spa-eng"


def test_sample_script_into_spanish_in_one_batch(apertium, sample_lines):
    candidates = translate_lines(apertium, sample_lines, "en", "es")
    texts = [line[0].text for line in candidates]
    assert len(texts) == len(sample_lines)
    assert texts[2] == "Tenemos una reunión con el director en diez en punto."
    assert texts[9].startswith("Gracias")
    assert "paraguas" in texts[10] and "Daniel" in texts[10]
    assert all(text and text != source and not MARKS.search(text)
               for text, source in zip(texts, sample_lines, strict=True))
    assert {line[0].backend for line in candidates} == {"apertium:eng-spa"}


def test_a_batch_keeps_each_line_to_itself(apertium):
    # a transfer rule moves "house" across a newline ("Vi la casa / grande"); lines must not mix
    lines = ["I saw the big", "house and the new", "red car"]
    texts = [candidates[0].text for candidates in apertium.translate(lines, "en", "es")]
    assert "casa" not in texts[0].lower() and "casa" in texts[1].lower() and "coche" in texts[2].lower()


def test_glossary_terms_are_in_the_output(apertium, sample_lines):
    glossary = Glossary.of({"train station": "estación de tren", "report": "informe", "Maya": None})
    [[candidate]] = translate_lines(apertium, [sample_lines[0]], "en", "es", glossary)
    # Apertium alone says "la #canal de tren" for train station
    assert "estación de tren" in candidate.text and "informe" in candidate.text and "Maya" in candidate.text
    assert candidate.flags == ()


def test_protected_spans_survive_a_direct_and_a_pivoted_route(apertium):
    line = "Write to ana@example.org or visit https://example.com/news?id=7 before 10:30, #dub @studio 3.5%."
    for target in ("es", "fr"):
        [[candidate]] = translate_lines(apertium, [line], "en", target)
        for span in ("ana@example.org", "https://example.com/news?id=7", "10:30", "#dub", "@studio", "3.5%"):
            assert span in candidate.text, (target, candidate.text)
        assert candidate.flags == ()


def test_pivot_to_french_through_spanish(apertium, sample_lines):
    [[morning], [later]] = translate_lines(apertium, [sample_lines[0], sample_lines[10]], "en", "fr")
    assert morning.backend == "apertium:eng-spa+es-fr"
    assert morning.text.startswith("Bonjour Maya") and "parapluie" in later.text


def test_unknown_word_marks_and_their_stray_capital_are_removed(apertium):
    [[candidate]] = translate_lines(apertium, ["Zorblax is here."], "en", "es")
    assert candidate.text == "Zorblax es aquí."  # Apertium: "*Zorblax Es aquí."


def test_unsupported_pair_lists_the_pairs_there_are(apertium):
    with pytest.raises(UnsupportedPairError, match=r"en->de.*en->es, en->fr"):
        apertium.translate(["Hello."], "en", "de")
