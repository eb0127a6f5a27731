"""The project file's tables, as first created (schema 1). Later schemas are migrations on top of it.

Times are integer samples at the project rate; JSON columns hold small structured values (word
timings, probe info, figures). Tables are STRICT so a wrong type is refused, not stored.
"""

# "DubP": PRAGMA application_id, which tells a DubStudio project from any other SQLite file.
APPLICATION_ID = 0x44756250

FIT_STRATEGIES = (
    "auto",         # let the fitter choose
    "none",         # leave the dub as synthesized
    "rate",         # ask the voice for a faster or slower delivery
    "stretch",      # high-quality time-stretch of the take
    "borrow",       # borrow silence from the gap after the line
    "rewrite",      # a shorter (or longer) translation
    "retime_shot",  # retime the picture around the line
)
STATUSES = ("machine", "edited", "approved")

_strategies = ", ".join(f"'{name}'" for name in FIT_STRATEGIES)

V1 = f"""
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    title TEXT NOT NULL,
    source_language TEXT NOT NULL,
    sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
    frame_rate_num INTEGER NOT NULL CHECK (frame_rate_num > 0),
    frame_rate_den INTEGER NOT NULL CHECK (frame_rate_den > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE TABLE target_languages (
    code TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE
) STRICT, WITHOUT ROWID;

CREATE TABLE source_media (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    path TEXT NOT NULL,
    -- from the project's folder, so a folder moved or mounted elsewhere as a whole still finds it
    relative_path TEXT,
    size INTEGER NOT NULL CHECK (size >= 0),
    content_hash TEXT NOT NULL,
    probe TEXT NOT NULL
) STRICT;

-- Lossless audio (takes, speaker references), addressed by the SHA-256 of its encoded bytes.
CREATE TABLE audio (
    hash TEXT PRIMARY KEY,
    format TEXT NOT NULL CHECK (format IN ('FLAC', 'WAV')),
    subtype TEXT NOT NULL,
    dtype TEXT NOT NULL,
    sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
    channels INTEGER NOT NULL CHECK (channels > 0),
    frames INTEGER NOT NULL CHECK (frames >= 0),
    data BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER audio_never_modified BEFORE UPDATE ON audio
BEGIN SELECT RAISE(ABORT, 'stored audio is never modified'); END;
CREATE TRIGGER audio_never_deleted BEFORE DELETE ON audio
BEGIN SELECT RAISE(ABORT, 'stored audio is never deleted'); END;

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE speaker_references (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    speaker_id INTEGER NOT NULL REFERENCES speakers (id),
    audio_hash TEXT NOT NULL REFERENCES audio (hash),
    -- where in the source it was cut from, when it was
    source_start INTEGER,
    source_end INTEGER,
    CHECK ((source_start IS NULL AND source_end IS NULL)
           OR (source_start >= 0 AND source_end > source_start))
) STRICT;

CREATE TABLE voices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    backend TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('stock', 'clone')),
    backend_voice TEXT NOT NULL,
    speaker_id INTEGER REFERENCES speakers (id),
    params TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (kind = 'stock' OR speaker_id IS NOT NULL)
) STRICT;

-- Consent to clone a person's voice: an audit record, written once and kept.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    voice_id INTEGER NOT NULL REFERENCES voices (id),
    person TEXT NOT NULL CHECK (person <> ''),
    scope TEXT NOT NULL CHECK (scope <> ''),
    evidence TEXT NOT NULL CHECK (evidence <> ''),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX consents_by_voice ON consents (voice_id);
CREATE TRIGGER consents_never_modified BEFORE UPDATE ON consents
BEGIN SELECT RAISE(ABORT, 'consent records are never modified'); END;
CREATE TRIGGER consents_never_deleted BEFORE DELETE ON consents
BEGIN SELECT RAISE(ABORT, 'consent records are never deleted'); END;

CREATE TABLE casting (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    speaker_id INTEGER NOT NULL REFERENCES speakers (id),
    language TEXT NOT NULL REFERENCES target_languages (code),
    voice_id INTEGER NOT NULL REFERENCES voices (id),
    UNIQUE (speaker_id, language)
) STRICT;
CREATE TRIGGER casting_clone_needs_consent_insert BEFORE INSERT ON casting
WHEN (SELECT kind FROM voices WHERE id = NEW.voice_id) = 'clone'
     AND NOT EXISTS (SELECT 1 FROM consents WHERE voice_id = NEW.voice_id)
BEGIN SELECT RAISE(ABORT, 'a cloned voice needs a consent record'); END;
CREATE TRIGGER casting_clone_needs_consent_update BEFORE UPDATE OF voice_id ON casting
WHEN (SELECT kind FROM voices WHERE id = NEW.voice_id) = 'clone'
     AND NOT EXISTS (SELECT 1 FROM consents WHERE voice_id = NEW.voice_id)
BEGIN SELECT RAISE(ABORT, 'a cloned voice needs a consent record'); END;

CREATE TABLE lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    start_sample INTEGER NOT NULL CHECK (start_sample >= 0),
    end_sample INTEGER NOT NULL CHECK (end_sample > start_sample),
    speaker_id INTEGER REFERENCES speakers (id),
    source_text TEXT NOT NULL,
    -- JSON [[start, end, text], ...]: source words, samples on the source timeline
    words TEXT NOT NULL,
    -- merged into its neighbour: hidden from the script, kept so its takes stay reachable
    removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
) STRICT;
CREATE INDEX lines_in_order ON lines (start_sample, id) WHERE removed = 0;

CREATE TABLE translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id INTEGER NOT NULL REFERENCES lines (id),
    language TEXT NOT NULL REFERENCES target_languages (code),
    text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('machine', 'edited', 'approved')),
    -- JSON list of alternative texts (other backends, shorter rewrites)
    candidates TEXT NOT NULL DEFAULT '[]',
    fit_strategy TEXT NOT NULL DEFAULT 'auto' CHECK (fit_strategy IN ({_strategies})),
    -- one chosen take per line and language, by construction; it must be a take of this line and language
    chosen_take_id INTEGER,
    UNIQUE (line_id, language),
    FOREIGN KEY (chosen_take_id, line_id, language) REFERENCES takes (id, line_id, language)
) STRICT;

-- Takes are never overwritten: only figures measured after synthesis (fit, QA) may be filled in.
CREATE TABLE takes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    audio_hash TEXT NOT NULL REFERENCES audio (hash),
    text TEXT NOT NULL,
    backend TEXT NOT NULL,
    voice_id INTEGER REFERENCES voices (id),
    params TEXT NOT NULL,
    fit TEXT NOT NULL,
    qa TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (id, line_id, language),
    FOREIGN KEY (line_id, language) REFERENCES translations (line_id, language)
) STRICT;
CREATE INDEX takes_by_line ON takes (line_id, language);
CREATE TRIGGER takes_never_modified
BEFORE UPDATE OF id, line_id, language, audio_hash, text, backend, voice_id, params, created_at ON takes
BEGIN SELECT RAISE(ABORT, 'takes are never modified'); END;
CREATE TRIGGER takes_never_deleted BEFORE DELETE ON takes
BEGIN SELECT RAISE(ABORT, 'takes are never deleted'); END;

CREATE TABLE glossary (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    language TEXT NOT NULL REFERENCES target_languages (code),
    source_term TEXT NOT NULL CHECK (source_term <> ''),
    target_term TEXT NOT NULL,
    note TEXT NOT NULL,
    UNIQUE (language, source_term)
) STRICT;

-- Jobs submitted to the engine and not finished yet, so they can be resumed after a crash.
CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    inputs TEXT NOT NULL,
    priority INTEGER NOT NULL,
    created TEXT NOT NULL
) STRICT;

-- The undo history: each entry's row changes (JSON); undone entries are the redo stack.
CREATE TABLE history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    op TEXT NOT NULL,
    changes TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;
"""

