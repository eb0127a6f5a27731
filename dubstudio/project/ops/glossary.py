"""The glossary: terms a translation must render a given way, per target language."""

from dubstudio.project.changes import Tx
from dubstudio.project.errors import InvalidEditError
from dubstudio.project.ops.common import check_language


def set_glossary_entry(tx: Tx, language: str, source_term: str, target_term: str, note: str = "") -> str:
    """Add a term, or change the rendering or note of one already there."""
    check_language(tx.conn, language)
    source_term = source_term.strip()
    if not source_term:
        raise InvalidEditError("A glossary entry needs a source term: type the word or phrase to translate.")
    values = {"target_term": target_term.strip(), "note": note}
    row = tx.conn.execute("SELECT id FROM glossary WHERE language = ? AND source_term = ?",
                          (language, source_term)).fetchone()
    if row is None:
        tx.insert("glossary", {"language": language, "source_term": source_term, **values})
        return f"Add glossary entry '{source_term}' ({language})"
    tx.update("glossary", row["id"], values)
    return f"Edit glossary entry '{source_term}' ({language})"


def remove_glossary_entry(tx: Tx, entry_id: int) -> str:
    row = tx.conn.execute("SELECT language, source_term FROM glossary WHERE id = ?", (entry_id,)).fetchone()
    if row is None:
        raise InvalidEditError(f"Glossary entry id {entry_id} is not in this project: refresh the view and "
                               "try again.")
    tx.delete("glossary", entry_id)
    return f"Remove glossary entry '{row['source_term']}' ({row['language']})"
