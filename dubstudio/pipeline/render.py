"""Steps 2, 10 and 12: separate the original soundtrack, mix each language's takes over the M&E,
and deliver the master, stems, subtitle files and an OTIO timeline.

Every file is written under a temporary name and renamed when complete: a failed render leaves
no half-written master.
"""

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import __version__, paths
from dubstudio.deliver.subtitles import Cue, write_subtitles
from dubstudio.deliver.timeline import TakeClip, build_timeline, write_timeline
from dubstudio.jobs import BATCH, InputFile
from dubstudio.media import AudioTrack, SubtitleTrack, mux, probe
from dubstudio.mix.loudness import PRESETS
from dubstudio.mix.mixer import Placed, mix
from dubstudio.pipeline.run import Run
from dubstudio.translation.languages import LANGUAGES

from dubstudio.timing import SAMPLE_RATE as RATE
CONTAINERS = (".mp4", ".mov", ".mkv")


@dataclass
class Rendered:
    master: Path | None
    mixes: dict[str, dict] = field(default_factory=dict)  # language -> {lufs, true_peak, wav}
    stems: list[Path] = field(default_factory=list)
    subtitles: list[Path] = field(default_factory=list)
    timeline: Path | None = None
    residual_db: float | None = None


def iso639_2(code: str) -> str:
    return LANGUAGES.get(code.split("-")[0], ("", code[:3], ""))[1]


def language_name(code: str) -> str:
    return LANGUAGES.get(code.split("-")[0], (code, "", ""))[0]


def _write_wav(path: Path, audio: np.ndarray) -> Path:
    partial = path.with_name(path.stem + ".partial" + path.suffix)
    soundfile.write(partial, audio, RATE, subtype="PCM_24")
    partial.replace(path)
    return path


def stems_of_source(run: Run) -> tuple[np.ndarray, np.ndarray, float]:
    """(M&E stereo, original dialogue mono, residual dB), separated once per source, set of lines and
    separator."""
    project = run.project
    spans = [(line.start, line.end) for line in project.lines()]
    key = json.dumps([project.media().content_hash, spans, run.options.demucs])
    key = hashlib.sha256(key.encode()).hexdigest()[:24]
    folder = paths.cache_dir("stems", key)
    me_path, dialogue_path, info = folder / "me.flac", folder / "dialogue.flac", folder / "info.json"
    if not (me_path.is_file() and dialogue_path.is_file() and info.is_file()):
        bar = run.report.stage("separate dialogue from M&E")
        try:
            inputs = {"media": InputFile(str(run.media_path)), "spans": spans, "demucs": run.options.demucs}
            result = run.wait(run.engine.submit("separate", inputs, priority=BATCH), bar)
        finally:
            bar.close()
        for path, audio in ((me_path, result["music_effects"]), (dialogue_path, result["dialogue"])):
            partial = path.with_name(path.name + ".partial.flac")
            soundfile.write(partial, np.clip(audio, -1, 1), RATE, subtype="PCM_24")
            partial.replace(path)
        info.write_text(json.dumps({"residual_db": result["residual_db"]}))
    me, _ = soundfile.read(me_path, dtype="float32", always_2d=True)
    dialogue, _ = soundfile.read(dialogue_path, dtype="float32")
    return me, dialogue, json.loads(info.read_text())["residual_db"]


def chosen_takes(run: Run, language: str) -> list[tuple[object, object, np.ndarray]]:
    """(line, take, audio) of every line with a chosen take, in time order."""
    project = run.project
    translations = project.translations(language)
    out = []
    for line in project.lines():
        translation = translations.get(line.id)
        if translation is None or translation.chosen_take_id is None:
            continue
        take = project.take(translation.chosen_take_id)
        samples, rate = project.load_audio(take.audio_hash)
        out.append((line, take, np.asarray(samples, np.float32).reshape(-1)))
    return out


