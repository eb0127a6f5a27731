"""Length awareness: syllables from spelling, a voice's calibrated rate, and the choice of the
candidate that fits a line's slot."""

import numpy as np
import pytest

from dubstudio.translation.calibrate import fit, speech_span
from dubstudio.timing import SAMPLE_RATE as PROJECT_RATE
from dubstudio.translation.length import (
    FitWindow,
    SpeechRate,
    choose,
    pauses,
    speech_rate,
    syllables,
    with_estimates,
)
from dubstudio.translation.rates import RATES
from dubstudio.translation.types import Candidate, Flag


@pytest.mark.parametrize("text, language, count", [
    ("¿Dónde está la estación de tren?", "es", 10),  # dón-de es-tá la es-ta-ción de tren
    ("día aéreo ciudad cuento hoy ayer", "es", 13),  # dí-a a-é-re-o ciu-dad cuen-to hoy a-yer
    ("Mañana por la mañana vamos a visitar a nuestros abuelos.", "es", 20),
    ("I don't know, ask your sister at the table.", "en", 11),
    ("Je ne sais pas, demande à ta sœur.", "fr", 9),
    ("Não sei, estação.", "pt", 5),
    ("Ci vediamo alle 10", "it", 9),  # a digit is about a syllable and a half
])
def test_syllables_from_spelling(text, language, count):
    assert syllables(text, language) == count


def test_pauses_are_breaks_inside_the_line():
    assert pauses("Wait, at 10:30 - no. Then go; ok.") == 4
    assert pauses("Just one sentence.") == 0


def test_estimate_is_linear_in_syllables_and_pauses():
    rate = SpeechRate(per_syllable=8000, per_pause=12000, fixed=4000)
    assert rate.samples("Hola, ¿qué tal?", "es") == 8000 * 4 + 12000 + 4000
    assert rate.samples("  ", "es") == 0


def test_rates_fall_back_from_voice_to_backend_to_language():
    kokoro_es = [key for key in RATES if key[0] == "kokoro" and key[2] == "es"]
    assert len(kokoro_es) == 5 and ("piper", "en_US-joe-medium", "en") in RATES
    assert all(error < 0.2 for *_, error in RATES.values())  # the fit explains the durations
    known = speech_rate(*kokoro_es[0])
    assert known == SpeechRate(*RATES[kokoro_es[0]][:3])
    average = speech_rate("kokoro", "a cloned voice", "es")
    rates = [RATES[key][0] for key in kokoro_es]
    assert average.per_syllable == pytest.approx(sum(rates) / len(rates))
    assert speech_rate("xtts", "anyone", "es").per_syllable == pytest.approx(average.per_syllable)
    assert speech_rate("xtts", "anyone", "de").per_syllable > 0


@pytest.mark.slow
def test_the_stored_rate_predicts_kokoro_on_a_line_it_was_not_fitted_on():
    from dubstudio.engine.backends.kokoro import Kokoro

    line = "Gracias por tu ayuda, nos vemos en la reunión con el director."
    spoken = speech_span(Kokoro(threads=1).synthesize(line, "jm_kumo", "es"), 24000) * PROJECT_RATE
    assert speech_rate("kokoro", "jm_kumo", "es").samples(line, "es") == pytest.approx(spoken, rel=0.15)


def test_calibration_recovers_a_known_rate():
    rate = SpeechRate(per_syllable=7000, per_pause=15000, fixed=2000)
    texts = ["Hola.", "Buenos días, Maya.", "No lo sé; pregúntale a tu hermana, por favor.",
             "Mañana vamos a visitar a nuestros abuelos en el pueblo.", "Gracias por tu ayuda."]
    fitted, error = fit(texts, [rate.samples(t, "es") / PROJECT_RATE for t in texts], "es")
    assert error < 1e-3
    assert fitted.per_syllable == pytest.approx(7000, rel=1e-3)
    assert fitted.per_pause == pytest.approx(15000, rel=1e-2)


def test_speech_span_ignores_silence_around_speech():
    rng = np.random.default_rng(0)
    audio = np.concatenate([np.zeros(2400), 0.3 * rng.standard_normal(24000), np.full(4800, 1e-4)])
    assert speech_span(audio.astype(np.float32), 24000) == pytest.approx(1.0, abs=0.01)


def candidates(*seconds, flagged=()):
    return [Candidate(f"c{i}", "test", estimated_samples=round(s * PROJECT_RATE),
                      flags=(Flag("glossary", "missing"),) if i in flagged else ())
            for i, s in enumerate(seconds)]


SLOT = 2 * PROJECT_RATE


def test_choose_takes_the_first_candidate_that_fits():
    assert choose(candidates(2.6, 1.9, 2.0), SLOT) == 1  # the backend's better one that fits
    assert choose(candidates(2.05, 1.7), SLOT) == 0  # 2.5% over and 15% short both fit


def test_choose_misses_by_least_when_nothing_fits_and_overrunning_costs_double():
    assert choose(candidates(3.0, 2.4, 1.0), SLOT) == 1
    # 0.3 s over (1.10 > 1.05, cost 0.1) loses to 0.5 s short (0.75 < 0.8, cost 0.05)
    assert choose(candidates(2.3, 1.5), SLOT) == 1
    assert choose(candidates(2.3, 1.5), SLOT, FitWindow(overrun_weight=0.5)) == 0


def test_choose_prefers_a_candidate_that_honours_the_glossary():
    assert choose(candidates(2.0, 3.0, flagged={0}), SLOT) == 1


def test_with_estimates_keeps_every_candidate():
    rate = SpeechRate(per_syllable=8000, per_pause=0)
    estimated = with_estimates([Candidate("Hola", "a"), Candidate("Buenos días", "a", -0.5)], "es", rate)
    assert [(c.text, c.score, c.estimated_samples) for c in estimated] == [
        ("Hola", None, 16000), ("Buenos días", -0.5, 32000)]
