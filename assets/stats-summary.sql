-- bcadmin's overview summary: how many users were created, sessions created and sessions expire
-- on each UTC day, kept by triggers, so the overview (screen 0, `bcadmin stats`) reads a few
-- hundred summary rows instead of walking a million index entries: rows per day for the charts,
-- and "active now" as the sessions expiring after today plus one index range within today.
--
-- A date is counted under the key of the range a count over the date's index would find it in
-- (exactly, whatever the app stored): a text date under its first 10 characters (a text lies in
-- 'YYYY-MM-DD' <= t < the next day's exactly when its first 10 characters do, bytewise, as
-- SQLite compares text), a number (epoch milliseconds) under its UTC day number (floor(ms /
-- 86400000), the day [d, d + 1) it lies in); NULL and blobs are not counted (no day range holds
-- them). The "day" column has no type, so text keys stay text and numbers numbers: a text range
-- of keys never meets a number and the other way round.
--
-- The triggers run inside the app's own writes: they never fail on a value Better Auth can write
-- (NULL, integers, reals, ISO or any text, updates that change a date, deletes; integer overflow
-- in SQLite becomes a real, never an error) and use nothing newer than UPSERT (SQLite 3.24).
-- `bcadmin db index` adds all of this; `bcadmin db index --drop` removes it. Better Auth's
-- migrations compare tables and columns of its own models only.
--
-- Fill: while `db index` counts the rows already there (in short transactions, behind the
-- triggers), "bcadmin_stats_fill" holds per table the rowids not counted yet, next to last. The
-- triggers leave those rows alone (the fill counts them as they are when it reaches them), so a
-- row is counted once whatever the app does meanwhile; rows outside the range (counted, or
-- written since the fill began) are the triggers'. The ids of the rows at both ends tell the fill
-- whether rowids were renumbered meanwhile (then it starts over). The summary is used only once
-- the fill table is empty. A REPLACE that removes a row without its DELETE trigger (recursive_triggers off)
-- would leave it counted: Better Auth never writes with REPLACE.
CREATE TABLE IF NOT EXISTS "bcadmin_stats_day" ("kind" TEXT NOT NULL, "day" NOT NULL, "n" INTEGER NOT NULL, PRIMARY KEY ("kind", "day")) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS "bcadmin_stats_fill" ("tbl" TEXT PRIMARY KEY, "next" INTEGER NOT NULL, "next_id", "last" INTEGER NOT NULL, "last_id");
-- Every counted date of every row with its key: the one place the key rule is written. A lookup
-- by table and rowid reads that row alone (SQLite pushes the terms into each branch).
CREATE VIEW IF NOT EXISTS "bcadmin_stats_keys" AS
  SELECT "tbl", "rid", "kind", CASE WHEN typeof(v) = 'text' THEN substr(v, 1, 10)
    WHEN typeof(v) IN ('integer', 'real') THEN CASE WHEN v >= 0 THEN CAST(v AS INTEGER) / 86400000
      ELSE (CAST(v AS INTEGER) - (v < CAST(v AS INTEGER)) + 1) / 86400000 - 1 END END AS "day"
  FROM (SELECT 'user' AS "tbl", rowid AS "rid", 'user.createdAt' AS "kind", "createdAt" AS v FROM "user"
    UNION ALL SELECT 'session', rowid, 'session.createdAt', "createdAt" FROM "session"
    UNION ALL SELECT 'session', rowid, 'session.expiresAt', "expiresAt" FROM "session");
-- Counting a row in (n = 1) or out (n = -1): a row goes to the summary through this view, whose
-- trigger adds its keys' counts, unless the fill has yet to reach it.
CREATE VIEW IF NOT EXISTS "bcadmin_stats_change" AS SELECT NULL AS "tbl", NULL AS "rid", NULL AS "n";
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_change_add" INSTEAD OF INSERT ON "bcadmin_stats_change" BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT "kind", "day", new."n" FROM "bcadmin_stats_keys" WHERE "tbl" = new."tbl" AND "rid" = new."rid" AND "day" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" AS f WHERE f."tbl" = new."tbl" AND new."rid" BETWEEN f."next" AND f."last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
-- A row is counted out before it is deleted or changed (its old dates are still in the table) and
-- counted in after it is inserted or changed. Updates that touch neither date nor rowid pass by.
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_insert" AFTER INSERT ON "user" BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('user', new.rowid, 1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_delete" BEFORE DELETE ON "user" BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('user', old.rowid, -1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_update_old" BEFORE UPDATE ON "user"
  WHEN old."createdAt" IS NOT new."createdAt" OR old.rowid IS NOT new.rowid BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('user', old.rowid, -1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_update_new" AFTER UPDATE ON "user"
  WHEN old."createdAt" IS NOT new."createdAt" OR old.rowid IS NOT new.rowid BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('user', new.rowid, 1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_insert" AFTER INSERT ON "session" BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('session', new.rowid, 1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_delete" BEFORE DELETE ON "session" BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('session', old.rowid, -1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_update_old" BEFORE UPDATE ON "session"
  WHEN old."createdAt" IS NOT new."createdAt" OR old."expiresAt" IS NOT new."expiresAt" OR old.rowid IS NOT new.rowid BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('session', old.rowid, -1);
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_update_new" AFTER UPDATE ON "session"
  WHEN old."createdAt" IS NOT new."createdAt" OR old."expiresAt" IS NOT new."expiresAt" OR old.rowid IS NOT new.rowid BEGIN
  INSERT INTO "bcadmin_stats_change" VALUES ('session', new.rowid, 1);
END;
-- Fill: count the rows of a table's rowids :TABLE_lo to :TABLE_hi (the parameters name the table
-- whose fill range they take). bcadmin runs these in short transactions over successive ranges
-- and moves "bcadmin_stats_fill" past each in the same transaction; `bcadmin demo` runs them
-- once over every row.
INSERT INTO "bcadmin_stats_day" ("kind", "day", "n") SELECT "kind", "day", count(*) FROM "bcadmin_stats_keys" WHERE "tbl" = 'user' AND "rid" BETWEEN :user_lo AND :user_hi AND "day" IS NOT NULL GROUP BY "kind", "day" ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
INSERT INTO "bcadmin_stats_day" ("kind", "day", "n") SELECT "kind", "day", count(*) FROM "bcadmin_stats_keys" WHERE "tbl" = 'session' AND "rid" BETWEEN :session_lo AND :session_hi AND "day" IS NOT NULL GROUP BY "kind", "day" ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
