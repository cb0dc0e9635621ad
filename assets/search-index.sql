-- bcadmin's substring-search index: a trigram full-text index over the user table's email and
-- name, kept in step by triggers, so `users list --search` reads candidates instead of scanning
-- every user. Contentless (it holds no copy of the text) and without positions (detail=none):
-- about 45 MB per million users. Candidates are a superset; bcadmin verifies each one against
-- the user row, so results are exactly those of the scan. Keyed by a doc table of its own, not
-- the user table's rowid, which VACUUM may renumber. The triggers run inside the app's own
-- writes: they never fail on a value the app can write, and they need an SQLite with FTS5 (3.34
-- or later). `bcadmin db index` adds all of this; `bcadmin db index --drop` removes it.
-- Better Auth's migrations compare tables and columns of its own models only.
CREATE TABLE IF NOT EXISTS "bcadmin_user_search_doc" ("docid" INTEGER PRIMARY KEY, "id" TEXT UNIQUE);
CREATE VIRTUAL TABLE IF NOT EXISTS "bcadmin_user_search" USING fts5("email", "name", tokenize = 'trigram', detail = 'none', columnsize = 0, content = '');
-- A stale doc row for the same id (only if a REPLACE removed a user without its DELETE trigger)
-- is replaced, not a conflict, so the app's insert never fails on it.
CREATE TRIGGER IF NOT EXISTS "bcadmin_user_search_insert" AFTER INSERT ON "user" BEGIN
  INSERT OR REPLACE INTO "bcadmin_user_search_doc" ("id") VALUES (new."id");
  INSERT INTO "bcadmin_user_search" ("rowid", "email", "name")
    SELECT "docid", new."email", new."name" FROM "bcadmin_user_search_doc" WHERE "id" = new."id";
END;
-- A contentless index forgets a row by being told its old values again.
CREATE TRIGGER IF NOT EXISTS "bcadmin_user_search_delete" AFTER DELETE ON "user" BEGIN
  INSERT INTO "bcadmin_user_search" ("bcadmin_user_search", "rowid", "email", "name")
    SELECT 'delete', "docid", old."email", old."name" FROM "bcadmin_user_search_doc" WHERE "id" = old."id";
  DELETE FROM "bcadmin_user_search_doc" WHERE "id" = old."id";
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_user_search_update" AFTER UPDATE OF "email", "name", "id" ON "user"
  WHEN old."email" IS NOT new."email" OR old."name" IS NOT new."name" OR old."id" IS NOT new."id" BEGIN
  INSERT INTO "bcadmin_user_search" ("bcadmin_user_search", "rowid", "email", "name")
    SELECT 'delete', "docid", old."email", old."name" FROM "bcadmin_user_search_doc" WHERE "id" = old."id";
  DELETE FROM "bcadmin_user_search_doc" WHERE "id" = old."id";
  INSERT OR REPLACE INTO "bcadmin_user_search_doc" ("id") VALUES (new."id");
  INSERT INTO "bcadmin_user_search" ("rowid", "email", "name")
    SELECT "docid", new."email", new."name" FROM "bcadmin_user_search_doc" WHERE "id" = new."id";
END;
-- Fill from the rows already there, for user rowids :lo to :hi: bcadmin runs these in short
-- transactions over successive ranges, behind the triggers above, so the app's writes are never
-- held up for long (`bcadmin demo` runs them once over every row). A document's docid is its
-- row's rowid: one pass in storage order. A user the triggers already indexed (written since the
-- fill began) keeps its document; the second statement indexes only the documents the first made
-- (docid = rowid: the triggers number theirs above every rowid the fill gives out, see
-- sqlite_driver.c), so no row is indexed twice.
INSERT OR IGNORE INTO "bcadmin_user_search_doc" ("docid", "id") SELECT rowid, "id" FROM "user" WHERE rowid BETWEEN :lo AND :hi AND "id" IS NOT NULL;
INSERT INTO "bcadmin_user_search" ("rowid", "email", "name") SELECT u.rowid, u."email", u."name" FROM "user" AS u JOIN "bcadmin_user_search_doc" AS d ON d."docid" = u.rowid WHERE u.rowid BETWEEN :lo AND :hi AND d."id" = u."id";
