-- Checklist (runbook) runs and the state of each of their steps, so that a run interrupted at
-- any point (crash, kill -9, network loss) resumes at the right step. Step outputs hold what a
-- step found or did (key ids, counts), never secrets.
CREATE TABLE checklist_run (
    id INTEGER PRIMARY KEY,
    checklist TEXT NOT NULL,           -- runbook id: 'bootstrap', 'rotate'
    target_kind TEXT NOT NULL,         -- 'sqlite' | 'convex'
    target TEXT NOT NULL,              -- deployment label (URL + key fingerprint)
    os_user TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'done', 'failed', 'abandoned')),
    started_at TEXT NOT NULL,          -- ISO-8601 UTC with milliseconds
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    vars_json TEXT NOT NULL DEFAULT '{}' -- facts steps hand to later steps (old key id...)
);
CREATE INDEX checklist_run_state ON checklist_run (state, checklist);
CREATE TABLE checklist_step (
    run_id INTEGER NOT NULL REFERENCES checklist_run (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,              -- position in the runbook, from 0
    step_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at TEXT,
    finished_at TEXT,
    output TEXT,                       -- what the step reported
    note TEXT,                         -- why it was skipped, found done on resume, redone...
    PRIMARY KEY (run_id, idx)
);
