"""Job kinds: the name a client submits, and the engine function that runs it ("module:function").

Functions are imported on the worker the first time a job of their kind runs there, so a worker
only pays for the models and libraries of the work it does. Later stages add their kinds here.

    noop        returns its inputs, files as {path, size, sha256}: round trips, input files
    count       counts to n, one item each `delay` s, each a partial result: progress, cancel, crashes
    warm        loads backends' models into the worker's cache: {backends: [names]} -> {name: seconds}
    transcribe  a source's lines, words, speakers and reference pieces (engine/jobs/speech.py)
    separate    the source's M&E and dialogue stems (engine/jobs/separate.py)
    translate   lines' translation candidates with the glossary enforced (engine/jobs/translate.py)
    cast        the embedded voice closest to a speaker's reference audio (engine/jobs/voices.py)
    similarity  how close each of a list of voices sounds to a speaker's reference audio (engine/jobs/voices.py)
    synthesize  one line's take: synthesized and fitted to its slot (engine/jobs/voices.py)
    check       a stored take's QA: transcribed back by ASR, its character error rate (engine/qa.py)
    lipsync     one line's frames lip-synced to its dub, as a lossless segment (engine/jobs/lipsync.py)
"""

from dubstudio.engine.registry import import_target

from dubstudio.jobs.errors import UnknownJobKindError

KINDS = {
    "noop": "dubstudio.engine.diagnostics:noop",
    "count": "dubstudio.engine.diagnostics:count",
    "warm": "dubstudio.engine.warmup:warm",
    "transcribe": "dubstudio.engine.jobs.speech:transcribe",
    "separate": "dubstudio.engine.jobs.separate:separate",
    "translate": "dubstudio.engine.jobs.translate:translate",
    "cast": "dubstudio.engine.jobs.voices:cast",
    "similarity": "dubstudio.engine.jobs.voices:similarity",
    "synthesize": "dubstudio.engine.jobs.voices:synthesize_line",
    "check": "dubstudio.engine.qa:check",
    "lipsync": "dubstudio.engine.jobs.lipsync:lipsync_line",
}


def resolve(kind: str):
    if kind not in KINDS:
        raise UnknownJobKindError(f"this engine has no '{kind}' job: update DubStudio on the engine's "
                                  f"machines (it knows {', '.join(sorted(KINDS))}).")
    return import_target(KINDS[kind])
