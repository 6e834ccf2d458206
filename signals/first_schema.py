"""The first schema (migration m001): the events table, its revisions and retractions.
Later migrations rebuild the events table from the same content columns, so they live
here, apart from the migrations that change them."""

CONTENT_COLUMNS = """
    indicator TEXT NOT NULL,
    summary TEXT NOT NULL,
    observed_at TEXT NOT NULL CHECK (observed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    source TEXT,
    url TEXT,
    reliability TEXT NOT NULL CHECK (reliability IN ('A','B','C','D','E','F')),
    credibility TEXT NOT NULL CHECK (credibility IN ('1','2','3','4','5','6')),
    status TEXT NOT NULL CHECK (status IN ('reported','confirmed','refuted')),
    location TEXT,
    analyst TEXT,
    tags TEXT,
    notes TEXT,
    external_id TEXT,
    fingerprint TEXT NOT NULL
"""

M001_STATEMENTS = (
    f"""CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        {CONTENT_COLUMNS},
        logged_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        revised_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX events_external_id ON events (external_id) WHERE external_id IS NOT NULL",
    # An external id is the identity of an imported row; only rows without one are
    # identified by their content.
    "CREATE UNIQUE INDEX events_fingerprint ON events (fingerprint) WHERE external_id IS NULL",
    "CREATE INDEX events_indicator_observed ON events (indicator, observed_at)",
    "CREATE INDEX events_observed ON events (observed_at)",
    "CREATE INDEX events_logged ON events (logged_at)",
    f"""CREATE TABLE event_revisions (
        event_id INTEGER NOT NULL REFERENCES events (id),
        revision INTEGER NOT NULL,
        {CONTENT_COLUMNS},
        revised_at TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        PRIMARY KEY (event_id, revision)
    )""",
    """CREATE TABLE retractions (
        event_id INTEGER PRIMARY KEY REFERENCES events (id),
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        retracted_at TEXT NOT NULL,
        analyst TEXT
    )""",
    "CREATE INDEX retractions_at ON retractions (retracted_at)",
    # Events are corrected by revision and withdrawn by retraction, never rewritten
    # in place or deleted: the database itself refuses it.
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are retracted, never deleted'); END""",
    """CREATE TRIGGER revisions_no_update BEFORE UPDATE ON event_revisions
        BEGIN SELECT RAISE(ABORT, 'event revisions are never changed'); END""",
    """CREATE TRIGGER revisions_no_delete BEFORE DELETE ON event_revisions
        BEGIN SELECT RAISE(ABORT, 'event revisions are never deleted'); END""",
)
