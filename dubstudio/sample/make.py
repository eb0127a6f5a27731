"""Make the sample clip: a two-speaker English dialogue over a quiet music bed, on a talking-head
picture, as H.264 + AAC in MP4, with the script and the true line timings written beside it.

Deterministic: the same parameters give the same clip. The voices come from the embedded TTS
runners, run in this process: the sample is a fixture that tests and the demo build on, made before
any engine exists, so it does not go through the job bus.
"""

import hashlib
import importlib.resources
import json
import logging
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from dubstudio.dsp.trim import trim_silence
from dubstudio.errors import DubStudioError
from dubstudio.sample import music, picture
from dubstudio.timing import SAMPLE_RATE as RATE

log = logging.getLogger(__name__)

DIALOGUE_RMS_DB = -20.0
MUSIC_RMS_DB = -34.0
PEAK_CEILING_DB = -1.0
LEAD_IN_S, TAIL_S = 1.0, 1.5
VERSION = 3  # bump when the output for the same parameters changes


@dataclass(frozen=True)
class SampleParams:
    fps: str = "25"
    width: int = 1280
    height: int = 720
    seed: int = 7
    lines: int = 0  # 0: the whole script; fewer makes a shorter clip (tests)

    @property
    def rate(self) -> Fraction:
        return Fraction(self.fps)

    def digest(self) -> str:
        text = json.dumps(asdict(self) | {"version": VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Sample:
    video: Path
    script: Path
    dialogue: Path
    music: Path
    info: dict = field(repr=False)


def load_script() -> dict:
    return json.loads(importlib.resources.files("dubstudio.resources").joinpath("sample/script.json").read_text())


def _db(value: float) -> float:
    return 10 ** (value / 20)


def _to_rate(audio: np.ndarray, rate: int) -> np.ndarray:
    from scipy.signal import resample_poly

    ratio = Fraction(RATE, rate)
    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)


def synthesize_lines(script: dict, count: int) -> list[tuple[str, str, np.ndarray]]:
    """(speaker, text, mono float32 at 48 kHz, trimmed and levelled) for the first count lines."""
    from dubstudio.engine.backends.kokoro import Kokoro
    from dubstudio.engine.backends.piper import Piper

    runners: dict = {}
    out = []
    for speaker, text in script["lines"][:count]:
        spec = script["speakers"][speaker]
        if spec["backend"] not in runners:
            runners[spec["backend"]] = Piper() if spec["backend"] == "piper" else Kokoro()
        runner = runners[spec["backend"]]
        if spec["backend"] == "piper":
            audio = runner.synthesize(text)
        else:
            audio = runner.synthesize(text, spec["voice"], script["language"])
        audio = trim_silence(_to_rate(audio, runner.sample_rate), RATE, pad_ms=0)
        audio *= _db(DIALOGUE_RMS_DB) / max(1e-9, float(np.sqrt(np.mean(audio ** 2))))
        fade = RATE // 200  # 5 ms, so no line starts or ends with a click
        audio[:fade] *= np.linspace(0, 1, fade, dtype=np.float32)
        audio[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
        out.append((speaker, text, audio))
        log.info("sample line %d synthesised (%s, %.2f s)", len(out), speaker, len(audio) / RATE)
    return out


def place_lines(voiced, params: SampleParams) -> tuple[list[dict], int, int]:
    """Positions of the lines in samples, with natural pauses; returns (lines, samples, frames).

    The total length is a whole number of frames and of samples, so picture and sound end together.
    """
    rng = np.random.default_rng(params.seed)
    cursor = int(LEAD_IN_S * RATE)
    lines, previous = [], None
    for index, (speaker, text, audio) in enumerate(voiced):
        if previous is not None:
            same = previous == speaker
            cursor += int(rng.uniform(0.55, 0.75) * RATE if same else rng.uniform(0.75, 1.1) * RATE)
        lines.append({"index": index, "speaker": speaker, "text": text,
                      "start": cursor, "end": cursor + len(audio)})
        cursor += len(audio)
        previous = speaker
    per_frame = Fraction(RATE) / params.rate
    frames = int(np.ceil((cursor + TAIL_S * RATE) / per_frame))
    while (frames * per_frame).denominator != 1:  # e.g. 30000/1001 fps: 1601.6 samples a frame
        frames += 1
    return lines, int(frames * per_frame), frames


def shots(lines: list[dict], frames: int, fps: Fraction) -> list[dict]:
    """One shot per run of a speaker's lines; each cut falls mid-way through the pause between speakers."""
    out = [{"speaker": lines[0]["speaker"], "camera": picture.MEDIUM.name, "start_frame": 0}]
    for before, line in zip(lines, lines[1:]):
        if line["speaker"] == before["speaker"]:
            continue
        cut = int(Fraction((before["end"] + line["start"]) // 2, RATE) * fps)
        out[-1]["end_frame"] = cut
        camera = picture.CLOSE.name if out[-1]["camera"] == picture.MEDIUM.name else picture.MEDIUM.name
        out.append({"speaker": line["speaker"], "camera": camera, "start_frame": cut})
    out[-1]["end_frame"] = frames
    return out


def mix(voiced, lines: list[dict], samples: int) -> tuple[np.ndarray, np.ndarray]:
    """(dialogue mono, music stereo), levelled so that their sum peaks under the ceiling."""
    dialogue = np.zeros(samples, np.float32)
    for line, (_, _, audio) in zip(lines, voiced):
        dialogue[line["start"]:line["end"]] += audio
    bed = music.music_bed(samples, RATE)
    bed *= _db(MUSIC_RMS_DB) / max(1e-9, float(np.sqrt(np.mean(bed ** 2))))
    peak = float(np.max(np.abs(dialogue[:, None] + bed)))
    gain = min(1.0, _db(PEAK_CEILING_DB) / max(peak, 1e-9))
    return dialogue * gain, bed * gain


def encode(out: Path, params: SampleParams, shot_list: list[dict], audio: Path, dialogue: np.ndarray) -> None:
    """Render every frame, the mouth moving with the dialogue (each shot shows the speaker), into the
    media layer's writer (complete under its name, or absent)."""
    from dubstudio.lipsync.score import speech_envelope
    from dubstudio.lipsync.visemes import mouth_track
    from dubstudio.media import VideoWriter

    frames = shot_list[-1]["end_frame"]
    mouth = mouth_track(frames, params.rate, speech_envelope(dialogue, params.rate, frames, RATE))
    source = picture.TalkingPhoto()
    cameras = {picture.MEDIUM.name: picture.MEDIUM, picture.CLOSE.name: picture.CLOSE}
    with VideoWriter(out, (params.width, params.height), params.rate, preset="h264-draft",
                     audio=audio, audio_language="eng") as writer:
        for shot in shot_list:
            camera = cameras[shot["camera"]]
            for frame in range(shot["start_frame"], shot["end_frame"]):
                talking = source.at(mouth[frame].opening)
                writer.write(picture.render(talking, frame, params.rate, camera, params.width, params.height))


def make_sample(folder: Path, params: SampleParams = SampleParams()) -> Sample:
    """Write sample.mp4, sample.script.json, sample.dialogue.wav and sample.music.wav into folder.

    An existing sample made with the same parameters is reused.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sample = Sample(folder / "sample.mp4", folder / "sample.script.json", folder / "sample.dialogue.wav",
                    folder / "sample.music.wav", {})
    if sample.script.is_file() and sample.video.is_file():
        info = json.loads(sample.script.read_text())
        if info.get("params_digest") == params.digest():
            sample.info = info
            return sample
    script = load_script()
    count = params.lines or len(script["lines"])
    if not 1 <= count <= len(script["lines"]):
        raise DubStudioError(f"the sample script has {len(script['lines'])} lines: ask for 1 to that many.")
    voiced = synthesize_lines(script, count)
    lines, samples, frames = place_lines(voiced, params)
    dialogue, bed = mix(voiced, lines, samples)
    soundfile.write(sample.dialogue, dialogue, RATE, subtype="FLOAT")
    soundfile.write(sample.music, bed, RATE, subtype="FLOAT")
    mixed = folder / ".sample-mix.wav"
    soundfile.write(mixed, dialogue[:, None] + bed, RATE, subtype="FLOAT")
    shot_list = shots(lines, frames, params.rate)
    try:
        encode(sample.video, params, shot_list, mixed, dialogue)
    finally:
        mixed.unlink(missing_ok=True)
    for line in lines:
        line["start_s"], line["end_s"] = round(line["start"] / RATE, 4), round(line["end"] / RATE, 4)
    sample.info = {
        "title": script["title"], "language": script["language"], "sample_rate": RATE,
        "fps": str(params.rate), "width": params.width, "height": params.height,
        "samples": samples, "frames": frames, "speakers": script["speakers"], "lines": lines,
        "shots": shot_list, "params": asdict(params), "params_digest": params.digest(),
        "files": {"video": sample.video.name, "dialogue": sample.dialogue.name, "music": sample.music.name},
    }
    sample.script.write_text(json.dumps(sample.info, indent=2, ensure_ascii=False) + "\n")
    return sample
