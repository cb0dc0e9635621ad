/* Unit tests for demo: small demo databases checked with plain SQL against Better Auth's
 * schema and encodings, determinism, and refusals. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "demo.h"
#include "embedded.h"
#include "isotime.h"
#include "password.h"
#include "xalloc.h"

#define NOW_MS 1795757495107LL /* 2026-11-27T05:31:35.107Z */
#define USERS 200

static char tmpdir[256];

static char *tmp_path(const char *name)
{
    return bc_xasprintf("%s/%s", tmpdir, name);
}

static int setup(void **state)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test-demo-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove every file in the temporary directory, then the directory. */
static int teardown(void **state)
{
    DIR *dir = opendir(tmpdir);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *p = tmp_path(e->d_name);
            unlink(p);
            free(p);
        }
    }
    if (dir)
        closedir(dir);
    rmdir(tmpdir);
    return 0;
}

static size_t dir_entries(void)
{
    size_t n = 0;
    DIR *dir = opendir(tmpdir);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (dir)
        closedir(dir);
    return n;
}

static void create(const char *path, uint64_t users, uint64_t seed, bc_demo_report *rep)
{
    bc_demo_opts opts = {.users = users, .seed = seed, .now_ms = NOW_MS};
    bc_error err = {0};
    bc_status st = bc_demo_create(path, &opts, rep, &err);
    if (st != BC_OK)
        fail_msg("bc_demo_create(%s): %s", path, err.msg);
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static char *query_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *v = bc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

/* Every row of every table as text, in primary-key order: two equal dumps mean equal data. */
static char *dump(const char *path)
{
    static const char *const sql[] = {
        "SELECT * FROM \"user\" ORDER BY id", "SELECT * FROM session ORDER BY id",
        "SELECT * FROM account ORDER BY id",  "SELECT * FROM verification ORDER BY id",
        "SELECT * FROM jwks ORDER BY id",
    };
    sqlite3 *db = open_db(path);
    bc_buf b = {0};
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, sql[i], -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                bc_buf_printf(&b, "%s|", v ? v : "<null>");
            }
            bc_buf_puts(&b, "\n");
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return bc_buf_take(&b);
}

/* The asset's statements, as SQLite stores them in sqlite_master (no trailing semicolon). */
static void schema_matches_asset(sqlite3 *db, const char *asset_name)
{
    const struct bc_embedded *asset = bc_embedded_find(bc_assets, asset_name);
    assert_non_null(asset);
    char *text = bc_xstrndup(asset->data, asset->len);
    size_t statements = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "--", 2) == 0 || *line == '\0')
            continue;
        size_t n = strlen(line);
        assert_true(n > 0 && line[n - 1] == ';');
        line[n - 1] = '\0';
        /* SQLite keeps the statement text but drops IF NOT EXISTS from what it stores. */
        static const char ine[] = "CREATE INDEX IF NOT EXISTS ";
        if (strncmp(line, ine, sizeof ine - 1) == 0) {
            line += sizeof ine - 1 - strlen("CREATE INDEX ");
            memcpy(line, "CREATE INDEX ", strlen("CREATE INDEX "));
        }
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE sql = ?",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, line, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != 1)
            fail_msg("not in sqlite_master verbatim: %s", line);
        sqlite3_finalize(st);
        statements++;
    }
    assert_true(statements > 0);
    free(text);
}