def disclosure(run: Run, languages: list[str]) -> dict[str, str]:
    """The master's metadata says the dub is synthetic and which voices were cloned."""
    clones = sorted({voice.name for voice in run.project.voices() if voice.kind == "clone"})
    cloned = ", ".join(clones) if clones else "none"
    text = (f"Dubbed into {', '.join(language_name(code) for code in languages)} with synthetic voices "
            f"(DubStudio {__version__}). Cloned voices: {cloned}.")
    return {"comment": text, "description": text, "encoder_note": "synthetic-speech"}


def render(run: Run, out: Path, languages: list[str], preset_name: str | None = None) -> Rendered:
    project = run.project
    preset = PRESETS[preset_name or run.options.preset]
    media = run.media_path
    info = probe(media)
    name = media.stem
    out.mkdir(parents=True, exist_ok=True)
    (out / "stems").mkdir(exist_ok=True)
    me, _, residual = stems_of_source(run)
    rendered = Rendered(None, residual_db=residual)
    rendered.stems.append(_write_wav(out / "stems" / f"{name}.music-effects.wav", me))
    tracks = [AudioTrack(media, iso639_2(project.settings.source_language), "Original", 0, False)]
    subtitles, timeline_tracks = [], {}
    speakers = {speaker.id: speaker.name for speaker in project.speakers()}
    bar = run.report.stage("mix and deliver", len(languages) + 1)
    try:
        for done, language in enumerate(languages, 1):
            takes = chosen_takes(run, language)
            result = mix(me, [Placed(line.start + int(take.fit.get("offset", 0)), audio)
                              for line, take, audio in takes], preset)
            wav = _write_wav(out / "stems" / f"{name}.mix.{language}.wav", result.audio)
            rendered.stems.append(_write_wav(out / "stems" / f"{name}.dialogue.{language}.wav", result.dialogue))
            rendered.mixes[language] = {"lufs": round(result.lufs, 2), "true_peak": round(result.true_peak, 2),
                                        "wav": wav}
            tracks.append(AudioTrack(wav, iso639_2(language), f"{language_name(language)} (dub)", 0,
                                     default=done == 1))
            translations = project.translations(language)
            cues = [Cue(line.start, line.end, translations[line.id].text, speakers.get(line.speaker_id, ""))
                    for line in project.lines() if line.id in translations]
            written = write_subtitles(cues, out / name, language)
            rendered.subtitles += written
            subtitles.append(SubtitleTrack(written[0], iso639_2(language), language_name(language)))
            takes_folder = out / "takes" / language
            takes_folder.mkdir(parents=True, exist_ok=True)
            for line, take, audio in takes:
                path = takes_folder / f"line-{line.number:04d}-take-{take.id}.wav"
                if not path.is_file():
                    _write_wav(path, audio)
                track = f"{language} · {speakers.get(line.speaker_id, 'unknown')}"
                timeline_tracks.setdefault(track, []).append(
                    TakeClip(line.start + int(take.fit.get("offset", 0)), len(audio), path, f"line {line.number}"))
            bar.update(done, len(languages) + 1, f"{language}: {result.lufs:.1f} LUFS, {result.true_peak:.1f} dBTP")
        if info.has_picture:
            container = (f".{run.options.container}" if run.options.container
                         else media.suffix.lower() if media.suffix.lower() in CONTAINERS else ".mkv")
            rendered.master = mux(media, out / f"{name}.dub{container}", tracks, subtitles,
                                  metadata=disclosure(run, languages))
        else:
            run.report.note("The source has no picture: the mixes and stems are the deliverables (no master).")
        frames = int(Fraction(len(me), RATE) * project.settings.frame_rate)
        timeline = build_timeline(name, media if info.has_picture else None, frames, project.settings.frame_rate,
                                  rendered.stems[0], len(me), timeline_tracks)
        rendered.timeline = write_timeline(timeline, out / f"{name}.otio")
        bar.update(len(languages) + 1, len(languages) + 1, "master written")
    finally:
        bar.close()
    return rendered
