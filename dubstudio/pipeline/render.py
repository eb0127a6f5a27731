"""Steps 2, 10 and 12: separate the original soundtrack, mix each language's takes over the M&E,
and deliver the master, stems, subtitle files and an OTIO timeline.

Every file is written under a temporary name and renamed when complete: a failed render leaves
no half-written master.
"""

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import __version__
from dubstudio.deliver.subtitles import Cue, write_subtitles
from dubstudio.deliver.timeline import TakeClip, build_timeline, write_timeline
from dubstudio.jobs import BATCH, InputFile
from dubstudio.media import AudioTrack, SubtitleTrack, mux, mux_audio, probe
from dubstudio.mix.loudness import PRESETS
from dubstudio.mix.mixer import Placed, mix, take_audio, take_start
from dubstudio.mix.stems import stem_paths
from dubstudio.pipeline import lipsync as lipsync_stage
from dubstudio.pipeline.deliverables import Deliverables, picture, subtitle_base
from dubstudio.pipeline.run import Run
from dubstudio.translation.languages import LANGUAGES

from dubstudio.timing import SAMPLE_RATE as RATE
CONTAINERS = (".mp4", ".mov", ".mkv")
AAC_SOURCES = (".mp4", ".mov", ".m4a", ".aac", ".mp3")  # lossy already: their dub master need not be lossless


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
    me_path, dialogue_path, info = stem_paths(run.project, run.options.demucs)
    if not (me_path.is_file() and dialogue_path.is_file() and info.is_file()):
        bar = run.report.stage("separate dialogue from M&E")
        try:
            spans = [(line.start, line.end) for line in run.project.lines()]
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
        out.append((line, take, take_audio(project, take)))
    return out


def disclosure(run: Run, languages: list[str]) -> dict[str, str]:
    """The master's metadata says the dub is synthetic and which voices were cloned."""
    clones = sorted({voice.name for voice in run.project.voices() if voice.kind == "clone"})
    cloned = ", ".join(clones) if clones else "none"
    text = (f"Dubbed into {', '.join(language_name(code) for code in languages)} with synthetic voices "
            f"(DubStudio {__version__}). Cloned voices: {cloned}.")
    return {"comment": text, "description": text, "encoder_note": "synthetic-speech"}


def master_container(run: Run, media: Path, picture: bool = True) -> str:
    """The master's extension: the one asked for, else the source's if a master can be one, else .mkv.
    Without a picture, an audio master: .mka (FLAC) for Matroska or a lossless source (WAV, FLAC),
    else .m4a (AAC)."""
    asked, suffix = run.options.container, media.suffix.lower()
    if picture:
        return f".{asked}" if asked else suffix if suffix in CONTAINERS else ".mkv"
    if asked:
        return ".mka" if asked == "mkv" else ".m4a"
    return ".m4a" if suffix in AAC_SOURCES else ".mka"


def subtitles_of(run: Run, language: str, base: Path, deliverables: Deliverables,
                 speakers: dict[int, str]) -> tuple[list[Path], SubtitleTrack | None, Path | None]:
    """(subtitle files delivered, the master's subtitle track, the file to burn in) for a language."""
    project = run.project
    translations = project.translations(language)
    cues = [Cue(line.start, line.end, translations[line.id].text, speakers.get(line.speaker_id, ""))
            for line in project.lines() if line.id in translations]
    written = write_subtitles(cues, base, language, deliverables.subtitle_formats(language))
    by_format = {path.suffix.lstrip("."): path for path in written}
    track = (SubtitleTrack(by_format["srt"], iso639_2(language), language_name(language))
             if deliverables.subtitle_tracks else None)
    burn = by_format["ass"] if deliverables.burn_subtitles == language else None
    return (written if deliverables.subtitle_files else []), track, burn


def place_takes(out: Path, language: str, takes, speakers: dict[int, str], timeline_tracks: dict) -> None:
    """The language's takes as WAVs under takes/, placed on the timeline's per-speaker tracks."""
    takes_folder = out / "takes" / language
    takes_folder.mkdir(parents=True, exist_ok=True)
    for line, take, audio in takes:
        path = takes_folder / f"line-{line.number:04d}-take-{take.id}.wav"
        if not path.is_file():
            _write_wav(path, audio)
        track = f"{language} · {speakers.get(line.speaker_id, 'unknown')}"
        timeline_tracks.setdefault(track, []).append(
            TakeClip(take_start(line, take), len(audio), path, f"line {line.number}"))


