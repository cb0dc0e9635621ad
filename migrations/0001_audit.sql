-- Audit log: every change bcadmin makes, written before it is applied (pending) and after
-- (done or failed). Never holds tokens, hashes, keys or passwords.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,          -- ISO-8601 UTC with milliseconds
    finished_at TEXT,
    os_user TEXT NOT NULL,
    actor TEXT,                        -- acting admin: user id (and email in detail)
    target_kind TEXT NOT NULL,         -- 'sqlite' | 'convex'
    target TEXT NOT NULL,              -- file path or deployment URL + key fingerprint
    action TEXT NOT NULL,              -- e.g. 'users.ban'
    subject TEXT,                      -- the row acted on: user id, session id, variable name
    before_json TEXT,                  -- changed fields before
    after_json TEXT,                   -- changed fields after
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    error TEXT,
    undo_of INTEGER REFERENCES audit (id)
);
CREATE INDEX audit_started ON audit (started_at);
