"""A voice's natural pace in a language: the speed at which it speaks as fast as people do.

Kokoro's voices are Japanese speakers and speak Spanish at about 5 syllables a second, where Spanish
speakers average 7.8; a dubbing actor speaks at the language's pace. So each calibrated voice gets a
base speed, the language's average rate over the voice's measured rate (between 1.0 and 1.15: faster than
that, Kokoro starts to slur, as back-transcription shows), and the fitting limits apply on top of it.
"""

from dubstudio.translation.length import SpeechRate, speech_rate

from dubstudio.timing import SAMPLE_RATE as RATE
MAX_BASE = 1.15

# Syllables per second in read speech: Pellegrino, Coupé and Marsico (2011), "A cross-language
# perspective on speech information rate", Language 87(3). Languages not measured there keep 1.0.
NATURAL_SYLLABLE_RATE = {"en": 6.19, "fr": 7.18, "de": 5.97, "it": 6.99, "ja": 7.84, "zh": 5.18, "es": 7.82}


def base_speed(backend: str, voice: str, language: str) -> float:
    natural = NATURAL_SYLLABLE_RATE.get(language.split("-")[0])
    if natural is None:
        return 1.0
    try:
        measured = RATE / speech_rate(backend, voice, language).per_syllable
    except LookupError:
        return 1.0
    return round(min(MAX_BASE, max(1.0, natural / measured)), 3)


def paced_rate(backend: str, voice: str, language: str) -> SpeechRate:
    """The voice's timing at its natural pace, for estimating how long a translation will take."""
    rate, base = speech_rate(backend, voice, language), base_speed(backend, voice, language)
    return SpeechRate(rate.per_syllable / base, rate.per_pause / base, rate.fixed / base)
