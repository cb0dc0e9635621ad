-- A run refused at its precondition before any step changed anything ends as 'not started': it
-- is kept for the record but blocks nothing (only 'active' runs do). SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt (foreign keys are off in bcadmin's state
-- connection, so checklist_step keeps its rows).
CREATE TABLE checklist_run_new (
    id INTEGER PRIMARY KEY,
    checklist TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    os_user TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'done', 'failed', 'abandoned', 'not started')),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    vars_json TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO checklist_run_new
    SELECT id, checklist, target_kind, target, os_user, state, started_at, updated_at,
           finished_at, vars_json
    FROM checklist_run;
DROP TABLE checklist_run;
ALTER TABLE checklist_run_new RENAME TO checklist_run;
CREATE INDEX checklist_run_state ON checklist_run (state, checklist);
