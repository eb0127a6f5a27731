"""Voices: synthesis real-time factor per embedded backend, regenerating one 5 s line on a warm engine
(with where its time goes), and the back-transcription CER of Kokoro Spanish takes.

Targets (issue 8, 2-core machine): regenerate a 5 s line under 1.5 s; Kokoro Spanish CER under 15%.
"Regenerate" is the user's path: edit the line's translation, submit it as an interactive job, store
the take in the project (then it plays); its QA check follows as its own job. Each iteration says
something new, as a regenerate after an edit does: nothing is reused between iterations but models.
Run: .venv/bin/python bench/voices_bench.py
"""

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile
from common import report

SPANISH = [
    "Buenos días, ¿terminaste el informe para la estación de tren?",
    "Todavía tengo que revisar los números de la semana pasada.",
    "Tenemos una reunión con el director a las diez.",
    "Por favor, cuéntales a los demás el nuevo horario.",
    "Entonces te enviaré el informe antes de las nueve.",
    "¿Puedes traer también las fotos del viaje al río?",
    "Claro, las fotos del puente viejo salieron muy bien.",
    "Gracias por tu ayuda, nos vemos en la reunión.",
]
# one 5 s line, edited before each regenerate
EDITS = [
    "Todavía tengo que revisar los números de la semana pasada, y luego te llamo.",
    "Todavía tengo que revisar las cuentas de la semana pasada, y luego te llamo.",
    "Primero tengo que revisar los números de la semana pasada, y luego te llamo.",
    "Todavía tengo que revisar los números de la semana pasada, y después te llamo.",
    "Todavía tengo que revisar los números del mes pasado, y luego te escribo.",
    "Aún tengo que revisar los números de la semana pasada, y luego te llamo.",
]
RATE = 48_000
SLOT = 5 * RATE


def best(function, repeat: int = 3) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return min(times), value


def rtf(voices) -> None:
    from dubstudio.voices.spec import VoiceSpec

    english = "Good morning, did you finish the report?"
    for spec, language, text in ((VoiceSpec("kokoro", "jm_kumo"), "es", SPANISH[0]),
                                 (VoiceSpec("piper", "en_US-joe-medium"), "en", english),
                                 (VoiceSpec("espeak-ng"), "es", SPANISH[0])):
        voices.render(spec, text, language)  # load
        seconds, audio = best(lambda s=spec, t=text, la=language: voices.render(s, t, la), 2)
        report(f"synthesis RTF, {spec.backend}", seconds / (len(audio) / RATE), "")


def parts(voices) -> None:
    """Where one render and fit of the 5 s line spends its time, in this process."""
    from dubstudio.dsp.rubberband import stretch_to
    from dubstudio.dsp.trim import trim_silence
    from dubstudio.engine import phonemize
    from dubstudio.engine.voices import to_project_rate
    from dubstudio.voices.pace import base_speed

    kokoro, text = voices.runner("kokoro"), EDITS[0]
    print("one render of the 5 s line, warm, in-process (best of 3):")
    seconds, _ = best(lambda: phonemize.ipa(text, "es"))
    report("  phonemize (espeak-ng)", seconds * 1000, "ms")
    [ids] = kokoro.tokens(text, "es")
    feed = {"tokens": np.array([[0, *ids, 0]], np.int64),
            "style": np.asarray(kokoro.styles["jm_kumo"][len(ids) - 1], np.float32).reshape(1, 256),
            "speed": np.array([base_speed("kokoro", "jm_kumo", "es")], np.float32)}
    seconds, out = best(lambda: np.ravel(kokoro.infer(feed)))
    where = f"decoder on PyTorch, {kokoro.decoder.conv_dtype}" if kokoro.decoder else "all onnxruntime"
    report(f"  Kokoro inference ({len(out) / kokoro.sample_rate:.2f} s of audio; {where})", seconds, "s")
    if kokoro.decoder is not None:
        seconds, _ = best(lambda: kokoro.session.run(None, feed))
        report("    of which the text encoder and predictors (onnxruntime)", seconds, "s")
    seconds, up = best(lambda: to_project_rate(out, kokoro.sample_rate))
    report("  resample 24 -> 48 kHz", seconds * 1000, "ms")
    seconds, take = best(lambda: trim_silence(up, RATE))
    report("  trim silence", seconds * 1000, "ms")
    target = round(len(take) * 0.99)
    seconds, _ = best(lambda: stretch_to(take, RATE, target))
    report("  rubberband R3, a 1% stretch at 48 kHz", seconds, "s")
    seconds, _ = best(lambda: stretch_to(take, RATE, target, made_at=kokoro.sample_rate))
    report("  rubberband R3, the same at 24 kHz (as fit_line)", seconds, "s")


