-- A bulk action is one audit entry: the entry for each user it changed is a member of it
-- (group_id = the bulk entry's id). The audit list shows the bulk entry alone; undoing it undoes
-- every member as one action. Entries also keep a readable label of their subject.
ALTER TABLE audit ADD COLUMN group_id INTEGER REFERENCES audit (id);
-- What the subject is to a person (a user's email; "3 users: a@x, b@y, c@z"), kept even after
-- the row is gone.
ALTER TABLE audit ADD COLUMN label TEXT;
CREATE INDEX audit_group ON audit (group_id);
CREATE INDEX audit_undo ON audit (undo_of);
