"""Glossary enforcement: placeholders in, replacements out, a QA flag when a term is missing, and
translate_lines putting candidates that honour the glossary first."""

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dubstudio.translation.glossary import Glossary
from dubstudio.translation.pairs import UnsupportedPairError, available_pairs, translator_for
from dubstudio.translation.protect import protect, restore
from dubstudio.translation.translate import translate_lines
from dubstudio.translation.types import Candidate

GLOSSARY = Glossary.of({"train station": "estación de tren", "Maya": None, "station": "estación"})


def test_protect_swaps_terms_and_automatic_spans_for_placeholders():
    protected = protect("Maya's train  station, https://x.org/a. 10:30 and 10th for @ana #dub a@b.co",
                        GLOSSARY)
    assert protected.text == "zxq0's zxq1, zxq2. zxq3 and 10th for zxq4 zxq5 zxq6"
    assert [(s.original, s.replacement) for s in protected.slots][:4] == [
        ("Maya", "Maya"), ("train  station", "estación de tren"), ("https://x.org/a", "https://x.org/a"),
        ("10:30", "10:30")]


def test_placeholders_never_collide_with_the_text():
    assert protect("zxq0 at 9", None).text == "zxq0 at zxqq0"


def test_restore_puts_spans_back_and_flags_lost_ones():
    protected = protect("Train station at 10:30, see www.a.org", GLOSSARY)
    text, lost = restore("ZXQ0 a las zxq1", protected)  # a backend changed case and dropped the URL
    assert text == "Estación de tren a las 10:30"
    assert [flag.code for flag in lost] == ["protected"] and "www.a.org" in lost[0].message


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("aZ5 .,:/@#%'_-éx") + ["Maya", "train station", "https://", "zxq",
                                                              "10:30", "\n"]), max_size=30).map("".join))
def test_a_backend_that_copies_the_line_gets_it_back_unchanged(text):
    protected = protect(text, Glossary.of({"Maya": None, "train station": None}))
    assert restore(protected.text, protected) == (text, ())


def test_check_flags_a_missing_required_term_or_a_translated_name():
    flags = GLOSSARY.check("Maya is at the train station.", "Maya está en la canal de tren.")
    assert [f.code for f in flags] == ["glossary"] and "'estación de tren' is missing" in flags[0].message
    assert GLOSSARY.check("Maya is at the train station.", "Maya está en la estación de tren.") == ()
    assert "must stay untranslated" in GLOSSARY.check("Hi Maya", "Hola Maia")[0].message


@dataclass
class Echo:
    """A backend that returns given candidates per line, whatever the line."""

    outputs: list[str]
    name: str = "echo"
    batch_size: int = 32
    seen: list[list[str]] = field(default_factory=list)

    def pairs(self):
        return frozenset({("en", "es")})

    def translate(self, lines, source, target, n_best=1):
        self.seen.append(list(lines))
        return [[Candidate(out.replace("LINE", line), self.name, -0.1 * i)
                 for i, out in enumerate(self.outputs)] for line in lines]


def test_translate_lines_restores_dedupes_and_puts_glossary_misses_last():
    backend = Echo(["canal LINE", "LINE", "LINE ", "zxq1 LINE"])
    progress = []
    result = translate_lines(backend, ["train station 5", "  ", "x"], "en", "es", GLOSSARY, n_best=4,
                             batch_size=1, progress=lambda *a: progress.append(a[1:3]))
    assert backend.seen == [["zxq0 zxq1"], ["x"]]  # blank lines never reach the backend
    first, blank, last = result
    # "LINE " spells the same translation as "LINE": one candidate
    assert [c.text for c in first] == [
        "canal estación de tren 5", "estación de tren 5", "5 estación de tren 5"]
    assert [c.score for c in first] == pytest.approx([0.0, -0.1, -0.3])
    assert blank == [] and [c.text for c in last] == ["canal x", "x", "zxq1 x"]
    assert progress == [(1, 2), (2, 2)]


def test_translate_lines_flags_and_demotes_a_candidate_without_the_term():
    [[kept, missed]] = translate_lines(Echo(["canal de tren", "la zxq0"]), ["the train station"], "en", "es",
                                       GLOSSARY, n_best=2)
    assert kept.text == "la estación de tren" and kept.flags == ()
    assert missed.text == "canal de tren" and missed.flags[0].code == "glossary"


def test_pairs_across_backends_and_an_error_listing_them():
    other = Echo([])
    other.name, other.pairs = "other", lambda: frozenset({("en", "fr"), ("en", "es")})
    backends = [Echo([]), other]
    assert available_pairs(backends) == {("en", "es"): ("echo", "other"), ("en", "fr"): ("other",)}
    assert translator_for(backends, "en", "fr") is other
    with pytest.raises(UnsupportedPairError, match=r"translates en->de \(available: en->es, en->fr\)"):
        translator_for(backends, "en", "de")
    with pytest.raises(UnsupportedPairError, match="echo does not translate en->fr"):
        translate_lines(backends[0], ["hi"], "en", "fr")
