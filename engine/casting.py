"""Embedded voice casting: for a speaker, the stock voice, blend of Kokoro styles and pitch shift
whose speech sounds most like the speaker's reference audio, by Resemblyzer similarity.

The search is greedy and small (about ten renders of one sentence): every stock voice, then the
best one 2 semitones up and down (and 4 in the direction that helped), then blends of the two best
at that pitch.
"""

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from dubstudio import paths
from dubstudio.voices.spec import VoiceSpec

CACHE_VERSION = 1  # bump when rendering changes what a voice sounds like (pace, trimming)

# One natural sentence per language, about 2.5 s spoken: over one Resemblyzer window (1.6 s) for a
# stable embedding, and short, because casting renders it about ten times.
CALIBRATION = {
    "en": "Good morning, I hope your trip was pleasant and calm.",
    "es": "Buenos días, espero que el viaje fuera tranquilo.",
    "fr": "Bonjour, j'espère que le voyage était tranquille.",
    "it": "Buongiorno, spero che il viaggio sia stato tranquillo.",
    "pt": "Bom dia, espero que a viagem tenha sido tranquila.",
    "ca": "Bon dia, espero que el viatge fos tranquil.",
}
PITCH_STEP = 2.0
BLEND_WEIGHTS = (0.3, 0.5)


@dataclass
class Casting:
    spec: VoiceSpec
    similarity: float
    tried: list[tuple[str, float]]  # every candidate's label and similarity, best first


def calibration_sentence(language: str) -> str:
    return CALIBRATION.get(language.split("-")[0], CALIBRATION["en"])


def embed(encoder, audio48k: np.ndarray) -> np.ndarray:
    from scipy.signal import resample_poly

    return encoder.embed_utterance(resample_poly(audio48k, 1, 3).astype(np.float32))


def voice_embedding(voices, encoder, spec: VoiceSpec, language: str, sentence: str) -> np.ndarray:
    """A candidate voice's embedding. It does not depend on the speaker being cast, so it is kept
    on disk: after the first casting in a language, the search costs almost nothing."""
    key = hashlib.sha256(json.dumps([CACHE_VERSION, spec.as_dict(), language, sentence]).encode()).hexdigest()
    path = paths.cache_dir("casting") / f"{key[:32]}.npy"
    if path.is_file():
        return np.load(path, allow_pickle=False)
    vector = embed(encoder, voices.render(spec, sentence, language))
    partial = path.with_name(path.stem + ".partial.npy")
    np.save(partial, vector, allow_pickle=False)
    partial.replace(path)
    return vector


def cast_speaker(voices, encoder, reference48k: np.ndarray, language: str) -> Casting:
    """The embedded voice closest to the reference audio, speaking `language`."""
    target = embed(encoder, reference48k)
    sentence = calibration_sentence(language)
    scored: dict[VoiceSpec, float] = {}

    def score(spec: VoiceSpec) -> float:
        if spec not in scored:
            scored[spec] = float(np.dot(target, voice_embedding(voices, encoder, spec, language, sentence)))
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
