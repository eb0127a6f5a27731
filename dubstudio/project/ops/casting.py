"""Casting: which voice speaks for a speaker in a language. A cloned voice needs a consent on record."""

from dubstudio.project.changes import Tx
from dubstudio.project.errors import ConsentRequiredError, InvalidEditError
from dubstudio.project.ops.common import check_language, speaker_name


def cast_voice(tx: Tx, speaker_id: int, language: str, voice_id: int | None) -> str:
    """Give the speaker this voice in this language; None leaves the speaker uncast."""
    name = speaker_name(tx.conn, speaker_id)
    check_language(tx.conn, language)
    current = tx.conn.execute("SELECT id FROM casting WHERE speaker_id = ? AND language = ?",
                              (speaker_id, language)).fetchone()
    if voice_id is None:
        if current is not None:
            tx.delete("casting", current["id"])
        return f"Uncast {name} ({language})"
    voice = tx.conn.execute("SELECT v.name, v.kind, EXISTS (SELECT 1 FROM consents c WHERE c.voice_id = v.id) "
                            "AS consented FROM voices v WHERE v.id = ?", (voice_id,)).fetchone()
    if voice is None:
        raise InvalidEditError(f"Voice id {voice_id} is not in this project: refresh the view and choose a "
                               "listed voice.")
    if voice["kind"] == "clone" and not voice["consented"]:
        raise ConsentRequiredError(f"The cloned voice '{voice['name']}' has no consent on record: record the "
                                   "person's consent to the clone before casting it.")
    if current is None:
        tx.insert("casting", {"speaker_id": speaker_id, "language": language, "voice_id": voice_id})
    else:
        tx.update("casting", current["id"], {"voice_id": voice_id})
    return f"Cast {voice['name']} as {name} ({language})"
