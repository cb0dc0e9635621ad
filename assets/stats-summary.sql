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
-- written since the fill began) are the triggers'. The summary is used only once the fill table
-- is empty. A REPLACE that removes a row without its DELETE trigger (recursive_triggers off)
-- would leave it counted: Better Auth never writes with REPLACE.
CREATE TABLE IF NOT EXISTS "bcadmin_stats_day" ("kind" TEXT NOT NULL, "day" NOT NULL, "n" INTEGER NOT NULL, PRIMARY KEY ("kind", "day")) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS "bcadmin_stats_fill" ("tbl" TEXT PRIMARY KEY, "next" INTEGER NOT NULL, "last" INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_insert" AFTER INSERT ON "user" BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'user.createdAt', k, 1 FROM (SELECT CASE WHEN typeof(new."createdAt") = 'text' THEN substr(new."createdAt", 1, 10) WHEN typeof(new."createdAt") IN ('integer', 'real') THEN CASE WHEN new."createdAt" >= 0 THEN CAST(new."createdAt" AS INTEGER) / 86400000 ELSE (CAST(new."createdAt" AS INTEGER) - (new."createdAt" < CAST(new."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'user' AND new.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_delete" AFTER DELETE ON "user" BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'user.createdAt', k, -1 FROM (SELECT CASE WHEN typeof(old."createdAt") = 'text' THEN substr(old."createdAt", 1, 10) WHEN typeof(old."createdAt") IN ('integer', 'real') THEN CASE WHEN old."createdAt" >= 0 THEN CAST(old."createdAt" AS INTEGER) / 86400000 ELSE (CAST(old."createdAt" AS INTEGER) - (old."createdAt" < CAST(old."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'user' AND old.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_user_update" AFTER UPDATE ON "user"
  WHEN old."createdAt" IS NOT new."createdAt" OR old.rowid IS NOT new.rowid BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'user.createdAt', k, -1 FROM (SELECT CASE WHEN typeof(old."createdAt") = 'text' THEN substr(old."createdAt", 1, 10) WHEN typeof(old."createdAt") IN ('integer', 'real') THEN CASE WHEN old."createdAt" >= 0 THEN CAST(old."createdAt" AS INTEGER) / 86400000 ELSE (CAST(old."createdAt" AS INTEGER) - (old."createdAt" < CAST(old."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'user' AND old.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'user.createdAt', k, 1 FROM (SELECT CASE WHEN typeof(new."createdAt") = 'text' THEN substr(new."createdAt", 1, 10) WHEN typeof(new."createdAt") IN ('integer', 'real') THEN CASE WHEN new."createdAt" >= 0 THEN CAST(new."createdAt" AS INTEGER) / 86400000 ELSE (CAST(new."createdAt" AS INTEGER) - (new."createdAt" < CAST(new."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'user' AND new.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_insert" AFTER INSERT ON "session" BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.createdAt', k, 1 FROM (SELECT CASE WHEN typeof(new."createdAt") = 'text' THEN substr(new."createdAt", 1, 10) WHEN typeof(new."createdAt") IN ('integer', 'real') THEN CASE WHEN new."createdAt" >= 0 THEN CAST(new."createdAt" AS INTEGER) / 86400000 ELSE (CAST(new."createdAt" AS INTEGER) - (new."createdAt" < CAST(new."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND new.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.expiresAt', k, 1 FROM (SELECT CASE WHEN typeof(new."expiresAt") = 'text' THEN substr(new."expiresAt", 1, 10) WHEN typeof(new."expiresAt") IN ('integer', 'real') THEN CASE WHEN new."expiresAt" >= 0 THEN CAST(new."expiresAt" AS INTEGER) / 86400000 ELSE (CAST(new."expiresAt" AS INTEGER) - (new."expiresAt" < CAST(new."expiresAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND new.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_delete" AFTER DELETE ON "session" BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.createdAt', k, -1 FROM (SELECT CASE WHEN typeof(old."createdAt") = 'text' THEN substr(old."createdAt", 1, 10) WHEN typeof(old."createdAt") IN ('integer', 'real') THEN CASE WHEN old."createdAt" >= 0 THEN CAST(old."createdAt" AS INTEGER) / 86400000 ELSE (CAST(old."createdAt" AS INTEGER) - (old."createdAt" < CAST(old."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND old.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.expiresAt', k, -1 FROM (SELECT CASE WHEN typeof(old."expiresAt") = 'text' THEN substr(old."expiresAt", 1, 10) WHEN typeof(old."expiresAt") IN ('integer', 'real') THEN CASE WHEN old."expiresAt" >= 0 THEN CAST(old."expiresAt" AS INTEGER) / 86400000 ELSE (CAST(old."expiresAt" AS INTEGER) - (old."expiresAt" < CAST(old."expiresAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND old.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
CREATE TRIGGER IF NOT EXISTS "bcadmin_stats_session_update" AFTER UPDATE ON "session"
  WHEN old."createdAt" IS NOT new."createdAt" OR old."expiresAt" IS NOT new."expiresAt" OR old.rowid IS NOT new.rowid BEGIN
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.createdAt', k, -1 FROM (SELECT CASE WHEN typeof(old."createdAt") = 'text' THEN substr(old."createdAt", 1, 10) WHEN typeof(old."createdAt") IN ('integer', 'real') THEN CASE WHEN old."createdAt" >= 0 THEN CAST(old."createdAt" AS INTEGER) / 86400000 ELSE (CAST(old."createdAt" AS INTEGER) - (old."createdAt" < CAST(old."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND old.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.createdAt', k, 1 FROM (SELECT CASE WHEN typeof(new."createdAt") = 'text' THEN substr(new."createdAt", 1, 10) WHEN typeof(new."createdAt") IN ('integer', 'real') THEN CASE WHEN new."createdAt" >= 0 THEN CAST(new."createdAt" AS INTEGER) / 86400000 ELSE (CAST(new."createdAt" AS INTEGER) - (new."createdAt" < CAST(new."createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND new.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.expiresAt', k, -1 FROM (SELECT CASE WHEN typeof(old."expiresAt") = 'text' THEN substr(old."expiresAt", 1, 10) WHEN typeof(old."expiresAt") IN ('integer', 'real') THEN CASE WHEN old."expiresAt" >= 0 THEN CAST(old."expiresAt" AS INTEGER) / 86400000 ELSE (CAST(old."expiresAt" AS INTEGER) - (old."expiresAt" < CAST(old."expiresAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND old.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
  INSERT INTO "bcadmin_stats_day" ("kind", "day", "n")
    SELECT 'session.expiresAt', k, 1 FROM (SELECT CASE WHEN typeof(new."expiresAt") = 'text' THEN substr(new."expiresAt", 1, 10) WHEN typeof(new."expiresAt") IN ('integer', 'real') THEN CASE WHEN new."expiresAt" >= 0 THEN CAST(new."expiresAt" AS INTEGER) / 86400000 ELSE (CAST(new."expiresAt" AS INTEGER) - (new."expiresAt" < CAST(new."expiresAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k)
    WHERE k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "bcadmin_stats_fill" WHERE "tbl" = 'session' AND new.rowid BETWEEN "next" AND "last")
    ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
END;
-- Fill: count the rows of a table's rowids :TABLE_lo to :TABLE_hi (the parameters name the table
-- whose fill range they take). bcadmin runs these in short transactions over successive ranges
-- and moves "bcadmin_stats_fill" past each in the same transaction; `bcadmin demo` runs them
-- once over every row.
INSERT INTO "bcadmin_stats_day" ("kind", "day", "n") SELECT 'user.createdAt', k, count(*) FROM (SELECT CASE WHEN typeof("createdAt") = 'text' THEN substr("createdAt", 1, 10) WHEN typeof("createdAt") IN ('integer', 'real') THEN CASE WHEN "createdAt" >= 0 THEN CAST("createdAt" AS INTEGER) / 86400000 ELSE (CAST("createdAt" AS INTEGER) - ("createdAt" < CAST("createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k FROM "user" WHERE rowid BETWEEN :user_lo AND :user_hi) WHERE k IS NOT NULL GROUP BY k ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
INSERT INTO "bcadmin_stats_day" ("kind", "day", "n") SELECT 'session.createdAt', k, count(*) FROM (SELECT CASE WHEN typeof("createdAt") = 'text' THEN substr("createdAt", 1, 10) WHEN typeof("createdAt") IN ('integer', 'real') THEN CASE WHEN "createdAt" >= 0 THEN CAST("createdAt" AS INTEGER) / 86400000 ELSE (CAST("createdAt" AS INTEGER) - ("createdAt" < CAST("createdAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k FROM "session" WHERE rowid BETWEEN :session_lo AND :session_hi) WHERE k IS NOT NULL GROUP BY k ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
INSERT INTO "bcadmin_stats_day" ("kind", "day", "n") SELECT 'session.expiresAt', k, count(*) FROM (SELECT CASE WHEN typeof("expiresAt") = 'text' THEN substr("expiresAt", 1, 10) WHEN typeof("expiresAt") IN ('integer', 'real') THEN CASE WHEN "expiresAt" >= 0 THEN CAST("expiresAt" AS INTEGER) / 86400000 ELSE (CAST("expiresAt" AS INTEGER) - ("expiresAt" < CAST("expiresAt" AS INTEGER)) + 1) / 86400000 - 1 END END AS k FROM "session" WHERE rowid BETWEEN :session_lo AND :session_hi) WHERE k IS NOT NULL GROUP BY k ON CONFLICT ("kind", "day") DO UPDATE SET "n" = "n" + excluded."n";