def render(run: Run, out: Path, languages: list[str], preset_name: str | None = None,
           deliverables: Deliverables | None = None) -> Rendered:
    project = run.project
    deliverables = deliverables or Deliverables()
    preset = PRESETS[preset_name or run.options.preset]
    media = run.media_path
    info = probe(media)
    name = media.stem
    container = master_container(run, media, info.has_picture)
    if info.has_picture:
        deliverables.check(languages, container)
    out.mkdir(parents=True, exist_ok=True)
    me, _, residual = stems_of_source(run)
    rendered = Rendered(None, residual_db=residual)
    if deliverables.stems or deliverables.timeline:  # the timeline places the M&E stem
        (out / "stems").mkdir(exist_ok=True)
        rendered.stems.append(_write_wav(out / "stems" / f"{name}.music-effects.wav", me))
    tracks = ([AudioTrack(media, iso639_2(project.settings.source_language), "Original", 0, False)]
              if deliverables.original_track else [])
    subtitles, timeline_tracks, burn = [], {}, None
    speakers = {speaker.id: speaker.name for speaker in project.speakers()}
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=out))  # what the master needs but is not delivered
    bar = run.report.stage("mix and deliver", len(languages) + 1)
    try:
        for done, language in enumerate(languages, 1):
            takes = chosen_takes(run, language)
            result = mix(me, [Placed(take_start(line, take), audio) for line, take, audio in takes], preset)
            wav = _write_wav(deliverables.stem_folder(out, work) / f"{name}.mix.{language}.wav", result.audio)
            if deliverables.stems:
                rendered.stems.append(_write_wav(out / "stems" / f"{name}.dialogue.{language}.wav",
                                                 result.dialogue))
            rendered.mixes[language] = {"lufs": round(result.lufs, 2), "true_peak": round(result.true_peak, 2),
                                        "wav": wav if deliverables.stems else None}
            tracks.append(AudioTrack(wav, iso639_2(language), f"{language_name(language)} (dub)", 0,
                                     default=done == 1))
            files, track, to_burn = subtitles_of(run, language, subtitle_base(deliverables, out, work, name),
                                                 deliverables, speakers)
            rendered.subtitles += files
            subtitles += [track] if track else []
            burn = burn or to_burn
            if deliverables.timeline:
                place_takes(out, language, takes, speakers, timeline_tracks)
            bar.update(done, len(languages) + 1, f"{language}: {result.lufs:.1f} LUFS, {result.true_peak:.1f} dBTP")
        def writing(step: str, done: int, total: int) -> None:  # ffmpeg's progress; a chance to cancel
            bar.update(len(languages), len(languages) + 1, f"{step} {done * 100 // max(total, 1)}%")

        if info.has_picture:
            # the picture can follow one language: the first, the master's default track
            lipsynced = lipsync_stage.picture(run, languages[0], writing)
            video, video_preset = picture(deliverables, lipsynced, burn, work, writing)
            rendered.master = mux(video, out / f"{name}.dub{container}", tracks, subtitles, preset=video_preset,
                                  metadata=disclosure(run, languages), progress=writing)
        else:
            rendered.master = mux_audio(out / f"{name}.dub{container}", tracks, len(me),
                                        metadata=disclosure(run, languages), progress=writing)
        if deliverables.timeline:
            frames = int(Fraction(len(me), RATE) * project.settings.frame_rate)
            timeline = build_timeline(name, media if info.has_picture else None, frames,
                                      project.settings.frame_rate, rendered.stems[0], len(me), timeline_tracks)
            rendered.timeline = write_timeline(timeline, out / f"{name}.otio")
        bar.update(len(languages) + 1, len(languages) + 1, "master written")
    finally:
        bar.close()
        shutil.rmtree(work, ignore_errors=True)
    return rendered