static void schema_is_exact(void **state)
{
    char *path = tmp_path("schema.db");
    bc_demo_report rep;
    create(path, USERS, 1, &rep);
    sqlite3 *db = open_db(path);
    schema_matches_asset(db, "better-auth-schema.sql");
    schema_matches_asset(db, "browse-indexes.sql");
    /* Nothing else: 5 tables, 3 schema indexes, one per browsing index, SQLite's autoindexes. */
    const struct bc_embedded *idx = bc_embedded_find(bc_assets, "browse-indexes.sql");
    int browse = 0;
    for (const char *p = strstr(idx->data, "CREATE INDEX"); p; p = strstr(p + 1, "CREATE INDEX"))
        browse++;
    /* The search index: its doc table, the FTS5 table and its 3 shadow tables (data, idx,
     * config: contentless and without column sizes), 3 triggers; filled from every user. The
     * overview summary: its 2 tables, 2 views and 9 triggers (one on a view), filled from every
     * row. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE sql IS NOT NULL"),
                     5 + 3 + browse + 8 + 13);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name LIKE 'bcadmin_stats_%'"),
                     9);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bcadmin_stats_fill"), 0);
    assert_int_equal(query_int(db, "SELECT sum(n) FROM bcadmin_stats_day WHERE kind = "
                                   "'user.createdAt'"),
                     USERS);
    assert_int_equal(query_int(db, "SELECT sum(n) FROM bcadmin_stats_day WHERE kind = "
                                   "'session.expiresAt'"),
                     (int64_t)rep.sessions);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'user' AND name LIKE 'bcadmin_user_search_%'"),
                     3);
    assert_int_equal(query_int(db, "SELECT count(*) FROM bcadmin_user_search_doc"), USERS);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" JOIN bcadmin_user_search_doc "
                                   "d ON d.id = \"user\".id AND d.docid = \"user\".rowid"),
                     USERS);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE "
                                   "'sqlite_stat%'"),
                     0);
    /* The FTS5 rows were made on another thread and copied in: FTS5 finds them consistent,
     * and every user whose email or name holds a trigram is among its candidates. */
    sqlite3 *rw;
    assert_int_equal(sqlite3_open(path, &rw), SQLITE_OK);
    sqlite3_exec(rw,
                 "INSERT INTO bcadmin_user_search (bcadmin_user_search) VALUES "
                 "('integrity-check')",
                 NULL, NULL, NULL);
    assert_string_equal(sqlite3_errmsg(rw), "not an error");
    sqlite3_close(rw);
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM \"user\" WHERE instr(lower(email), ?1) "
                           "OR instr(lower(name), ?1)), (SELECT count(*) FROM \"user\" "
                           "WHERE (instr(lower(email), ?1) OR instr(lower(name), ?1)) AND id "
                           "IN (SELECT id FROM bcadmin_user_search_doc WHERE docid IN "
                           "(SELECT rowid FROM bcadmin_user_search WHERE "
                           "bcadmin_user_search MATCH '\"' || ?1 || '\"')))",
                           -1, &st, NULL),
        SQLITE_OK);
    static const char *const grams[] = {"adm", "min", "@de", "com", "exa", "son",
                                        "ill", "an ", "ar",  "e.c", ".io", "ing"};
    int64_t found = 0;
    for (size_t i = 0; i < sizeof grams / sizeof grams[0]; i++) {
        if (strlen(grams[i]) != 3)
            continue;
        sqlite3_bind_text(st, 1, grams[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int64_t like = sqlite3_column_int64(st, 0), in_index = sqlite3_column_int64(st, 1);
        if (like != in_index)
            fail_msg("trigram \"%s\": %lld users hold it, %lld of them in the index", grams[i],
                     (long long)like, (long long)in_index);
        found += like;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    assert_true(found > USERS); /* the trigrams are really there ("adm" at least once) */
    /* A normal rollback-journal file, not left in journal_mode=OFF or WAL. */
    char *mode = query_text(db, "PRAGMA journal_mode");
    assert_string_equal(mode, "delete");
    free(mode);
    char *ok = query_text(db, "PRAGMA integrity_check");
    assert_string_equal(ok, "ok");
    free(ok);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_close(db);
    free(path);
}

static void counts_and_report(void **state)
{
    char *path = tmp_path("counts.db");
    bc_demo_report rep;
    create(path, USERS, 7, &rep);
    sqlite3 *db = open_db(path);
    assert_int_equal(rep.users, USERS);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\""), USERS);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session"), (int64_t)rep.sessions);
    assert_int_equal(query_int(db, "SELECT count(*) FROM account"), (int64_t)rep.accounts);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE role LIKE '%admin%'"),
                     (int64_t)rep.admins);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE banned = 1"),
                     (int64_t)rep.banned);
    /* About two sessions per user, at least one account per user. */
    assert_in_range(rep.sessions, USERS * 3 / 2, USERS * 5 / 2);
    assert_true(rep.accounts >= USERS);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" u WHERE NOT EXISTS "
                                   "(SELECT 1 FROM account a WHERE a.userId = u.id)"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM verification"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM jwks"), 0);
    /* The first admin is the one the report names, and can sign in with the demo password. */
    assert_string_equal(rep.first_admin_email, "admin@demo.bcadmin.test");
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" u JOIN account a ON "
                                   "a.userId = u.id AND a.providerId = 'credential' WHERE "
                                   "u.email = 'admin@demo.bcadmin.test' AND u.role = 'admin' "
                                   "AND u.banned = 0"),
                     1);
    sqlite3_close(db);
    free(path);
}

