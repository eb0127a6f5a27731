"""Embedded speaker diarization without a diarization model: Silero VAD finds the speech,
Resemblyzer embeds it in chunks of at most 3 s, and agglomerative clustering (cosine distance,
average linkage) groups the chunks into speakers, automatically or into a given number.

VAD regions split at pauses, so a chunk rarely straddles a change of speaker; a change inside a
region without a pause is placed at a chunk edge (within about 1.5 s). pyannote is the studio
backend for dense, overlapping conversation.
"""

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from dubstudio.speech.types import PROJECT_RATE, SPEECH_RATE, Turn

CHUNK_S = 3.0
# A second of speech or less embeds unreliably ("Almost," alone lands far from its own speaker), so
# only longer chunks form the clusters and short ones join the nearest speaker afterwards.
RELIABLE_S = 1.5
# Cosine distance between two speakers' voices: the same voice measured about 0.14 here, different
# voices 0.4-0.56 (MODELS.md), so 0.3 splits them with room on both sides.
DISTANCE_THRESHOLD = 0.3
UP = PROJECT_RATE // SPEECH_RATE

Progress = Callable[[str, int, int, str], None]


@dataclass
class Diarization:
    turns: list[Turn]
    speech: list[tuple[int, int]] = field(default_factory=list)  # VAD regions, project samples
    embeddings: dict[str, list[float]] = field(default_factory=dict)  # mean voice of each speaker


def chunks(regions: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Regions cut into near-equal pieces of at most size samples."""
    out = []
    for start, end in regions:
        count = max(1, math.ceil((end - start) / size))
        edges = np.linspace(start, end, count + 1).round().astype(int)
        out += list(zip(edges[:-1].tolist(), edges[1:].tolist()))
    return out


def cluster(embeddings: np.ndarray, num_speakers: int | None, threshold: float = DISTANCE_THRESHOLD) -> np.ndarray:
    """A cluster number per embedding, 0-based, numbered in order of first appearance."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(embeddings) < 2:
        return np.zeros(len(embeddings), int)
    tree = linkage(embeddings, method="average", metric="cosine")
    if num_speakers:
        raw = fcluster(tree, t=min(num_speakers, len(embeddings)), criterion="maxclust")
    else:
        raw = fcluster(tree, t=threshold, criterion="distance")
    order = {label: index for index, label in enumerate(dict.fromkeys(raw.tolist()))}
    return np.array([order[label] for label in raw.tolist()])


def assign(embeddings: np.ndarray, reliable: np.ndarray, num_speakers: int | None) -> np.ndarray:
    """Cluster the reliable embeddings, then give every other one its nearest cluster's label."""
    if not reliable.any():
        return cluster(embeddings, num_speakers)
    labels = np.zeros(len(embeddings), int)
    labels[reliable] = cluster(embeddings[reliable], num_speakers)
    centroids = np.stack([embeddings[reliable][labels[reliable] == k].mean(axis=0)
                          for k in range(labels[reliable].max() + 1)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    labels[~reliable] = np.argmax(embeddings[~reliable] @ centroids.T, axis=1)
    # renumber in order of first appearance, as cluster() does
    order = {label: index for index, label in enumerate(dict.fromkeys(labels.tolist()))}
    return np.array([order[label] for label in labels.tolist()])


class EmbeddedDiarizer:
    def __init__(self):
        from resemblyzer import VoiceEncoder
        from silero_vad import load_silero_vad

        self.vad = load_silero_vad(onnx=True)
        self.encoder = VoiceEncoder("cpu", verbose=False)

    def speech_regions(self, audio: np.ndarray) -> list[tuple[int, int]]:
        """Speech in 16 kHz samples."""
        import torch
        from silero_vad import get_speech_timestamps

        found = get_speech_timestamps(torch.from_numpy(np.ascontiguousarray(audio, np.float32)), self.vad,
                                      sampling_rate=SPEECH_RATE, min_silence_duration_ms=250,
                                      min_speech_duration_ms=200, speech_pad_ms=30)
        return [(int(item["start"]), int(item["end"])) for item in found]

    def diarize(self, audio: np.ndarray, num_speakers: int | None = None,
                progress: Progress | None = None) -> Diarization:
        """audio: mono float32 at 16 kHz."""
        regions = self.speech_regions(audio)
        if progress:
            progress("voice activity", 1, 1, f"{len(regions)} speech regions")
        if not regions:
            return Diarization([], [])
        pieces = chunks(regions, int(CHUNK_S * SPEECH_RATE))
        embeddings = np.zeros((len(pieces), 256), np.float32)
        for index, (start, end) in enumerate(pieces):
            embeddings[index] = self.encoder.embed_utterance(audio[start:end])
            if progress:
                progress("speaker embeddings", index + 1, len(pieces), "")
        lengths = np.array([end - start for start, end in pieces])
        labels = assign(embeddings, lengths >= RELIABLE_S * SPEECH_RATE, num_speakers)
        turns: list[Turn] = []
        for (start, end), label in zip(pieces, labels):
            speaker = f"S{label + 1}"
            if turns and turns[-1].speaker == speaker and turns[-1].end == start * UP:
                turns[-1] = Turn(turns[-1].start, end * UP, speaker)
            else:
                turns.append(Turn(start * UP, end * UP, speaker))
        voices = {}
        for label in sorted(set(labels.tolist())):
            mean = embeddings[labels == label].mean(axis=0)
            voices[f"S{label + 1}"] = (mean / np.linalg.norm(mean)).tolist()
        return Diarization(turns, [(start * UP, end * UP) for start, end in regions], voices)
