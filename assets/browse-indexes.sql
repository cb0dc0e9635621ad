-- Indexes bcadmin uses to page, sort and count a large user table without scanning it.
-- Better Auth's own migrations compare tables and columns only, so these extra indexes do not
-- disturb it. `bcadmin demo` adds them; `bcadmin db index` adds them to any Better Auth file.
CREATE INDEX IF NOT EXISTS "bcadmin_user_createdAt" ON "user" ("createdAt", "id");
CREATE INDEX IF NOT EXISTS "bcadmin_user_updatedAt" ON "user" ("updatedAt", "id");
CREATE INDEX IF NOT EXISTS "bcadmin_user_name" ON "user" ("name" COLLATE NOCASE, "id");
CREATE INDEX IF NOT EXISTS "bcadmin_user_role" ON "user" ("role");
CREATE INDEX IF NOT EXISTS "bcadmin_user_banned" ON "user" ("banned", "banExpires");
CREATE INDEX IF NOT EXISTS "bcadmin_session_createdAt" ON "session" ("createdAt", "id");
CREATE INDEX IF NOT EXISTS "bcadmin_session_expiresAt" ON "session" ("expiresAt");
CREATE INDEX IF NOT EXISTS "bcadmin_session_impersonatedBy" ON "session" ("impersonatedBy");