static void deterministic(void **state)
{
    char *a = tmp_path("a.db"), *b = tmp_path("b.db"), *c = tmp_path("c.db");
    bc_demo_report ra, rb, rc;
    create(a, USERS, 42, &ra);
    create(b, USERS, 42, &rb);
    create(c, USERS, 43, &rc);
    char *da = dump(a), *db = dump(b), *dc = dump(c);
    assert_true(strlen(da) > USERS * 100);
    assert_string_equal(da, db);
    assert_string_not_equal(da, dc);
    assert_memory_equal(&ra, &rb, sizeof ra);
    free(da);
    free(db);
    free(dc);
    free(a);
    free(b);
    free(c);
}

static void different_now_moves_dates(void **state)
{
    char *a = tmp_path("now1.db"), *b = tmp_path("now2.db");
    bc_demo_opts opts = {.users = 50, .seed = 5, .now_ms = NOW_MS};
    bc_error err = {0};
    assert_int_equal(bc_demo_create(a, &opts, NULL, &err), BC_OK);
    opts.now_ms = NOW_MS + 86400000;
    assert_int_equal(bc_demo_create(b, &opts, NULL, &err), BC_OK);
    /* Same seed, "now" a day later: every sign-up moves by exactly one day. */
    sqlite3 *db = open_db(a);
    char *first = query_text(db, "SELECT group_concat(unixepoch(createdAt) + 86400) FROM (SELECT "
                                 "createdAt FROM \"user\" ORDER BY createdAt)");
    sqlite3_close(db);
    db = open_db(b);
    char *newest = query_text(db, "SELECT group_concat(unixepoch(createdAt)) FROM (SELECT "
                                  "createdAt FROM \"user\" ORDER BY createdAt)");
    sqlite3_close(db);
    assert_string_equal(first, newest);
    free(first);
    free(newest);
    free(a);
    free(b);
}

