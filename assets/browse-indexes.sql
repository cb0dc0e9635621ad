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
-- Prefix search newest first: the page's rows are picked from this index alone (no row reads).
CREATE INDEX IF NOT EXISTS "bcadmin_user_email_createdAt" ON "user" ("email", "createdAt", "id");
-- Banned users newest first, and their count: only banned rows, so it stays small.
CREATE INDEX IF NOT EXISTS "bcadmin_user_banned_createdAt" ON "user" ("banned", "createdAt", "id", "banExpires") WHERE "banned" = 1;
-- The overview's counts (core/stats): unverified users (verified = all - these; small while most
-- users verify), accounts by provider.
CREATE INDEX IF NOT EXISTS "bcadmin_user_unverified" ON "user" ("createdAt") WHERE "emailVerified" IS NOT 1;
CREATE INDEX IF NOT EXISTS "bcadmin_account_providerId" ON "account" ("providerId");
