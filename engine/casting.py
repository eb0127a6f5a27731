"""Embedded voice casting: for a speaker, the stock voice, blend of Kokoro styles and pitch shift
whose speech sounds most like the speaker's reference audio, by Resemblyzer similarity.

The search is greedy and small (about ten renders of one sentence): every stock voice, then the
best one 2 semitones up and down (and 4 in the direction that helped), then blends of the two best
at that pitch.
"""

from dataclasses import dataclass

import numpy as np

from dubstudio.voices.spec import VoiceSpec

# One natural sentence per language, long enough (3-4 s) for a stable speaker embedding.
CALIBRATION = {
    "en": "Good morning, I hope you had a pleasant trip and that the hotel was comfortable.",
    "es": "Buenos días, espero que hayas tenido un buen viaje y que el hotel fuera cómodo.",
    "fr": "Bonjour, j'espère que tu as fait un bon voyage et que l'hôtel était confortable.",
    "it": "Buongiorno, spero che tu abbia fatto un buon viaggio e che l'albergo fosse comodo.",
    "pt": "Bom dia, espero que você tenha feito uma boa viagem e que o hotel fosse confortável.",
    "ca": "Bon dia, espero que hagis fet un bon viatge i que l'hotel fos còmode.",
}
PITCH_STEP = 2.0
BLEND_WEIGHTS = (0.3, 0.5)


@dataclass
class Casting:
    spec: VoiceSpec
    similarity: float
    tried: list[tuple[str, float]]  # every candidate's label and similarity, best first


def embed(encoder, audio48k: np.ndarray) -> np.ndarray:
    from scipy.signal import resample_poly

    return encoder.embed_utterance(resample_poly(audio48k, 1, 3).astype(np.float32))


def cast_speaker(voices, encoder, reference48k: np.ndarray, language: str) -> Casting:
    """The embedded voice closest to the reference audio, speaking `language`."""
    target = embed(encoder, reference48k)
    sentence = CALIBRATION.get(language.split("-")[0], CALIBRATION["en"])
    scored: dict[VoiceSpec, float] = {}

    def score(spec: VoiceSpec) -> float:
        if spec not in scored:
            scored[spec] = float(np.dot(target, embed(encoder, voices.render(spec, sentence, language))))
        return scored[spec]

    stock = [VoiceSpec("kokoro", name) for name in voices.runner("kokoro").voices]
    if language.startswith("en"):
        stock.append(VoiceSpec("piper", "en_US-joe-medium"))
    ranked = sorted(stock, key=score, reverse=True)
    best = ranked[0]
    pitch = 0.0
    for direction in (-1, 1):
        step = VoiceSpec(best.backend, best.voice, pitch=direction * PITCH_STEP)
        if score(step) > score(best) and score(step) > score(VoiceSpec(best.backend, best.voice, pitch=pitch)):
            pitch = step.pitch
    if pitch:
        further = VoiceSpec(best.backend, best.voice, pitch=2 * pitch)
        pitch = further.pitch if score(further) > score(VoiceSpec(best.backend, best.voice, pitch=pitch)) else pitch
    kokoro = [spec for spec in ranked if spec.backend == "kokoro"][:2]
    if len(kokoro) == 2:
        for weight in BLEND_WEIGHTS:
            score(VoiceSpec("kokoro", blend=((kokoro[0].voice, weight), (kokoro[1].voice, round(1 - weight, 2))),
                            pitch=pitch))
    winner = max(scored, key=scored.get)
    tried = sorted(((spec.label(), round(value, 4)) for spec, value in scored.items()), key=lambda x: -x[1])
    return Casting(winner, scored[winner], tried)
