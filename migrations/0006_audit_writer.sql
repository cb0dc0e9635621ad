-- A pending entry names the process that wrote it (pid and start time: "BOOT_ID:TICKS", the
-- kernel's boot id and field 22 of /proc/PID/stat), so that once that process is gone (kill -9,
-- a crash, a reboot) the next bcadmin to open the target can tell a change that is still being
-- made from one that never finished, and reconciles the latter against the target: 'applied'
-- (the target shows the change), 'not applied' (it shows the old values), 'unknown' (it cannot
-- tell: the target was unreachable, or the row changed since), and for a bulk entry 'partly
-- applied' (its members disagree). SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt (foreign keys are off in bcadmin's state connection, so references keep).
CREATE TABLE audit_new (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,                  -- or when an interrupted entry was reconciled
    os_user TEXT NOT NULL,
    actor TEXT,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    before_json TEXT,
    after_json TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'applied', 'not applied',
                                         'partly applied', 'unknown')),
    error TEXT,                        -- what failed, or how an interrupted entry was reconciled
    undo_of INTEGER REFERENCES audit (id),
    group_id INTEGER REFERENCES audit (id),
    label TEXT,
    writer_pid INTEGER,                -- the process that wrote the entry (NULL: before 0006)
    writer_start TEXT                  -- its start: "BOOT_ID:TICKS" (NULL: unknown)
);
INSERT INTO audit_new (id, started_at, finished_at, os_user, actor, target_kind, target, action,
                       subject, before_json, after_json, state, error, undo_of, group_id, label)
    SELECT id, started_at, finished_at, os_user, actor, target_kind, target, action, subject,
           before_json, after_json, state, error, undo_of, group_id, label
    FROM audit;
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;
CREATE INDEX audit_started ON audit (started_at);
CREATE INDEX audit_group ON audit (group_id);
CREATE INDEX audit_undo ON audit (undo_of);
-- Every open looks for unfinished entries of its target: this keeps that look free.
CREATE INDEX audit_pending ON audit (target, id) WHERE state = 'pending';
