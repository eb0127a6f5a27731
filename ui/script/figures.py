"""Take figures in words, for tooltips and the takes panel: how a take was fitted to its slot and what
the back-transcription heard. Qt-free; keys as written by dubstudio.voices.fitting.Fit.as_dict and
engine/qa.py back_transcribe."""

from dubstudio.timing import SAMPLE_RATE


def seconds(samples: int) -> str:
    """'2.34 s', for display only (times stay in samples)."""
    return f"{samples / SAMPLE_RATE:.2f} s"


def milliseconds(samples: int) -> str:
    return f"{round(samples * 1000 / SAMPLE_RATE)} ms"


def pace(fit: dict) -> str:
    """'1.08× (stretch 1.03, speed 1.05)': the overall pace change and how it was made."""
    if not fit:
        return ""
    parts = [f"{name} {fit[name]:.2f}" for name in ("stretch", "speed") if fit.get(name, 1.0) != 1.0]
    tempo = f"{fit.get('tempo', 1.0):.2f}\u00d7"
    return f"{tempo} ({', '.join(parts)})" if parts else tempo


def fit_details(fit: dict) -> str:
    """Several lines: natural length, slot, pace, borrowed gap, offset, what is over."""
    if not fit:
        return "No fit figures for this take."
    lines = [(f"Natural length {seconds(fit.get('natural', 0))}, slot {seconds(fit.get('slot', 0))}, "
              f"take {seconds(fit.get('length', 0))}"),
             f"Pace {pace(fit)}, strategy {fit.get('strategy', '?')}"]
    if fit.get("borrowed"):
        lines.append(f"Borrows {milliseconds(fit['borrowed'])} of the gap after the line")
    if fit.get("offset"):
        early = -fit["offset"]
        lines.append(f"Starts {milliseconds(abs(early))} {'early' if early > 0 else 'late'}")
    if fit.get("over"):
        lines.append(f"Over by {milliseconds(fit['over'])}")
    if fit.get("candidate") is not None:
        lines.append(f"Uses translation candidate {fit['candidate'] + 1}")
    return "\n".join(lines)


def qa_details(qa: dict) -> str:
    """What the back-transcription heard and its character error rate."""
    if not qa:
        return "Not checked by back-transcription."
    cer = qa.get("cer")
    verdict = " (over the QA threshold)" if qa.get("flagged") else ""
    rate = f"CER {cer:.0%}{verdict}" if cer is not None else "No CER"
    return f"Heard: \u201c{qa.get('heard', '')}\u201d\n{rate}"
