"""Measuring a voice's speaking rate for length.py: synthesise calibration sentences, time the
speech, and fit samples = per_syllable * syllables + per_pause * pauses + fixed.

    python -m dubstudio.translation.calibrate      # all stock voices; rewrites rates.py (minutes)
"""

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from dubstudio.timing import SAMPLE_RATE as PROJECT_RATE
from dubstudio.translation.length import SpeechRate, pauses, syllables

# Dialogue-like lines of varied length and punctuation, without digits (their reading varies).
SENTENCES = {
    "es": ["Hola.", "¿Dónde está la estación de tren?", "No lo sé, pregúntale a tu hermana.",
           "Mañana por la mañana vamos a visitar a nuestros abuelos en el pueblo.",
           "Espera, ¿de verdad crees que podemos terminar todo esto antes de la noche?",
           "El informe está casi listo, pero todavía tengo que revisar las cifras.",
           "Gracias por tu ayuda.", "Nos vemos luego, y no olvides tu paraguas.",
           "La reunión con la directora empieza a las diez; por favor, avisa a los demás.",
           "Si hace buen tiempo, caminaremos junto al río hasta el puente viejo."],
    "en": ["Hello.", "Where is the train station?", "I don't know, ask your sister.",
           "Tomorrow morning we are going to visit our grandparents in the village.",
           "Wait, do you really think we can finish all of this before tonight?",
           "The report is almost ready, but I still have to check the figures.",
           "Thank you for your help.", "See you later, and don't forget your umbrella.",
           "The meeting with the director starts at ten; please tell the others.",
           "If the weather is nice, we will walk along the river to the old bridge."],
    "fr": ["Bonjour.", "Où est la gare ?", "Je ne sais pas, demande à ta sœur.",
           "Demain matin, nous allons rendre visite à nos grands-parents au village.",
           "Attends, tu crois vraiment qu'on peut finir tout ça avant ce soir ?",
           "Le rapport est presque prêt, mais je dois encore vérifier les chiffres.",
           "Merci pour ton aide.", "À plus tard, et n'oublie pas ton parapluie.",
           "La réunion avec la directrice commence à dix heures ; préviens les autres, s'il te plaît.",
           "S'il fait beau, nous marcherons le long de la rivière jusqu'au vieux pont."],
    "pt": ["Olá.", "Onde fica a estação de comboios?", "Não sei, pergunta à tua irmã.",
           "Amanhã de manhã vamos visitar os nossos avós na aldeia.",
           "Espera, achas mesmo que conseguimos acabar tudo isto antes da noite?",
           "O relatório está quase pronto, mas ainda tenho de verificar os números.",
           "Obrigado pela tua ajuda.", "Até logo, e não te esqueças do guarda-chuva.",
           "A reunião com a diretora começa às dez; por favor, avisa os outros.",
           "Se estiver bom tempo, vamos caminhar ao longo do rio até à ponte velha."],
    "it": ["Ciao.", "Dov'è la stazione dei treni?", "Non lo so, chiedi a tua sorella.",
           "Domani mattina andiamo a trovare i nostri nonni al paese.",
           "Aspetta, pensi davvero che possiamo finire tutto questo prima di stasera?",
           "Il rapporto è quasi pronto, ma devo ancora controllare le cifre.",
           "Grazie per il tuo aiuto.", "A più tardi, e non dimenticare l'ombrello.",
           "La riunione con la direttrice inizia alle dieci; per favore, avvisa gli altri.",
           "Se fa bel tempo, cammineremo lungo il fiume fino al ponte vecchio."],
}


def speech_span(audio: np.ndarray, sample_rate: int) -> float:
    """Seconds from the first to the last 10 ms frame louder than 30 dB under the loudest: what is
    spoken, without the silence a synthesizer leaves around it."""
    frame = max(sample_rate // 100, 1)
    usable = len(audio) // frame * frame
    if usable == 0:
        return 0.0
    rms = np.sqrt(np.mean(np.square(audio[:usable].reshape(-1, frame), dtype=np.float64), axis=1))
    loud = np.flatnonzero(rms > rms.max() / 31.6)
    return (loud[-1] - loud[0] + 1) * frame / sample_rate


def fit(texts: Sequence[str], seconds: Sequence[float], language: str) -> tuple[SpeechRate, float]:
    """The least-squares rate (coefficients kept non-negative) and its mean absolute error as a
    fraction of the true duration."""
    from scipy.optimize import nnls

    features = np.array([[syllables(t, language), pauses(t), 1.0] for t in texts])
    target = np.asarray(seconds, dtype=np.float64) * PROJECT_RATE
    coefficients, _ = nnls(features, target)
    rate = SpeechRate(*(float(c) for c in coefficients))
    predicted = np.array([rate.samples(t, language) for t in texts])
    return rate, float(np.mean(np.abs(predicted - target) / target))


def calibrate(synthesize: Callable[[str], np.ndarray], sample_rate: int, language: str,
              sentences: Sequence[str] | None = None) -> tuple[SpeechRate, float]:
    """Fit one voice in one language; synthesize(text) returns mono audio at sample_rate."""
    sentences = list(sentences or SENTENCES[language])
    return fit(sentences, [speech_span(synthesize(s), sample_rate) for s in sentences], language)


def write_rates(rates: dict[tuple[str, str, str], tuple[SpeechRate, float]], path: Path) -> None:
    lines = ['"""Speaking rates measured by calibrate.py (generated: do not edit by hand).', "",
             "(backend, voice, language): (per_syllable, per_pause, fixed) in project samples, and the",
             'fit\'s mean absolute error as a fraction of the duration."""', "", "RATES = {"]
    for (backend, voice, language), (rate, error) in sorted(rates.items()):
        lines.append(f"    ({backend!r}, {voice!r}, {language!r}): ({rate.per_syllable:.1f}, "
                     f"{rate.per_pause:.1f}, {rate.fixed:.1f}, {error:.3f}),")
    path.write_text("\n".join(lines + ["}", ""]), encoding="utf-8")


def main() -> None:
    from dubstudio.engine.backends.kokoro import Kokoro
    from dubstudio.engine.backends.piper import Piper

    kokoro, piper = Kokoro(), Piper()
    rates = {}
    for voice in kokoro.voices:
        for language in SENTENCES:
            rates["kokoro", voice, language] = calibrate(
                lambda text, v=voice, lang=language: kokoro.synthesize(text, v, lang), kokoro.sample_rate,
                language)
            print("kokoro", voice, language, rates["kokoro", voice, language], file=sys.stderr)
    rates["piper", "en_US-joe-medium", "en"] = calibrate(piper.synthesize, piper.sample_rate, "en")
    write_rates(rates, Path(__file__).with_name("rates.py"))


if __name__ == "__main__":
    main()
