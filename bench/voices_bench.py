"""Voices: synthesis real-time factor per embedded backend, regenerating one 5 s line on a warm engine,
and the back-transcription CER of Kokoro Spanish takes.

Targets (issue 8, 2-core machine): regenerate a 5 s line under 1.5 s; Kokoro Spanish CER under 15%.
Run: .venv/bin/python bench/voices_bench.py
"""

import statistics
import time

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


def main() -> None:
    from dubstudio.engine.backends.whisper import Whisper
    from dubstudio.engine.qa import back_transcribe
    from dubstudio.engine.voices import Voices
    from dubstudio.jobs import INTERACTIVE, open_engine
    from dubstudio.voices.spec import VoiceSpec

    voices = Voices()
    for spec, language, text in ((VoiceSpec("kokoro", "jm_kumo"), "es", SPANISH[0]),
                                 (VoiceSpec("piper", "en_US-joe-medium"), "en", "Good morning, did you finish the report?"),
                                 (VoiceSpec("espeak-ng"), "es", SPANISH[0])):
        voices.render(spec, text, language)  # load
        started = time.perf_counter()
        audio = voices.render(spec, text, language)
        report(f"synthesis RTF, {spec.backend}", (time.perf_counter() - started) / (len(audio) / 48_000), "")

    whisper = Whisper()
    cers = [back_transcribe(whisper, voices.render(VoiceSpec("kokoro", "jm_kumo"), text, "es"), text, "es")["cer"]
            for text in SPANISH]
    mean = statistics.mean(cers)
    report(f"Kokoro Spanish back-transcription CER ({len(cers)} takes)", mean * 100, "%", "target < 15%", mean < 0.15)

    text = "Todavía tengo que revisar los números de la semana pasada, y luego te llamo."
    inputs = {"text": text, "language": "es", "voice": VoiceSpec("kokoro", "jm_kumo").as_dict(), "slot": 5 * 48_000,
              "gap": 48_000, "strategy": "auto", "candidates": [], "qa": False}
    with open_engine() as engine:
        engine.submit("synthesize", inputs).result()  # warm: models loaded once per worker
        times = []
        for _ in range(3):
            started = time.perf_counter()
            result = engine.submit("synthesize", inputs, priority=INTERACTIVE).result()
            times.append(time.perf_counter() - started)
        seconds = len(result["audio"]) / 48_000
        best = min(times)
        report(f"regenerate a {seconds:.1f} s line, warm engine (no QA)", best, "s", "target < 1.5 s", best < 1.5)
        started = time.perf_counter()
        engine.submit("synthesize", inputs | {"qa": True}, priority=INTERACTIVE).result()
        report("  the same with back-transcription QA", time.perf_counter() - started, "s")


if __name__ == "__main__":
    main()