# Schema 2: lip-sync results. Per line and language the latest one, a job result like a take's figures
# (not undoable). The lip-synced frames live in the user cache, named by segment_key, and are rebuilt
# from the same inputs when the cache was cleared. take_id and dub_start say which take, placed where,
# the mouth follows: when either no longer matches the line, the result is stale.
V2 = """
CREATE TABLE lipsync (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id INTEGER NOT NULL REFERENCES lines (id),
    language TEXT NOT NULL REFERENCES target_languages (code),
    take_id INTEGER NOT NULL,
    -- the project sample where the take sat when it was lip-synced (line start + fit offset)
    dub_start INTEGER NOT NULL,
    method TEXT NOT NULL,
    -- JSON: the method's settings (model folders), enough to make the segment again
    params TEXT NOT NULL,
    first_frame INTEGER NOT NULL CHECK (first_frame >= 0),
    end_frame INTEGER NOT NULL CHECK (end_frame > first_frame),
    segment_key TEXT NOT NULL CHECK (segment_key <> ''),
    -- JSON: sync score before and after, LSE-D/LSE-C, frames changed, frames skipped and why
    scores TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (line_id, language),
    FOREIGN KEY (take_id, line_id, language) REFERENCES takes (id, line_id, language)
) STRICT;
"""
