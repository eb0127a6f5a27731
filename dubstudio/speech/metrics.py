"""How good a transcript and a diarization are against a known truth: word error rate, and
diarization error rate (NIST style: missed + false alarm + confusion over reference speech, with a
250 ms no-score collar around reference boundaries and the best one-to-one speaker mapping)."""

import re
import unicodedata

import numpy as np

from dubstudio.speech.types import PROJECT_RATE

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NOT_WORD = re.compile(r"[^\w' ]+")


def normalize(text: str, language: str = "en") -> list[str]:
    """Lower case, numbers as words, punctuation gone: "At 10 o'clock." -> at ten o'clock."""
    from num2words import num2words

    text = unicodedata.normalize("NFKC", text).lower()
    text = _NUMBER.sub(lambda m: " " + num2words(float(m.group().replace(",", ".")) if "." in m.group()
                                                  or "," in m.group() else int(m.group()), lang=language) + " ",
                       text)
    text = _NOT_WORD.sub(" ", text.replace("-", " "))
    return [word.strip("'") for word in text.split() if word.strip("'")]


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


def word_error_rate(reference: str, hypothesis: str, language: str = "en") -> float:
    ref, hyp = normalize(reference, language), normalize(hypothesis, language)
    return edit_distance(ref, hyp) / max(1, len(ref))


def character_error_rate(reference: str, hypothesis: str, language: str = "en") -> float:
    ref, hyp = " ".join(normalize(reference, language)), " ".join(normalize(hypothesis, language))
    return edit_distance(list(ref), list(hyp)) / max(1, len(ref))


def diarization_error_rate(reference: list[tuple[int, int, str]], hypothesis: list[tuple[int, int, str]],
                           collar: int = PROJECT_RATE // 4, step: int = PROJECT_RATE // 100) -> float:
    """Spans are (start, end, speaker) in project samples."""
    from scipy.optimize import linear_sum_assignment

    end = max([e for _, e, _ in reference + hypothesis] or [0])
    frames = end // step + 1
    ref_names = sorted({s for _, _, s in reference})
    hyp_names = sorted({s for _, _, s in hypothesis})
    ref = np.zeros((len(ref_names), frames), bool)
    hyp = np.zeros((len(hyp_names), frames), bool)
    for start, stop, speaker in reference:
        ref[ref_names.index(speaker), start // step:stop // step] = True
    for start, stop, speaker in hypothesis:
        hyp[hyp_names.index(speaker), start // step:stop // step] = True
    scored = np.ones(frames, bool)
    for start, stop, _ in reference:
        for edge in (start, stop):
            scored[max(0, (edge - collar) // step):(edge + collar) // step] = False
    ref, hyp = ref[:, scored], hyp[:, scored]
    ref_count, hyp_count = ref.sum(axis=0), hyp.sum(axis=0)
    total = ref_count.sum()
    if total == 0:
        return 0.0
    # the mapping that maximises the time both agree on
    overlap = ref.astype(np.int64) @ hyp.T.astype(np.int64)
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    correct = overlap[rows, cols].sum() if len(rows) else 0
    missed_or_confused = np.minimum(ref_count, hyp_count).sum() - correct
    missed = np.maximum(ref_count - hyp_count, 0).sum()
    false_alarm = np.maximum(hyp_count - ref_count, 0).sum()
    return float((missed + false_alarm + missed_or_confused) / total)