/* Every id and token: 32 characters of [A-Za-z0-9]. */
static void ids_and_tokens(void **state)
{
    char *path = tmp_path("ids.db");
    bc_demo_report rep;
    create(path, USERS, 3, &rep);
    sqlite3 *db = open_db(path);
    const char *bad_id = "length(%s) <> 32 OR %s GLOB '*[^A-Za-z0-9]*'";
    static const char *const cols[][2] = {
        {"\"user\"", "id"},    {"session", "id"}, {"session", "token"},
        {"session", "userId"}, {"account", "id"}, {"account", "userId"},
    };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        char *cond = bc_xasprintf(bad_id, cols[i][1], cols[i][1]);
        char *sql = bc_xasprintf("SELECT count(*) FROM %s WHERE %s", cols[i][0], cond);
        if (query_int(db, sql) != 0)
            fail_msg("bad ids: %s", sql);
        free(sql);
        free(cond);
    }
    assert_int_equal(query_int(db, "SELECT count(DISTINCT id) FROM \"user\""), USERS);
    /* Ids are handed out in ascending order but drawn uniformly: as a set, their first
     * characters fall into digits, upper and lower case about 10:26:26, at every position. */
    static const char *const spread[] = {"substr(token, 1, 1)", "substr(token, 32, 1)",
                                         "substr(id, 1, 1)", "substr(id, 16, 1)"};
    for (size_t i = 0; i < sizeof spread / sizeof *spread; i++) {
        int64_t n = (int64_t)rep.sessions;
        static const char *const classes[][2] = {{"[0-9]", "10"}, {"[A-Z]", "26"}, {"[a-z]", "26"}};
        for (size_t c = 0; c < 3; c++) {
            char *sql = bc_xasprintf("SELECT count(*) FROM session WHERE %s GLOB '%s'", spread[i],
                                     classes[c][0]);
            int64_t expect = n * atoi(classes[c][1]) / 62, got = query_int(db, sql);
            if (got < expect / 2 || got > expect * 3 / 2)
                fail_msg("%s: %lld, expected about %lld", sql, (long long)got, (long long)expect);
            free(sql);
        }
    }
    /* Sessions and accounts point at real users; impersonators are admins. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM session WHERE userId NOT IN (SELECT id "
                                   "FROM \"user\")"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session s WHERE impersonatedBy IS NOT "
                                   "NULL AND NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = "
                                   "s.impersonatedBy AND u.role LIKE '%admin%')"),
                     0);
    sqlite3_close(db);
    free(path);
}

static bool iso_ok(const char *s)
{
    int64_t ms;
    char back[BC_ISO_LEN + 1];
    if (s == NULL || strlen(s) != BC_ISO_LEN || !bc_iso_parse(s, BC_ISO_LEN, &ms))
        return false;
    bc_iso_format(ms, back);
    return strcmp(back, s) == 0;
}

static void dates(void **state)
{
    char *path = tmp_path("dates.db");
    bc_demo_report rep;
    create(path, USERS, 11, &rep);
    sqlite3 *db = open_db(path);
    static const char *const sql[] = {
        "SELECT createdAt, updatedAt, banExpires FROM \"user\"",
        "SELECT createdAt, updatedAt, expiresAt FROM session",
        "SELECT createdAt, updatedAt, accessTokenExpiresAt, refreshTokenExpiresAt FROM account",
    };
    size_t checked = 0;
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, sql[i], -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                if (sqlite3_column_type(st, c) == SQLITE_NULL) {
                    assert_true(c >= 2); /* createdAt and updatedAt are never NULL */
                    continue;
                }
                const char *v = (const char *)sqlite3_column_text(st, c);
                if (!iso_ok(v))
                    fail_msg("not an ISO date with ms: %s (%s)", v, sql[i]);
                checked++;
            }
        }
        sqlite3_finalize(st);
    }
    assert_true(checked > USERS * 6);
    /* updatedAt never precedes createdAt; everything happened before now. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE updatedAt < createdAt "
                                   "OR createdAt > '2026-11-27T05:31:35.107Z' OR createdAt < "
                                   "'2023-11-27'"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session WHERE updatedAt < createdAt OR "
                                   "createdAt > '2026-11-27T05:31:35.107Z'"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM account WHERE updatedAt < createdAt"), 0);
    /* A user's sessions and accounts start no earlier than the user. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM session s JOIN \"user\" u ON u.id = "
                                   "s.userId WHERE s.createdAt < u.createdAt"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM account a JOIN \"user\" u ON u.id = "
                                   "a.userId WHERE a.createdAt < u.createdAt"),
                     0);
    sqlite3_close(db);
    free(path);
}

static void users_content(void **state)
{
    char *path = tmp_path("users.db");
    bc_demo_report rep;
    create(path, USERS, 13, &rep);
    sqlite3 *db = open_db(path);
    /* Emails: lowercase, unique, one @. */
    assert_int_equal(query_int(db, "SELECT count(DISTINCT email) FROM \"user\""), USERS);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE email <> lower(email) OR "
                                   "email NOT GLOB '?*@?*.?*' OR email GLOB '*@*@*'"),
                     0);
    /* Names: some outside ASCII. */
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE name GLOB '*[^ -~]*'") > 0);
    /* Booleans are 0/1 integers; banned is 0 (not NULL) for ordinary users. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE typeof(emailVerified) <> "
                                   "'integer' OR emailVerified NOT IN (0, 1) OR typeof(banned) <> "
                                   "'integer' OR banned NOT IN (0, 1)"),
                     0);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE emailVerified = 1") > USERS / 2);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE image IS NULL") > USERS / 2);
    /* Roles. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE role NOT IN ('user', "
                                   "'admin', 'user,admin')"),
                     0);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE role = 'admin'") >= 2);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE role = 'user,admin'") >= 1);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE role = 'user'") > USERS / 2);
    /* Bans: permanent, future and expired, each with a reason; nobody else has ban fields. */
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE banned = 1 AND banExpires IS "
                              "NULL") >= 1);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE banned = 1 AND banExpires > "
                              "'2026-11-27T05:31:35.107Z'") >= 1);
    assert_true(query_int(db, "SELECT count(*) FROM \"user\" WHERE banned = 1 AND banExpires < "
                              "'2026-11-27T05:31:35.107Z'") >= 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE banned = 1 AND (banReason "
                                   "IS NULL OR banReason = '')"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\" WHERE banned = 0 AND (banReason "
                                   "IS NOT NULL OR banExpires IS NOT NULL)"),
                     0);
    /* Banning deletes sessions, so banned users have none. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM session s JOIN \"user\" u ON u.id = "
                                   "s.userId WHERE u.banned = 1"),
                     0);
    sqlite3_close(db);
    free(path);
}

static void sessions_content(void **state)
{
    char *path = tmp_path("sessions.db");
    bc_demo_report rep;
    create(path, USERS, 17, &rep);
    sqlite3 *db = open_db(path);
    const char *now = "'2026-11-27T05:31:35.107Z'";
    char *sql;
    /* Active and expired ordinary sessions, both 7 days long. */
    sql = bc_xasprintf("SELECT count(*) FROM session WHERE impersonatedBy IS NULL AND expiresAt "
                       "> %s",
                       now);
    assert_true(query_int(db, sql) > 0);
    free(sql);
    sql = bc_xasprintf("SELECT count(*) FROM session WHERE impersonatedBy IS NULL AND expiresAt "
                       "< %s",
                       now);
    assert_true(query_int(db, sql) > 0);
    free(sql);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session WHERE impersonatedBy IS NULL AND "
                                   "unixepoch(expiresAt) - unixepoch(createdAt) <> 7 * 86400"),
                     0);
    /* Impersonation sessions: one hour long, by an admin, on a non-admin. */
    assert_true(query_int(db, "SELECT count(*) FROM session WHERE impersonatedBy IS NOT NULL") >=
                2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session WHERE impersonatedBy IS NOT NULL "
                                   "AND unixepoch(expiresAt) - unixepoch(createdAt) <> 3600"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session s JOIN \"user\" u ON u.id = "
                                   "s.userId WHERE s.impersonatedBy IS NOT NULL AND u.role LIKE "
                                   "'%admin%'"),
                     0);
    /* '' for an unknown address, as Better Auth writes it, and a user agent on each. */
    assert_true(query_int(db, "SELECT count(*) FROM session WHERE ipAddress = ''") > 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM session WHERE ipAddress IS NULL OR "
                                   "userAgent IS NULL OR userAgent = ''"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(DISTINCT token) FROM session"),
                     (int64_t)rep.sessions);
    sqlite3_close(db);
    free(path);
}