def regenerate_project(folder: Path):
    """A project with the 5 s line between two others, Spanish, cast to a Kokoro voice."""
    from dubstudio.project import NewLine, Project
    from dubstudio.voices.spec import VoiceSpec

    source = folder / "source.wav"
    soundfile.write(source, np.zeros(20 * RATE, np.float32), RATE)
    project = Project.create(folder / "bench.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25", title="bench")
    project.set_source_media(source, {"duration": "20"})
    speaker = project.add_speaker("Maya")
    project.add_lines([NewLine(0, 2 * RATE, "Hello.", speaker), NewLine(3 * RATE, 3 * RATE + SLOT, "A line.", speaker),
                       NewLine(9 * RATE, 11 * RATE, "Bye.", speaker)])
    line = project.lines()[1]
    project.set_machine_translations("es", {item.id: "Hola." for item in project.lines()})
    spec = VoiceSpec("kokoro", "jm_kumo")
    voice = project.add_voice("Maya", "kokoro", backend_voice=spec.voice, params={"spec": spec.as_dict()})
    project.cast_voice(speaker, "es", voice)
    return project, line


def regenerate(engine) -> None:
    from dubstudio.pipeline import checks
    from dubstudio.pipeline import voices as voices_stage
    from dubstudio.pipeline.run import Options, Run

    with tempfile.TemporaryDirectory() as folder:
        project, line = regenerate_project(Path(folder))
        run = Run(project, engine, Options(targets=("es",)))
        rows = []
        for text in EDITS:
            project.edit_translation(line.id, "es", text)
            started = time.perf_counter()
            inputs, handle = voices_stage.submit_line(run, line, "es", interactive=True)
            result = handle.result()
            returned = time.perf_counter()
            take_id = voices_stage.store(run, inputs, result, choose=True)
            stored = time.perf_counter()
            qa = checks.submit_check(run, take_id, interactive=True).result()
            checks.store_check(run, take_id, qa)
            checked = time.perf_counter()
            while handle.stats is None:  # the job's own time comes as an event, which may trail its result
                time.sleep(0.01)
            rows.append({"total": stored - started, "job": handle.stats.seconds, "trip": returned - started,
                         "store": stored - returned, "check": checked - stored,
                         "seconds": len(result["audio"]) / RATE, "cer": qa["cer"]})
        project.close()
    rows = rows[1:]  # the first regenerate loads the models on the worker
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    fastest = min(row["total"] for row in rows)
    print(f"regenerate after an edit, warm engine, {len(rows)} edits (median; each says something new):")
    report("  engine job: synthesize + fit", median["job"], "s")
    report("  Dask round trip (submit to result, less the job)", median["trip"] - median["job"], "s")
    report("  store the take in the project", median["store"], "s")
    report(f"regenerate a {median['seconds']:.1f} s line: edit to playable take", median["total"], "s",
           "target < 1.5 s", median["total"] < 1.5)
    report("  fastest of the edits", fastest, "s")
    report("  then its QA check (a follow-up job)", median["check"], "s")
    report("  back-transcription CER of the edited takes", statistics.mean(row["cer"] for row in rows) * 100, "%")


def main() -> None:
    from dubstudio.engine.backends.whisper import Whisper
    from dubstudio.engine.qa import back_transcribe
    from dubstudio.engine.voices import Voices
    from dubstudio.jobs import open_engine
    from dubstudio.voices.spec import VoiceSpec

    voices = Voices()
    rtf(voices)
    whisper = Whisper()
    cers = [back_transcribe(whisper, voices.render(VoiceSpec("kokoro", "jm_kumo"), text, "es"), text, "es")["cer"]
            for text in SPANISH]
    mean = statistics.mean(cers)
    report(f"Kokoro Spanish back-transcription CER ({len(cers)} takes)", mean * 100, "%", "target < 15%", mean < 0.15)
    parts(voices)
    del voices, whisper  # the engine's worker holds its own
    with open_engine() as engine:
        regenerate(engine)


if __name__ == "__main__":
    main()