static void accounts_content(void **state)
{
    char *path = tmp_path("accounts.db");
    bc_demo_report rep;
    create(path, USERS, 19, &rep);
    sqlite3 *db = open_db(path);
    /* Credential: accountId = user id, one shared hash that verifies with the demo password. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM account WHERE providerId = 'credential' "
                                   "AND (accountId <> userId OR password IS NULL)"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(DISTINCT password) FROM account WHERE "
                                   "providerId = 'credential'"),
                     1);
    char *hash = query_text(db, "SELECT password FROM account WHERE providerId = 'credential' "
                                "LIMIT 1");
    assert_true(bc_password_verify(BC_DEMO_PASSWORD, hash));
    assert_false(bc_password_verify("demo-password-124", hash));
    free(hash);
    /* Social: google and github, no password, tokens set, a provider-like accountId. */
    assert_true(query_int(db, "SELECT count(*) FROM account WHERE providerId = 'google'") >= 1);
    assert_true(query_int(db, "SELECT count(*) FROM account WHERE providerId = 'github'") >= 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM account WHERE providerId IN ('google', "
                                   "'github') AND (password IS NOT NULL OR accessToken IS NULL "
                                   "OR accountId GLOB '*[^0-9]*' OR scope IS NULL)"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM account WHERE providerId NOT IN "
                                   "('credential', 'google', 'github')"),
                     0);
    /* Some users have both a password and a linked social account; nobody has two of a kind. */
    assert_true(query_int(db, "SELECT count(*) FROM (SELECT userId FROM account GROUP BY userId "
                              "HAVING count(*) = 2)") >= 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM (SELECT 1 FROM account GROUP BY userId, "
                                   "providerId HAVING count(*) > 1)"),
                     0);
    sqlite3_close(db);
    free(path);
}

static void tiny_databases(void **state)
{
    /* One user: only the known admin; a few users: every kind still fits or is skipped. */
    for (uint64_t n = 1; n <= 12; n += 11) {
        char *path = bc_xasprintf("%s/tiny-%llu.db", tmpdir, (unsigned long long)n);
        bc_demo_report rep;
        create(path, n, 1, &rep);
        assert_int_equal(rep.users, n);
        assert_true(rep.admins >= 1);
        sqlite3 *db = open_db(path);
        assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\""), (int64_t)n);
        sqlite3_close(db);
        free(path);
    }
}

static void default_user_count(void **state)
{
    char *path = tmp_path("default.db");
    bc_demo_report rep;
    create(path, 0, 0, &rep);
    assert_int_equal(rep.users, BC_DEMO_USERS_DEFAULT);
    free(path);
}

static void refuses_existing_file(void **state)
{
    char *path = tmp_path("exists.db");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("precious", f);
    fclose(f);
    size_t before = dir_entries();
    bc_demo_opts opts = {.users = 20, .now_ms = NOW_MS};
    bc_demo_report rep;
    bc_error err = {0};
    assert_int_equal(bc_demo_create(path, &opts, &rep, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(rep.users, 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 8); /* untouched */
    assert_int_equal(dir_entries(), before);
    /* With force it is replaced, and a stale journal beside it goes too. */
    char *journal = bc_xasprintf("%s-journal", path);
    f = fopen(journal, "w");
    assert_non_null(f);
    fclose(f);
    opts.force = 1;
    assert_int_equal(bc_demo_create(path, &opts, &rep, &err), BC_OK);
    assert_int_equal(rep.users, 20);
    assert_int_not_equal(stat(journal, &sb), 0);
    sqlite3 *db = open_db(path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM \"user\""), 20);
    sqlite3_close(db);
    assert_int_equal(dir_entries(), before);
    /* A directory is never replaced, even with force. */
    assert_int_equal(bc_demo_create(tmpdir, &opts, &rep, &err), BC_REFUSED);
    free(journal);
    free(path);
}

static void missing_directory(void **state)
{
    char *path = tmp_path("no-such-dir/demo.db");
    size_t before = dir_entries();
    bc_demo_opts opts = {.users = 20, .now_ms = NOW_MS};
    bc_error err = {0};
    assert_int_equal(bc_demo_create(path, &opts, NULL, &err), BC_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no-such-dir"));
    assert_non_null(strstr(err.msg, "does not exist"));
    assert_int_equal(dir_entries(), before);
    assert_int_equal(bc_demo_create("", &opts, NULL, &err), BC_USAGE);
    free(path);
}

/* A failure leaves nothing behind: an unwritable directory (the temporary file cannot be made;
 * root ignores the mode, so then the call just succeeds), and a refused size. */
static void failure_leaves_nothing(void **state)
{
    char *sub = tmp_path("ro");
    assert_int_equal(mkdir(sub, 0755), 0);
    char *path = tmp_path("ro/demo.db"); /* inside sub */
    assert_int_equal(chmod(sub, 0555), 0);
    bc_demo_opts opts = {.users = 20, .now_ms = NOW_MS};
    bc_error err = {0};
    bc_status st = bc_demo_create(path, &opts, NULL, &err);
    if (access(sub, W_OK) != 0) { /* root ignores the mode; nothing to test then */
        assert_int_equal(st, BC_ERR);
        assert_non_null(strstr(err.msg, "temporary file"));
    }
    chmod(sub, 0755);
    if (st == BC_OK)
        unlink(path);
    DIR *dir = opendir(sub);
    struct dirent *e;
    size_t left = 0;
    while ((e = readdir(dir)) != NULL)
        left += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(dir);
    assert_int_equal(left, 0);
    rmdir(sub);

    /* Too many users is refused before any file is made. */
    size_t before = dir_entries();
    opts.users = 1000000000ULL;
    char *big = tmp_path("big.db");
    assert_int_equal(bc_demo_create(big, &opts, NULL, &err), BC_USAGE);
    assert_int_equal(dir_entries(), before);
    free(big);
    free(path);
    free(sub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schema_is_exact),    cmocka_unit_test(counts_and_report),
        cmocka_unit_test(deterministic),      cmocka_unit_test(different_now_moves_dates),
        cmocka_unit_test(ids_and_tokens),     cmocka_unit_test(dates),
        cmocka_unit_test(users_content),      cmocka_unit_test(sessions_content),
        cmocka_unit_test(accounts_content),   cmocka_unit_test(tiny_databases),
        cmocka_unit_test(default_user_count), cmocka_unit_test(refuses_existing_file),
        cmocka_unit_test(missing_directory),  cmocka_unit_test(failure_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
