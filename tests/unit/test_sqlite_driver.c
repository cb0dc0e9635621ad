/* Unit tests for the SQLite driver: schema checks, encodings, search, filters, sorts, keyset
 * pages, totals, writes, locks and read-only, on temporary files made with the exact Better
 * Auth schema (assets/better-auth-schema.sql). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ctype.h>
#include <unicase.h>
#include <uninorm.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "cursor.h"
#include "driver.h"
#include "embedded.h"
#include "isotime.h"
#include "sqlite_driver.h"

#define NOW "2026-01-01T00:00:00.000Z"

typedef struct {
    char path[64];
    sqlite3 *raw; /* a second, independent connection: the "app" */
    bc_driver *d;
} fixture;

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

static void make_file(fixture *f)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(f->path, sizeof f->path, "%s/bc_sqlite_XXXXXX", dir);
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sqlite3_open(f->path, &f->raw), SQLITE_OK);
}

static void remove_file(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < 4; i++) {
        char *p = bc_xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
}

static void open_driver(fixture *f, bool read_only, int timeout)
{
    bc_driver_close(f->d); /* reopening with other options */
    f->d = NULL;
    bc_error err = {0};
    bc_sqlite_opts o = {.read_only = read_only, .busy_timeout_ms = timeout};
    bc_status st = bc_sqlite_open(f->path, &o, &f->d, &err);
    if (st != BC_OK)
        fail_msg("open: %s", err.msg);
}

/* The Better Auth schema plus the extra columns a real app has. */
static int setup_schema(void **state)
{
    setenv("BCADMIN_NOW", NOW, 1);
    fixture *f = calloc(1, sizeof *f);
    make_file(f);
    exec(f->raw, bc_embedded_find(bc_assets, "better-auth-schema.sql")->data);
    exec(f->raw, "ALTER TABLE \"user\" ADD COLUMN \"username\" text;"
                 "ALTER TABLE \"user\" ADD COLUMN \"twoFactorEnabled\" integer;"
                 "ALTER TABLE \"user\" ADD COLUMN \"phoneNumber\" text;"
                 "ALTER TABLE \"user\" ADD COLUMN \"lastSeen\" date;");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_driver_close(f->d);
    sqlite3_close(f->raw);
    remove_file(f->path);
    free(f);
    return 0;
}

typedef struct {
    const char *id, *name, *email;
    int verified;
    const char *created, *updated, *role;
    int banned; /* -1: NULL */
    const char *ban_expires;
} seed_user;

/* A small known data set: search, role, ban and verified cases. NOW is 2026-01-01. */
static const seed_user seed[] = {
    {"u01", "Alice Smith", "alice@example.com", 1, "2025-01-01T10:00:00.000Z",
     "2025-03-10T00:00:00.000Z", "user", 0, NULL},
    {"u02", "Bob Jones", "bob@example.com", 0, "2025-01-02T10:00:00.000Z",
     "2025-03-09T00:00:00.000Z", "user,admin", 0, NULL},
    {"u03", "Carol 100% Real", "carol@test.org", 1, "2025-01-03T10:00:00.000Z",
     "2025-03-08T00:00:00.000Z", "admin", -1, NULL},
    {"u04", "Dan_Underscore", "dan@example.com", 1, "2025-01-04T10:00:00.000Z",
     "2025-03-07T00:00:00.000Z", "user", 1, NULL},
    {"u05", "eve", "eve@sample.net", 0, "2025-01-05T10:00:00.000Z", "2025-03-06T00:00:00.000Z",
     "user", 1, "2027-01-01T00:00:00.000Z"},
    {"u06", "Frank", "frank@example.com", 1, "2025-01-06T10:00:00.000Z", "2025-03-05T00:00:00.000Z",
     NULL, 1, "2025-06-01T00:00:00.000Z"},
    {"u07", "grace Hopper", "grace_h@navy.mil", 1, "2025-01-07T10:00:00.000Z",
     "2025-03-04T00:00:00.000Z", "moderator", 0, NULL},
    {"u08", "Ümit Ölmez", "umit@example.com", 0, "2025-01-08T10:00:00.000Z",
     "2025-03-03T00:00:00.000Z", "user", 0, NULL},
    {"u09", "alice cooper", "cooper@rock.example", 1, "2025-01-09T10:00:00.000Z",
     "2025-03-02T00:00:00.000Z", NULL, 0, NULL},
    {"u10", "Admin Ish", "administrator@example.com", 1, "2025-01-10T10:00:00.000Z",
     "2025-03-01T00:00:00.000Z", "superadmin", 0, NULL},
};
#define N_SEED (sizeof seed / sizeof seed[0])

static void insert_raw_user(sqlite3 *db, const seed_user *u)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO \"user\" (id, name, email, emailVerified, "
                                        "createdAt, updatedAt, role, banned, banExpires) "
                                        "VALUES (?,?,?,?,?,?,?,?,?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, u->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->email, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, u->verified);
    sqlite3_bind_text(st, 5, u->created, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, u->updated, -1, SQLITE_STATIC);
    if (u->role)
        sqlite3_bind_text(st, 7, u->role, -1, SQLITE_STATIC);
    if (u->banned >= 0)
        sqlite3_bind_int(st, 8, u->banned);
    if (u->ban_expires)
        sqlite3_bind_text(st, 9, u->ban_expires, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static int setup_seeded(void **state)
{
    setup_schema(state);
    fixture *f = *state;
    for (size_t i = 0; i < N_SEED; i++)
        insert_raw_user(f->raw, &seed[i]);
    open_driver(f, false, 0);
    return 0;
}

/* The ids of one page, as a string "u01 u02 ..." (for readable failures). */
static char *page_ids(const bc_page *p)
{
    bc_buf b = {0};
    bc_buf_puts(&b, "");
    for (size_t i = 0; i < p->rows.n; i++)
        bc_buf_printf(&b, "%s%s", i ? " " : "", bc_record_text(&p->rows.items[i], "id"));
    return bc_buf_take(&b);
}

/* Every id the query matches, one page of `limit` at a time, following next cursors. */
static char *all_ids(bc_driver *d, bc_user_query q, size_t limit)
{
    q.limit = limit;
    bc_buf b = {0};
    bc_buf_puts(&b, "");
    char *cursor = NULL;
    for (int guard = 0; guard < 100; guard++) {
        q.cursor = cursor;
        bc_page p;
        bc_error err = {0};
        if (bc_driver_users_page(d, &q, &p, &err) != BC_OK)
            fail_msg("users_page: %s", err.msg);
        char *ids = page_ids(&p);
        bc_buf_printf(&b, "%s%s", b.len && *ids ? " " : "", ids);
        free(ids);
        free(cursor);
        cursor = p.next_cursor ? bc_xstrdup(p.next_cursor) : NULL;
        if (guard == 0)
            assert_null(p.prev_cursor);
        bc_page_release(&p);
        if (!cursor)
            break;
    }
    return bc_buf_take(&b);
}

static char *query_ids(bc_driver *d, bc_user_query q)
{
    return all_ids(d, q, BC_PAGE_MAX);
}

static void assert_query(bc_driver *d, bc_user_query q, const char *expected)
{
    char *got = query_ids(d, q);
    assert_string_equal(got, expected);
    free(got);
}

/* --- opening --------------------------------------------------------------------------------- */

static void refuses_missing_file(void **state)
{
    bc_driver *d = NULL;
    bc_error err = {0};
    const char *path = "/tmp/bc_no_such_dir_xyz/none.db";
    assert_int_equal(bc_sqlite_open(path, NULL, &d, &err), BC_NOT_FOUND);
    assert_null(d);
    assert_non_null(strstr(err.msg, path));
    assert_int_not_equal(access(path, F_OK), 0);

    char tmpl[] = "/tmp/bc_missing_XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    unlink(tmpl);
    assert_int_equal(bc_sqlite_open(tmpl, NULL, &d, &err), BC_NOT_FOUND);
    assert_int_not_equal(access(tmpl, F_OK), 0); /* never created */
}

static void refuses_non_sqlite_file(void **state)
{
    char tmpl[] = "/tmp/bc_garbage_XXXXXX";
    int fd = mkstemp(tmpl);
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 131 + 7);
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    bc_driver *d = NULL;
    bc_error err = {0};
    assert_int_equal(bc_sqlite_open(tmpl, NULL, &d, &err), BC_ERR);
    assert_null(d);
    assert_non_null(strstr(err.msg, "is not a SQLite database"));
    assert_non_null(strstr(err.msg, tmpl));
    unlink(tmpl);
}

static void refuses_other_sqlite_database(void **state)
{
    fixture f = {0};
    make_file(&f);
    exec(f.raw, "CREATE TABLE \"user\" (id text primary key, name text, email text);"
                "CREATE TABLE notes (id integer primary key, body text);");
    bc_error err = {0};
    bc_driver *d = NULL;
    assert_int_equal(bc_sqlite_open(f.path, NULL, &d, &err), BC_ERR);
    assert_null(d);
    assert_non_null(strstr(err.msg, "not a Better Auth database: table \"user\" lacks columns "
                                    "\"emailVerified\", \"image\", \"createdAt\", \"updatedAt\", "
                                    "\"role\", \"banned\", \"banReason\", \"banExpires\"; "
                                    "missing table \"session\"; missing table \"account\""));
    /* Optional tables are not demanded. */
    assert_null(strstr(err.msg, "jwks"));
    assert_null(strstr(err.msg, "verification"));

    /* An empty SQLite file lists all three required tables. */
    exec(f.raw, "DROP TABLE \"user\"; DROP TABLE notes;");
    assert_int_equal(bc_sqlite_open(f.path, NULL, &d, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "missing table \"user\"; missing table \"session\"; "
                                    "missing table \"account\""));
    sqlite3_close(f.raw);
    remove_file(f.path);
}

static void optional_tables_are_reported(void **state)
{
    fixture *f = *state;
    exec(f->raw, "DROP TABLE jwks;");
    open_driver(f, false, 0);
    assert_true(bc_sqlite_has_model(f->d, BC_MODEL_USER));
    assert_true(bc_sqlite_has_model(f->d, BC_MODEL_VERIFICATION));
    assert_false(bc_sqlite_has_model(f->d, BC_MODEL_JWKS));
    bc_rows rows;
    bc_error err = {0};
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_JWKS, NULL, 0, &rows, &err), BC_NOT_FOUND);
    assert_non_null(strstr(err.msg, "\"jwks\""));
}

static void open_does_not_change_the_file(void **state)
{
    fixture *f = *state;
    exec(f->raw, "PRAGMA journal_mode = DELETE;");
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->raw, "SELECT group_concat(sql, ';') FROM sqlite_schema", -1, &st, NULL);
    sqlite3_step(st);
    char *before = bc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    open_driver(f, false, 0);
    bc_page p;
    bc_error err = {0};
    assert_int_equal(bc_driver_users_page(f->d, &(bc_user_query){.want_total = true}, &p, &err),
                     BC_OK);
    bc_page_release(&p);
    sqlite3_step(st);
    assert_string_equal(before, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    free(before);
    sqlite3_prepare_v2(f->raw, "PRAGMA journal_mode", -1, &st, NULL);
    sqlite3_step(st);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
    sqlite3_finalize(st);
    assert_false(bc_sqlite_has_indexes(f->d));
}

/* --- decoding and encoding ------------------------------------------------------------------- */

static void decodes_types_and_keeps_extra_columns(void **state)
{
    fixture *f = *state;
    exec(f->raw, "INSERT INTO \"user\" (id, name, email, emailVerified, image, createdAt, "
                 "updatedAt, role, banned, banReason, banExpires, username, twoFactorEnabled, "
                 "phoneNumber, lastSeen) VALUES ('x1', 'Xavier', 'x@example.com', 1, NULL, "
                 "'2025-05-06T07:08:09.123Z', 1700000000000, 'user', 0, NULL, 'not a date', "
                 "'xav', 1, '+15550001', '2025-01-02T03:04:05.006Z')");
    bc_record r = {0};
    bc_error err = {0};
    assert_int_equal(bc_driver_row_get(f->d, BC_MODEL_USER, "id", "x1", &r, &err), BC_OK);
    static const char *const order[] = {"id",
                                        "name",
                                        "email",
                                        "emailVerified",
                                        "image",
                                        "createdAt",
                                        "updatedAt",
                                        "role",
                                        "banned",
                                        "banReason",
                                        "banExpires",
                                        "username",
                                        "twoFactorEnabled",
                                        "phoneNumber",
                                        "lastSeen"};
    assert_int_equal(r.n, 15);
    for (size_t i = 0; i < r.n; i++)
        assert_string_equal(r.fields[i].name, order[i]);
    int64_t ms, want;
    assert_true(bc_record_date(&r, "createdAt", &ms));
    assert_true(bc_iso_parse("2025-05-06T07:08:09.123Z", 24, &want));
    assert_int_equal(ms, want);
    assert_true(bc_record_date(&r, "updatedAt", &ms)); /* integer epoch milliseconds */
    assert_int_equal(ms, 1700000000000);
    assert_int_equal(bc_record_get(&r, "emailVerified")->kind, BC_V_BOOL);
    assert_true(bc_record_bool(&r, "emailVerified"));
    assert_int_equal(bc_record_get(&r, "banned")->kind, BC_V_BOOL);
    assert_false(bc_record_get(&r, "banned")->u.b);
    assert_int_equal(bc_record_get(&r, "image")->kind, BC_V_NULL);
    /* A malformed date is kept as text, not dropped. */
    assert_string_equal(bc_record_text(&r, "banExpires"), "not a date");
    assert_string_equal(bc_record_text(&r, "username"), "xav");
    assert_int_equal(bc_record_get(&r, "twoFactorEnabled")->kind, BC_V_INT);
    assert_string_equal(bc_record_text(&r, "phoneNumber"), "+15550001");
    assert_true(bc_record_date(&r, "lastSeen", &ms)); /* declared date */
    bc_record_release(&r);
}

static char *raw_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = bc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static void assert_raw(sqlite3 *db, const char *sql, const char *want)
{
    char *got = raw_text(db, sql);
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got ? got : "(null)", want);
    free(got);
}

static bc_record new_user(const char *id, const char *email)
{
    bc_record r = {0};
    bc_record_set_text(&r, "id", id);
    bc_record_set_text(&r, "name", "New Person");
    bc_record_set_text(&r, "email", email);
    bc_record_set_bool(&r, "emailVerified", false);
    bc_record_set_date(&r, "createdAt", 1764547200123); /* 2025-12-01T00:00:00.123Z */
    bc_record_set_date(&r, "updatedAt", 1764547200123);
    bc_record_set_text(&r, "role", "user");
    bc_record_set_bool(&r, "banned", false);
    return r;
}

static void writes_better_auth_encodings(void **state)
{
    fixture *f = *state;
    open_driver(f, false, 0);
    bc_error err = {0};
    bc_record r = new_user("n1", "MiXeD.Case@Example.COM");
    bc_record_set_text(&r, "username", "mixed");
    bc_record_set(&r, "twoFactorEnabled", bc_value_int(1));
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &r, &err), BC_OK);
    bc_record_release(&r);
    assert_raw(f->raw, "SELECT createdAt FROM user WHERE id='n1'", "2025-12-01T00:00:00.123Z");
    assert_raw(f->raw, "SELECT typeof(createdAt) FROM user WHERE id='n1'", "text");
    assert_raw(f->raw, "SELECT email FROM user WHERE id='n1'", "mixed.case@example.com");
    assert_raw(f->raw, "SELECT typeof(emailVerified) || emailVerified FROM user", "integer0");
    assert_raw(f->raw, "SELECT username || twoFactorEnabled FROM user", "mixed1");

    /* Lookups by email are lowercased too; non-ASCII letters as JavaScript lowercases them. */
    bc_record got = {0};
    assert_int_equal(
        bc_driver_row_get(f->d, BC_MODEL_USER, "email", "MIXED.case@example.com", &got, &err),
        BC_OK);
    assert_string_equal(bc_record_text(&got, "id"), "n1");
    bc_record_release(&got);

    bc_record patch = {0};
    bc_record_set_text(&patch, "email", "ÜMLAUT@Example.com");
    bc_record_set_date(&patch, "banExpires", 0);
    bc_record_set_bool(&patch, "banned", true);
    const char *id = "n1";
    bc_match m = {"id", &id, 1};
    size_t changed = 9;
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &m, &patch, &changed, &err), BC_OK);
    assert_int_equal(changed, 1);
    bc_record_release(&patch);
    assert_raw(f->raw, "SELECT email FROM user WHERE id='n1'", "ümlaut@example.com");
    assert_raw(f->raw, "SELECT banExpires FROM user", "1970-01-01T00:00:00.000Z");
    assert_raw(f->raw, "SELECT banned FROM user", "1");

    /* The email rule lives above the seam (driver.c), the same for every driver, on write and on
     * lookup: an invalid byte becomes U+FFFD (as JavaScript reads such bytes), ASCII is lowered. */
    bc_record odd = {0};
    bc_record_set_text(&odd, "email", "BAD\xff@X.COM");
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &m, &odd, &changed, &err), BC_OK);
    bc_record_release(&odd);
    assert_raw(f->raw, "SELECT hex(email) FROM user WHERE id='n1'", "626164EFBFBD40782E636F6D");
    assert_int_equal(
        bc_driver_row_get(f->d, BC_MODEL_USER, "email", "Bad\xff@x.Com", &got, &err), BC_OK);
    assert_string_equal(bc_record_text(&got, "id"), "n1");
    bc_record_release(&got);

    /* Round trip: what was written reads back with the same values. */
    bc_record back = {0};
    assert_int_equal(bc_driver_row_get(f->d, BC_MODEL_USER, "id", "n1", &back, &err), BC_OK);
    int64_t ms;
    assert_true(bc_record_date(&back, "createdAt", &ms));
    assert_int_equal(ms, 1764547200123);
    assert_true(bc_record_bool(&back, "banned"));
    assert_string_equal(bc_record_text(&back, "username"), "mixed");
    bc_record_release(&back);
}

static void refuses_unknown_fields(void **state)
{
    fixture *f = *state;
    open_driver(f, false, 0);
    bc_error err = {0};
    bc_record r = new_user("n2", "a@b.c");
    bc_record_set_text(&r, "nickname", "x");
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &r, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "\"nickname\""));
    bc_record_release(&r);
    assert_raw(f->raw, "SELECT count(*) FROM user", "0");

    bc_record patch = {0};
    bc_record_set_text(&patch, "name\"; DROP TABLE user; --", "x");
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, NULL, &patch, NULL, &err),
                     BC_USAGE);
    bc_record_release(&patch);
    const char *v = "x";
    bc_match m = {"nope", &v, 1};
    bc_rows rows;
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_USER, &m, 0, &rows, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "\"nope\""));
    assert_int_equal(bc_driver_rows_delete(f->d, BC_MODEL_USER, &m, NULL, &err), BC_USAGE);
}

/* --- search, filters, sorts ------------------------------------------------------------------ */

static void searches_like_better_auth(void **state)
{
    fixture *f = *state;
    bc_driver *d = f->d;
    /* Case-insensitive substring of name OR email, newest first. */
    assert_query(d, (bc_user_query){.search = "ALICE"}, "u09 u01");
    assert_query(d, (bc_user_query){.search = "jones"}, "u02");    /* name only */
    assert_query(d, (bc_user_query){.search = "test.org"}, "u03"); /* email only */
    assert_query(d, (bc_user_query){.search = "EXAMPLE.COM"}, "u10 u08 u06 u04 u02 u01");
    /* LIKE metacharacters are literal. */
    assert_query(d, (bc_user_query){.search = "%"}, "u03");
    assert_query(d, (bc_user_query){.search = "0%"}, "u03");
    assert_query(d, (bc_user_query){.search = "_"}, "u07 u04");
    assert_query(d, (bc_user_query){.search = "a_i"}, "");
    assert_query(d, (bc_user_query){.search = "\\"}, "");
    assert_query(d, (bc_user_query){.search = "'; DROP TABLE user; --"}, "");
    assert_query(d, (bc_user_query){.search = "Ümit"}, "u08");
    assert_query(d, (bc_user_query){.search = ""}, "u10 u09 u08 u07 u06 u05 u04 u03 u02 u01");
    /* Prefix of the email, lowercased. */
    assert_query(d, (bc_user_query){.search = "A", .search_mode = BC_SEARCH_PREFIX}, "u10 u01");
    assert_query(d, (bc_user_query){.search = "Bob@", .search_mode = BC_SEARCH_PREFIX}, "u02");
    assert_query(d, (bc_user_query){.search = "smith", .search_mode = BC_SEARCH_PREFIX}, "");
    assert_query(d, (bc_user_query){.search = "grace_", .search_mode = BC_SEARCH_PREFIX}, "u07");
    assert_query(d, (bc_user_query){.search = "%", .search_mode = BC_SEARCH_PREFIX}, "");
}

static void filters_role_ban_verified(void **state)
{
    fixture *f = *state;
    bc_driver *d = f->d;
    assert_query(d, (bc_user_query){.role = "admin"}, "u03 u02"); /* not "superadmin" */
    assert_query(d, (bc_user_query){.role = "user"}, "u08 u05 u04 u02 u01");
    assert_query(d, (bc_user_query){.role = "moderator"}, "u07");
    assert_query(d, (bc_user_query){.role = "nobody"}, "");
    assert_query(d, (bc_user_query){.ban = BC_BAN_ACTIVE}, "u10 u09 u08 u07 u03 u02 u01");
    assert_query(d, (bc_user_query){.ban = BC_BAN_BANNED}, "u05 u04");
    assert_query(d, (bc_user_query){.ban = BC_BAN_EXPIRED}, "u06");
    assert_query(d, (bc_user_query){.verified = BC_VERIFIED_YES}, "u10 u09 u07 u06 u04 u03 u01");
    assert_query(d, (bc_user_query){.verified = BC_VERIFIED_NO}, "u08 u05 u02");
    assert_query(d, (bc_user_query){.role = "user", .ban = BC_BAN_BANNED, .search = "e"},
                 "u05 u04");
    assert_query(d, (bc_user_query){.verified = BC_VERIFIED_YES, .ban = BC_BAN_BANNED}, "u04");

    /* The clock decides: the same ban is in force before its expiry and expired after it. */
    setenv("BCADMIN_NOW", "2028-01-01T00:00:00.000Z", 1);
    assert_query(d, (bc_user_query){.ban = BC_BAN_EXPIRED}, "u06 u05");
    setenv("BCADMIN_NOW", NOW, 1);

    /* Integer epoch ms expiries compare as times too. */
    exec(f->raw, "UPDATE user SET banExpires = 1893456000000 WHERE id = 'u06'"); /* 2030 */
    assert_query(d, (bc_user_query){.ban = BC_BAN_BANNED}, "u06 u05 u04");
    exec(f->raw, "UPDATE user SET banExpires = 1000 WHERE id = 'u06'");
    assert_query(d, (bc_user_query){.ban = BC_BAN_EXPIRED}, "u06");

    bc_page p;
    bc_error err = {0};
    assert_int_equal(bc_driver_users_page(d, &(bc_user_query){.ban = 42}, &p, &err), BC_USAGE);
    assert_int_equal(bc_driver_users_page(d, &(bc_user_query){.limit = BC_PAGE_MAX + 1}, &p, &err),
                     BC_USAGE);
}

/* Seed users sorted the way SQLite should: BINARY for dates and email, NOCASE (ASCII) for name,
 * id as the tie-breaker. */
static bc_sort_key cmp_key;
static bool cmp_asc;

static int cmp_seed(const void *a, const void *b)
{
    const seed_user *x = a, *y = b;
    int c = 0;
    switch (cmp_key) {
    case BC_SORT_CREATED:
        c = strcmp(x->created, y->created);
        break;
    case BC_SORT_UPDATED:
        c = strcmp(x->updated, y->updated);
        break;
    case BC_SORT_EMAIL:
        c = strcmp(x->email, y->email);
        break;
    case BC_SORT_NAME:
        c = strcasecmp(x->name, y->name);
        break;
    }
    if (c == 0)
        c = strcmp(x->id, y->id);
    return cmp_asc ? c : -c;
}

/* Page through a query forward with `limit`, then back from the last page with prev cursors:
 * both must see exactly `expected`, pages in order. */
static void check_paging(bc_driver *d, bc_user_query q, size_t limit, const char *expected)
{
    char *fwd = all_ids(d, q, limit);
    assert_string_equal(fwd, expected);
    free(fwd);

    /* Walk to the last page, then back. */
    q.limit = limit;
    char *cursor = NULL;
    bc_page p = {0};
    bc_error err = {0};
    for (;;) {
        q.cursor = cursor;
        assert_int_equal(bc_driver_users_page(d, &q, &p, &err), BC_OK);
        free(cursor);
        cursor = p.next_cursor ? bc_xstrdup(p.next_cursor) : NULL;
        if (!cursor)
            break;
        bc_page_release(&p);
    }
    bc_buf back = {0};
    bc_buf_puts(&back, "");
    for (int guard = 0; guard < 100; guard++) {
        char *ids = page_ids(&p);
        /* Prepend: pages come last to first, rows within a page in query order. */
        char *joined = bc_xasprintf("%s%s%s", ids, back.len && *ids ? " " : "", back.data);
        bc_buf_release(&back);
        bc_buf_puts(&back, joined);
        free(joined);
        free(ids);
        if (!p.prev_cursor)
            break;
        cursor = bc_xstrdup(p.prev_cursor);
        bc_page_release(&p);
        q.cursor = cursor;
        assert_int_equal(bc_driver_users_page(d, &q, &p, &err), BC_OK);
        free(cursor);
        assert_non_null(p.next_cursor); /* a page reached backward always has a way forward */
    }
    bc_page_release(&p);
    assert_string_equal(back.data ? back.data : "", expected);
    bc_buf_release(&back);
}

static void sorts_and_pages_every_way(void **state)
{
    fixture *f = *state;
    for (int key = BC_SORT_CREATED; key <= BC_SORT_NAME; key++) {
        for (int asc = 0; asc <= 1; asc++) {
            seed_user sorted[N_SEED];
            memcpy(sorted, seed, sizeof sorted);
            cmp_key = (bc_sort_key)key;
            cmp_asc = asc;
            qsort(sorted, N_SEED, sizeof sorted[0], cmp_seed);
            bc_buf want = {0};
            for (size_t i = 0; i < N_SEED; i++)
                bc_buf_printf(&want, "%s%s", i ? " " : "", sorted[i].id);
            bc_user_query q = {.sort = (bc_sort_key)key, .ascending = asc};
            for (size_t limit = 1; limit <= N_SEED + 1; limit++)
                check_paging(f->d, q, limit, want.data);
            bc_buf_release(&want);
        }
    }
    /* Default: newest first. */
    check_paging(f->d, (bc_user_query){0}, 4, "u10 u09 u08 u07 u06 u05 u04 u03 u02 u01");
    /* With a filter too. */
    check_paging(f->d, (bc_user_query){.search = "example"}, 2, "u10 u09 u08 u06 u04 u02 u01");
    /* The prefix search's page (rowids picked in a subquery, then the rows) across cursors. */
    static const char *const by_prefix[4][2] = {{"u10 u01", "u01 u10"},
                                                {"u01 u10", "u10 u01"},
                                                {"u01 u10", "u10 u01"},
                                                {"u01 u10", "u10 u01"}};
    for (int key = BC_SORT_CREATED; key <= BC_SORT_NAME; key++)
        for (int asc = 0; asc <= 1; asc++)
            for (size_t limit = 1; limit <= 3; limit++)
                check_paging(f->d,
                             (bc_user_query){.search = "A",
                                             .search_mode = BC_SEARCH_PREFIX,
                                             .sort = (bc_sort_key)key,
                                             .ascending = asc},
                             limit, by_prefix[key][asc]);
}

/* SQLite's own ORDER BY of the whole table: the oracle for where NULL keys go. */
static char *order_by_ids(sqlite3 *db, const char *order)
{
    char *sql = bc_xasprintf("SELECT group_concat(id, ' ') FROM (SELECT id FROM user ORDER BY %s)",
                             order);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *ids = bc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    free(sql);
    return ids;
}

/* An app with a looser schema (name and createdAt nullable): pages of every size reach the rows
 * whose sort key is NULL, forward and backward, in SQLite's order (NULL first ascending). */
static void pages_reach_null_sort_keys(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    make_file(f);
    char *schema = bc_xstrdup(bc_embedded_find(bc_assets, "better-auth-schema.sql")->data);
    static const char *const strict[] = {"\"name\" text not null", "\"createdAt\" date not null"};
    for (size_t i = 0; i < 2; i++) { /* the first of each is the user table's */
        char *at = strstr(schema, strict[i]);
        assert_non_null(at);
        memset(at + strlen(strict[i]) - strlen(" not null"), ' ', strlen(" not null"));
    }
    exec(f->raw, schema);
    free(schema);
    exec(f->raw, "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
                 "('n1', NULL, 'n1@x.io', 0, NULL, '2024-01-01'),"
                 "('n2', 'Bob', 'n2@x.io', 0, '2024-03-01', '2024-01-01'),"
                 "('n3', NULL, 'n3@x.io', 0, '2024-02-01', '2024-01-01'),"
                 "('n4', 'al', 'n4@x.io', 0, NULL, '2024-01-01'),"
                 "('n5', 'Cy', 'n5@x.io', 0, '2024-02-01', '2024-01-01'),"
                 "('n6', NULL, 'n6@x.io', 0, NULL, '2024-01-01')");
    open_driver(f, false, 0);
    static const struct {
        bc_sort_key key;
        const char *order;
    } sorts[] = {{BC_SORT_CREATED, "createdAt %s, id %s"},
                 {BC_SORT_NAME, "name COLLATE NOCASE %s, id %s"},
                 {BC_SORT_EMAIL, "email %s, id %s"}};
    for (size_t k = 0; k < 3; k++) {
        for (int asc = 0; asc <= 1; asc++) {
            const char *dir = asc ? "ASC" : "DESC";
            char *order = bc_xasprintf(sorts[k].order, dir, dir);
            char *want = order_by_ids(f->raw, order);
            bc_user_query q = {.sort = sorts[k].key, .ascending = asc};
            for (size_t limit = 1; limit <= 7; limit++)
                check_paging(f->d, q, limit, want);
            /* the one-scan substring path agrees */
            q.search = "x.io";
            check_paging(f->d, q, 1, want);
            free(order);
            free(want);
        }
    }
}

static void pages_through_equal_sort_keys(void **state)
{
    fixture *f = *state;
    /* 7 users created in the same millisecond, names equal but for case. */
    static const char *const names[] = {"bob", "Bob", "BOB", "bOb", "boB", "BoB", "bob"};
    for (int i = 0; i < 7; i++) {
        char *sql = bc_xasprintf("INSERT INTO user (id, name, email, emailVerified, createdAt, "
                                 "updatedAt) VALUES ('same%d', '%s', 'same%d@x.io', 0, "
                                 "'2024-06-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z')",
                                 i, names[i], i);
        exec(f->raw, sql);
        free(sql);
    }
    open_driver(f, false, 0);
    const char *desc = "same6 same5 same4 same3 same2 same1 same0";
    const char *asc = "same0 same1 same2 same3 same4 same5 same6";
    for (size_t limit = 1; limit <= 8; limit++) {
        check_paging(f->d, (bc_user_query){0}, limit, desc);
        check_paging(f->d, (bc_user_query){.ascending = true}, limit, asc);
        check_paging(f->d, (bc_user_query){.sort = BC_SORT_NAME}, limit, desc);
        check_paging(f->d, (bc_user_query){.sort = BC_SORT_NAME, .ascending = true}, limit, asc);
        check_paging(f->d, (bc_user_query){.sort = BC_SORT_UPDATED, .ascending = true}, limit, asc);
        /* The same through the one-scan substring path. */
        check_paging(f->d, (bc_user_query){.search = "SAME"}, limit, desc);
        check_paging(f->d, (bc_user_query){.search = "x.io", .ascending = true}, limit, asc);
        check_paging(f->d, (bc_user_query){.search = "bob", .sort = BC_SORT_NAME}, limit, desc);
        check_paging(f->d, (bc_user_query){.search = "o", .sort = BC_SORT_NAME, .ascending = true},
                     limit, asc);
    }
}

/* The ids `search` matches by SQLite's own LIKE (Better Auth's contains) in ORDER BY order:
 * the oracle for the one-scan substring path, which filters and orders in C. */
/* The reference matcher, written apart from core/text.c: both sides NFC-normalised and
 * lowercased by libunistring (invalid UTF-8: its ASCII letters only), text read up to a NUL as
 * LIKE reads it. */
static char *ref_fold(const char *s, size_t n, size_t *out)
{
    const char *nul = memchr(s, 0, n);
    if (nul)
        n = (size_t)(nul - s);
    uint8_t *low = u8_tolower((const uint8_t *)s, n, NULL, UNINORM_NFC, NULL, out);
    if (low)
        return (char *)low;
    char *r = bc_xstrndup(s, n);
    for (size_t i = 0; i < n; i++)
        r[i] = (char)tolower((unsigned char)r[i]);
    *out = n;
    return r;
}

static void ref_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    size_t nn, hn;
    char *needle = ref_fold((const char *)sqlite3_value_text(argv[0]),
                            (size_t)sqlite3_value_bytes(argv[0]), &nn);
    int found = 0;
    for (int i = 1; i < argc && !found; i++) {
        const char *h = (const char *)sqlite3_value_text(argv[i]);
        if (!h)
            continue;
        char *hay = ref_fold(h, (size_t)sqlite3_value_bytes(argv[i]), &hn);
        found = nn == 0 || memmem(hay, hn, needle, nn) != NULL;
        free(hay);
    }
    free(needle);
    sqlite3_result_int(ctx, found);
}

static char *like_ids(sqlite3 *db, const char *search, bc_sort_key key, bool asc, int64_t *n)
{
    static const char *const cols[] = {"createdAt", "updatedAt", "email", "name COLLATE NOCASE"};
    const char *dir = asc ? "ASC" : "DESC";
    sqlite3_create_function(db, "ref_contains", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            ref_contains, NULL, NULL);
    char *sql = bc_xasprintf("SELECT id FROM user WHERE ref_contains(?1, email, name) "
                             "ORDER BY %s %s, id %s",
                             cols[key], dir, dir);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, search, -1, SQLITE_TRANSIENT);
    bc_buf ids = {0};
    bc_buf_puts(&ids, "");
    *n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        bc_buf_printf(&ids, "%s%s", (*n)++ ? " " : "", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    free(sql);
    return bc_buf_take(&ids);
}

static void substring_search_agrees_with_sqlite(void **state)
{
    fixture *f = *state;
    /* Sort keys of every storage class (integer, real, blob dates; a blob name), keys equal to
     * another row's (m4, m5 and u01 share createdAt), names equal but for case, non-ASCII. */
    exec(f->raw,
         "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
         "('m1', '\xc3\x89mile', 'emile@x.io', 0, 1735700000000, 1735700000000),"
         "('m2', '\xc3\xa9mile', 'EMILE2@x.io', 0, 1735700000000.5, '2025-01-01T00:00:00.000Z'),"
         "('m3', x'4d617279', 'mary@x.io', 0, x'00', x'01'),"
         "('m4', 'MARY', 'mary4@x.io', 0, '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:00.000Z'),"
         "('m5', 'mary', 'mary5@x.io', 0, '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:00.000Z'),"
         /* LIKE stops at a NUL: "big" after it does not match. */
         "('m6', CAST(x'6a6f00626967' AS TEXT), 'm6@x.io', 0, '2025-02-01T00:00:00.000Z', "
         "'2025-02-01T00:00:00.000Z')");
    static const char *const searches[] = {"mar", "MILE", "e", "x.io", "\xc3\xa9",
                                           "a",   "%",    "_", "ary",  "zzz"};
    bc_error err = {0};
    for (size_t i = 0; i < sizeof searches / sizeof searches[0]; i++) {
        for (int key = BC_SORT_CREATED; key <= BC_SORT_NAME; key++) {
            for (int asc = 0; asc <= 1; asc++) {
                int64_t n;
                char *want = like_ids(f->raw, searches[i], (bc_sort_key)key, asc, &n);
                bc_user_query q = {
                    .search = searches[i], .sort = (bc_sort_key)key, .ascending = asc};
                static const size_t limits[] = {1, 2, 3, 7, 50};
                for (size_t l = 0; l < 5; l++)
                    check_paging(f->d, q, limits[l], want);
                /* The total counts every match, also on a page after a cursor. */
                q.limit = 2;
                q.want_total = true;
                bc_page p1, p2;
                assert_int_equal(bc_driver_users_page(f->d, &q, &p1, &err), BC_OK);
                assert_int_equal(p1.total, n);
                if (p1.next_cursor) {
                    q.cursor = p1.next_cursor;
                    assert_int_equal(bc_driver_users_page(f->d, &q, &p2, &err), BC_OK);
                    assert_int_equal(p2.total, n);
                    bc_page_release(&p2);
                }
                bc_page_release(&p1);
                free(want);
            }
        }
    }
    /* A filter beside the search, and the count cache seeing a write between two pages. */
    /* Newest first: a blob date sorts after every text date. */
    assert_query(f->d, (bc_user_query){.search = "mary", .ban = BC_BAN_ACTIVE}, "m3 m5 m4");
    bc_page p;
    bc_user_query q = {.search = "mary", .want_total = true, .limit = 1};
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    assert_int_equal(p.total, 3);
    bc_page_release(&p);
    exec(f->raw, "DELETE FROM user WHERE id = 'm4'");
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    assert_int_equal(p.total, 2);
    bc_page_release(&p);
}

static void pages_have_the_right_cursors(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_page p1, p2, p3, back;
    bc_user_query q = {.limit = 4};
    assert_int_equal(bc_driver_users_page(f->d, &q, &p1, &err), BC_OK);
    assert_null(p1.prev_cursor);
    assert_non_null(p1.next_cursor);
    q.cursor = p1.next_cursor;
    assert_int_equal(bc_driver_users_page(f->d, &q, &p2, &err), BC_OK);
    assert_non_null(p2.prev_cursor);
    q.cursor = p2.next_cursor;
    assert_int_equal(bc_driver_users_page(f->d, &q, &p3, &err), BC_OK);
    char *ids = page_ids(&p3);
    assert_string_equal(ids, "u02 u01");
    free(ids);
    assert_null(p3.next_cursor);
    q.cursor = p3.prev_cursor;
    assert_int_equal(bc_driver_users_page(f->d, &q, &back, &err), BC_OK);
    ids = page_ids(&back);
    assert_string_equal(ids, "u06 u05 u04 u03");
    free(ids);
    bc_page_release(&back);

    /* Rows before the first page appear: paging back from page 2 gives a full first page. */
    q.cursor = p2.prev_cursor;
    exec(f->raw, "DELETE FROM user WHERE id IN ('u09', 'u08')");
    assert_int_equal(bc_driver_users_page(f->d, &q, &back, &err), BC_OK);
    ids = page_ids(&back);
    assert_string_equal(ids, "u10 u07 u06 u05");
    free(ids);
    assert_null(back.prev_cursor);
    bc_page_release(&back);
    bc_page_release(&p1);
    bc_page_release(&p2);
    bc_page_release(&p3);
}

static void refuses_invalid_cursors(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_page p;
    bc_user_query q = {.limit = 3, .sort = BC_SORT_EMAIL};
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    char *good = bc_xstrdup(p.next_cursor);
    bc_page_release(&p);

    const char *bad[] = {"!!!", "AAAA", "' OR 1=1 --", "a", "AQ", "AVUAAAAAAAAA"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q.cursor = bad[i];
        memset(&err, 0, sizeof err);
        assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_USAGE);
        assert_non_null(strstr(err.msg, "invalid cursor"));
        assert_int_equal(p.rows.n, 0);
    }
    /* Every single-character change and every truncation is caught. */
    size_t n = strlen(good);
    for (size_t i = 0; i < n; i++) {
        char *t = bc_xstrdup(good);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        q.cursor = t;
        assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_USAGE);
        t[i] = '\0'; /* (an empty cursor means "no cursor": the first page) */
        assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), i ? BC_USAGE : BC_OK);
        if (!i)
            bc_page_release(&p);
        free(t);
    }
    /* A cursor from another sort, order, filter or kind. */
    bc_user_query other[] = {
        {.cursor = good, .sort = BC_SORT_NAME},
        {.cursor = good, .sort = BC_SORT_EMAIL, .ascending = true},
        {.cursor = good, .sort = BC_SORT_EMAIL, .search = "a"},
        {.cursor = good, .sort = BC_SORT_EMAIL, .role = "admin"},
        {.cursor = good, .sort = BC_SORT_EMAIL, .ban = BC_BAN_BANNED},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        assert_int_equal(bc_driver_users_page(f->d, &other[i], &p, &err), BC_USAGE);
        assert_non_null(strstr(err.msg, "invalid cursor"));
    }
    bc_session_query sq = {.cursor = good};
    assert_int_equal(bc_driver_sessions_page(f->d, &sq, &p, &err), BC_USAGE);
    q.cursor = good;
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    bc_page_release(&p);
    free(good);
}

static void cursor_round_trips(void **state)
{
    bc_cursor c = {.kind = 'U',
                   .sort = 2,
                   .ascending = true,
                   .backward = true,
                   .filter = 77,
                   .key = bc_value_textn("a\0b", 3),
                   .id = bc_value_text("id9")};
    char *text = bc_cursor_encode(&c);
    for (const char *p = text; *p; p++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    bc_cursor d;
    assert_true(bc_cursor_decode(text, &d));
    assert_int_equal(d.kind, 'U');
    assert_int_equal(d.sort, 2);
    assert_true(d.ascending && d.backward);
    assert_int_equal(d.filter, 77);
    assert_true(bc_value_equal(&d.key, &c.key));
    assert_true(bc_value_equal(&d.id, &c.id));
    bc_cursor_release(&d);
    free(text);
    bc_cursor_release(&c);

    c = (bc_cursor){.kind = 'S', .key = bc_value_int(-5), .id = bc_value_real(1.5)};
    text = bc_cursor_encode(&c);
    assert_true(bc_cursor_decode(text, &d));
    assert_true(bc_value_equal(&d.key, &c.key));
    assert_true(bc_value_equal(&d.id, &c.id));
    bc_cursor_release(&d);
    free(text);
    assert_false(bc_cursor_decode(NULL, &d));
    assert_false(bc_cursor_decode("", &d));
}

static void counts_totals_and_refreshes_them(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_page p;
    int64_t sum = 0;
    bc_ban_filter bans[] = {BC_BAN_ACTIVE, BC_BAN_BANNED, BC_BAN_EXPIRED};
    int64_t want[] = {7, 2, 1};
    for (int i = 0; i < 3; i++) {
        bc_user_query q = {.ban = bans[i], .want_total = true, .limit = 1};
        assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
        assert_int_equal(p.total, want[i]);
        assert_false(p.total_at_least);
        sum += p.total;
        bc_page_release(&p);
    }
    assert_int_equal(sum, N_SEED);

    bc_user_query all = {.want_total = true, .limit = 2};
    assert_int_equal(bc_driver_users_page(f->d, &all, &p, &err), BC_OK);
    assert_int_equal(p.total, 10);
    bc_page_release(&p);
    /* Without want_total nothing is counted. */
    assert_int_equal(bc_driver_users_page(f->d, &(bc_user_query){0}, &p, &err), BC_OK);
    assert_int_equal(p.total, -1);
    bc_page_release(&p);

    /* Another connection's commit changes the count (data_version). */
    insert_raw_user(f->raw,
                    &(seed_user){"z1", "Zed", "zed@example.com", 1, "2025-02-01T00:00:00.000Z",
                                 "2025-02-01T00:00:00.000Z", NULL, 0, NULL});
    assert_int_equal(bc_driver_users_page(f->d, &all, &p, &err), BC_OK);
    assert_int_equal(p.total, 11);
    bc_page_release(&p);
    /* So does our own write, which data_version does not show. */
    const char *id = "z1";
    bc_match m = {"id", &id, 1};
    size_t deleted = 0;
    assert_int_equal(bc_driver_rows_delete(f->d, BC_MODEL_USER, &m, &deleted, &err), BC_OK);
    assert_int_equal(deleted, 1);
    assert_int_equal(bc_driver_users_page(f->d, &all, &p, &err), BC_OK);
    assert_int_equal(p.total, 10);
    bc_page_release(&p);
    /* A different filter is counted afresh. */
    bc_user_query s = {.search = "alice", .want_total = true, .limit = 1};
    assert_int_equal(bc_driver_users_page(f->d, &s, &p, &err), BC_OK);
    assert_int_equal(p.total, 2);
    assert_int_equal(p.rows.n, 1);
    assert_non_null(p.next_cursor);
    bc_page_release(&p);
}

/* --- indexes and query plans ----------------------------------------------------------------- */

static char *plan(bc_driver *d, bc_user_query q)
{
    bc_error err = {0};
    char *text = bc_sqlite_users_plan(d, &q, &err);
    if (!text)
        fail_msg("plan: %s", err.msg);
    return text;
}

static void uses_the_browse_indexes(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_false(bc_sqlite_has_indexes(f->d));
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK); /* idempotent */
    assert_true(bc_sqlite_has_indexes(f->d));

    /* Enough rows that a scan is worth avoiding. */
    exec(f->raw, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                 "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
                 "SELECT printf('g%05d', i), printf('Name %d', i), printf('g%d@bulk.io', i), 0, "
                 "printf('2024-%02d-01T00:00:00.000Z', i % 12 + 1), "
                 "'2024-01-01T00:00:00.000Z' FROM n");
    open_driver(f, false, 0);

    /* A cursor deep into the list. */
    bc_page p;
    bc_user_query deep_q[4];
    char *cursors[4];
    for (int key = 0; key < 4; key++) {
        bc_user_query q = {.sort = (bc_sort_key)key, .limit = 700};
        assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
        cursors[key] = bc_xstrdup(p.next_cursor);
        bc_page_release(&p);
        deep_q[key] = (bc_user_query){.sort = (bc_sort_key)key, .cursor = cursors[key]};
    }
    for (int key = 0; key < 4; key++) {
        for (int deep = 0; deep < 2; deep++) {
            bc_user_query q = deep ? deep_q[key] : (bc_user_query){.sort = (bc_sort_key)key};
            char *text = plan(f->d, q);
            if (strstr(text, "TEMP B-TREE"))
                fail_msg("sort %d deep %d sorts in a temp b-tree:\n%s", key, deep, text);
            /* A range search on the sort index: no scan from the start of the table. */
            if (deep && !strstr(text, "SEARCH user USING INDEX"))
                fail_msg("sort %d: a deep page scans:\n%s", key, text);
            assert_null(strstr(text, "SCAN user\n"));
            free(text);
        }
    }
    char *text = plan(f->d, deep_q[0]);
    assert_non_null(strstr(text, "bcadmin_user_createdAt"));
    free(text);
    for (int key = 0; key < 4; key++)
        free(cursors[key]);

    /* The prefix search picks the page from a range of the (email, createdAt, id) index alone,
     * then reads only the rows it shows. */
    text = plan(f->d, (bc_user_query){.search = "g12", .search_mode = BC_SEARCH_PREFIX});
    if (!strstr(text, "COVERING INDEX bcadmin_user_email_createdAt (email>? AND email<?)") ||
        !strstr(text, "INTEGER PRIMARY KEY (rowid=?)"))
        fail_msg("prefix search plan:\n%s", text);
    free(text);
    /* Banned users newest first: the partial ban index gives the order, no sort. */
    text = plan(f->d, (bc_user_query){.ban = BC_BAN_BANNED});
    if (!strstr(text, "bcadmin_user_banned_createdAt (banned=?)") || strstr(text, "TEMP B-TREE"))
        fail_msg("banned plan:\n%s", text);
    free(text);
    /* A substring search too short for the trigram index is one scan of the table, no sort
     * (the page is kept in a heap); a longer one reads the index's candidates. */
    text = plan(f->d, (bc_user_query){.search = "g1"});
    if (strcmp(text, "SCAN user\n") != 0)
        fail_msg("substring search plan:\n%s", text);
    free(text);
    text = plan(f->d, (bc_user_query){.search = "g12"});
    if (!strstr(text, "SCAN bcadmin_user_search VIRTUAL TABLE") || strstr(text, "SCAN user\n") ||
        strstr(text, "TEMP B-TREE"))
        fail_msg("indexed substring search plan:\n%s", text);
    free(text);
    assert_query(f->d, (bc_user_query){.search = "G1999", .search_mode = BC_SEARCH_PREFIX},
                 "g01999");
}

static void read_only_refuses_writes(void **state)
{
    fixture *f = *state;
    open_driver(f, true, 0);
    bc_error err = {0};
    bc_record r = new_user("n3", "ro@example.com");
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &r, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, NULL, &r, NULL, &err), BC_REFUSED);
    assert_int_equal(bc_driver_rows_delete(f->d, BC_MODEL_USER, NULL, NULL, &err), BC_REFUSED);
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_BEGIN, &err), BC_REFUSED);
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_REFUSED);
    bc_record_release(&r);
    assert_raw(f->raw, "SELECT count(*) FROM user", "10");
    bc_page p;
    assert_int_equal(bc_driver_users_page(f->d, &(bc_user_query){.want_total = true}, &p, &err),
                     BC_OK);
    assert_int_equal(p.total, 10);
    bc_page_release(&p);
    /* The connection itself is read-only too. */
    assert_int_equal(f->d->ops->rows_delete(f->d, BC_MODEL_USER, NULL, NULL, &err), BC_ERR);
    assert_raw(f->raw, "SELECT count(*) FROM user", "10");
}

static bool sidecars(const fixture *f)
{
    char *wal = bc_xasprintf("%s-wal", f->path), *shm = bc_xasprintf("%s-shm", f->path);
    bool there = access(wal, F_OK) == 0 || access(shm, F_OK) == 0;
    free(wal);
    free(shm);
    return there;
}

/* A read-only open of a WAL file leaves no -wal/-shm behind that were not there, but never takes
 * them from a connection that opened the file meanwhile (the app). */
static void read_only_wal_leaves_no_files(void **state)
{
    fixture *f = *state;
    exec(f->raw, "PRAGMA journal_mode = WAL");
    sqlite3_close(f->raw);
    f->raw = NULL;
    assert_false(sidecars(f));
    open_driver(f, true, 0);
    assert_true(sidecars(f)); /* SQLite made them for the read-only connection */
    assert_int_equal(sqlite3_open(f->path, &f->raw), SQLITE_OK);
    assert_raw(f->raw, "SELECT count(*) FROM user", "10");
    bc_driver_close(f->d);
    f->d = NULL;
    assert_true(sidecars(f)); /* the app still has the file open: its files stay */
    exec(f->raw, "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
                 "VALUES ('w1', 'W', 'w@example.com', 0, '2026-01-01', '2026-01-01')");
    assert_raw(f->raw, "SELECT count(*) FROM user", "11");
    sqlite3_close(f->raw);
    f->raw = NULL;
    assert_false(sidecars(f));
    open_driver(f, true, 0);
    bc_page p;
    bc_error err = {0};
    assert_int_equal(bc_driver_users_page(f->d, &(bc_user_query){.want_total = true}, &p, &err),
                     BC_OK);
    assert_int_equal(p.total, 11);
    bc_page_release(&p);
    bc_driver_close(f->d);
    f->d = NULL;
    assert_false(sidecars(f));
}

/* --- the substring-search index ------------------------------------------------------------- */

/* Rows that are hard for a trigram index: LIKE's special characters, quotes, non-ASCII, invalid
 * UTF-8 around ASCII, a NUL before a match, a tab, an integer name, a long value. (No blob:
 * whether LIKE matches a blob depends on how SQLite was built.) */
static void add_tricky_users(sqlite3 *db, const char *prefix)
{
    char *sql = bc_xasprintf(
        "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
        "('%1$s1', 'Perc_ent 100%% off', '%1$s1@x.io', 0, '2025-05-01T00:00:00.000Z', 1),"
        "('%1$s2', 'back\\slash \"quoted\" o''brien', '%1$s2@x.io', 0, '2025-05-02T00:00:00.000Z', "
        "1),"
        "('%1$s3', CAST(x'ff616263806162636480' AS TEXT), '%1$s3@x.io', 0, "
        "'2025-05-03T00:00:00.000Z', 1),"
        "('%1$s4', CAST(x'6a6f00626967' AS TEXT), '%1$s4@x.io', 0, '2025-05-04T00:00:00.000Z', 1),"
        "('%1$s5', 'Mary T\tab', '%1$s5@x.io', 0, '2025-05-05T00:00:00.000Z', 1),"
        "('%1$s6', 12345, '%1$s6@x.io', 0, '2025-05-06T00:00:00.000Z', 1),"
        "('%1$s7', printf('%%.5000c', 'w') || 'Needle', '%1$s7@x.io', 0, "
        "'2025-05-07T00:00:00.000Z', 1),"
        "('%1$s8', '\xc3\x9cMIT \xc3\x96lmez', 'MixedCase.%1$s8@X.IO', 0, "
        "'2025-05-08T00:00:00.000Z', 1),"
        /* Ştefan, ÉCOLE with a decomposed É, ΑΘΗΝΑ */
        "('%1$s9', '\xc5\x9etefan \x45\xcc\x81\x43OLE', '%1$s9@x.io', 0, '2025-05-09T00:00:00.000Z', 1),"
        "('%1$sa', '\xce\x91\xce\x98\xce\x89\xce\x9d\xce\x91', '%1$sa@x.io', 0, "
        "'2025-05-10T00:00:00.000Z', 1)",
        prefix);
    exec(db, sql);
    free(sql);
}

static const char *const index_needles[] = {"mar",
                                            "MILE",
                                            "x.io",
                                            "100%",
                                            "0% o",
                                            "c_e",
                                            "_",
                                            "%",
                                            "\\s",
                                            "k\\sl",
                                            "\"quo",
                                            "o'b",
                                            "'",
                                            "\xc3\x9cmit",
                                            "\xc3\x96LMEZ",
                                            "mit",
                                            "abc",
                                            "bcd\x80",
                                            "big",
                                            "jo",
                                            "ary",
                                            "12345",
                                            "234",
                                            "y t\t",
                                            "wwwneedle",
                                            "NEEDLE",
                                            "e",
                                            "ex",
                                            "@x.",
                                            "mixedcase",
                                            "zzzzzzzzzzzzzzzzzzzzzzzzzz",
                                            "qqq",
                                            "alice",
                                            "ALICE S",
                                            "ice@ex",
                                            "\xc5\x9ftefan", /* ştefan */
                                            "\xc3\xa9" "cole",  /* école */
                                            "TEFAN",
                                            "\xce\xb1\xce\xb8\xce\xae\xce\xbd\xce\xb1"}; /* αθήνα */

/* One page of q (with or without its total, after cursor or from the start). */
static void page_of(bc_driver *d, bc_user_query q, bool want_total, const char *cursor,
                    bc_page *out)
{
    bc_error err = {0};
    q.want_total = want_total;
    q.cursor = cursor;
    if (bc_driver_users_page(d, &q, out, &err) != BC_OK)
        fail_msg("users_page: %s", err.msg);
}

/* The first page without its total (walked in the sort order first, see page_spec.walk) is the
 * first page with it (counted by the scan or the candidates): the same rows, the same next page,
 * and a total only where one was counted, then the right one. */
static void first_page_is_the_counted_ones(bc_driver *d, bc_user_query q, size_t limit, int64_t n)
{
    bc_page quick, counted;
    q.limit = limit;
    page_of(d, q, false, NULL, &quick);
    page_of(d, q, true, NULL, &counted);
    char *a = page_ids(&quick), *b = page_ids(&counted);
    if (strcmp(a, b) != 0)
        fail_msg("search \"%s\" sort %d%s limit %zu: first page \"%s\", counted \"%s\"", q.search,
                 (int)q.sort, q.ascending ? " asc" : "", limit, a, b);
    assert_int_equal(counted.total, n);
    assert_true(quick.total == -1 || quick.total == n);
    assert_int_equal(!quick.next_cursor, !counted.next_cursor);
    if (quick.next_cursor) { /* the cursors lead on to the same rows */
        char *x = bc_xstrdup(quick.next_cursor), *y = bc_xstrdup(counted.next_cursor);
        bc_page_release(&quick);
        bc_page_release(&counted);
        page_of(d, q, false, x, &quick);
        page_of(d, q, false, y, &counted);
        char *c = page_ids(&quick), *e = page_ids(&counted);
        assert_string_equal(c, e);
        free(c);
        free(e);
        free(x);
        free(y);
    }
    free(a);
    free(b);
    bc_page_release(&quick);
    bc_page_release(&counted);
}

/* Every needle, every sort and order, every page size: what SQLite's LIKE answers (when short:
 * the first two pages of one size). */
static void search_agrees_with_like(bc_driver *d, sqlite3 *raw, bool short_run)
{
    bc_error err = {0};
    for (size_t i = 0; i < sizeof index_needles / sizeof index_needles[0]; i++) {
        for (int key = BC_SORT_CREATED; key <= BC_SORT_NAME; key++) {
            for (int asc = 0; asc <= 1; asc++) {
                int64_t n;
                char *want = like_ids(raw, index_needles[i], (bc_sort_key)key, asc, &n);
                bc_user_query q = {
                    .search = index_needles[i], .sort = (bc_sort_key)key, .ascending = asc};
                first_page_is_the_counted_ones(d, q, 3, n);
                if (!short_run) {
                    check_paging(d, q, 1, want);
                    check_paging(d, q, 3, want);
                    check_paging(d, q, 50, want);
                    first_page_is_the_counted_ones(d, q, 1, n);
                    first_page_is_the_counted_ones(d, q, 50, n);
                }
                q.limit = 2;
                q.want_total = true;
                bc_page pg;
                assert_int_equal(bc_driver_users_page(d, &q, &pg, &err), BC_OK);
                if (pg.total != n)
                    fail_msg("search \"%s\": total %lld, LIKE finds %lld", index_needles[i],
                             (long long)pg.total, (long long)n);
                bc_page_release(&pg);
                free(want);
            }
        }
    }
}

/* Wait until d's search image (bc_driver_prepare_search) is read and fresh. */
static void wait_for_image(bc_driver *d)
{
    for (int i = 0; i < 4000 && !bc_sqlite_search_image_ready(d); i++)
        usleep(5000);
    assert_true(bc_sqlite_search_image_ready(d));
}

/* A driver on f's file whose searches use the search image (sqlite_image.c), read and fresh;
 * set_max: its bc_sqlite_opts.image_set_max (0: the default). */
static bc_driver *open_with_image(const fixture *f, int set_max)
{
    bc_driver *d = NULL;
    bc_error err = {0};
    bc_sqlite_opts o = {.image_set_max = set_max};
    if (bc_sqlite_open(f->path, &o, &d, &err) != BC_OK)
        fail_msg("open: %s", err.msg);
    bc_driver_prepare_search(d);
    wait_for_image(d);
    return d;
}

/* The same through a driver whose walk in the sort order gives up after one row: every page
 * without its total then comes from the scan or the candidates after the walk. And through a
 * driver with the search image: its matches' rows, or the walk where they are many. */
static void search_agrees_everywhere(fixture *f)
{
    search_agrees_with_like(f->d, f->raw, false);
    /* every plan: few matches read by rowid, some walked over, many walked and counted */
    for (int set_max = 0; set_max <= 2; set_max += 2) {
        bc_driver *img = open_with_image(f, set_max);
        search_agrees_with_like(img, f->raw, true);
        assert_true(bc_sqlite_search_image_ready(img)); /* it answered them all */
        bc_driver_close(img);
    }
    bc_driver *d = NULL;
    bc_error err = {0};
    bc_sqlite_opts o = {.walk_rows = 1};
    if (bc_sqlite_open(f->path, &o, &d, &err) != BC_OK)
        fail_msg("open: %s", err.msg);
    search_agrees_with_like(d, f->raw, true);
    /* Which way answered: the walk finds a common needle's page and leaves the count to the
     * caller (when an index gives the sort order; without one the table would have to be sorted
     * first, so the scan answers and counts); after a walk that gave up, the scan has counted anyway and
     * says so. */
    int64_t n;
    free(like_ids(f->raw, "e", BC_SORT_CREATED, false, &n));
    assert_true(n > 2);
    bc_user_query q = {.search = "e", .limit = 1};
    bc_page p;
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    assert_true(p.total == -1 || p.total == n);
    if (bc_sqlite_has_indexes(f->d))
        assert_int_equal(p.total, -1);
    bc_page_release(&p);
    assert_int_equal(bc_driver_users_page(d, &q, &p, &err), BC_OK);
    assert_int_equal(p.total, n);
    bc_page_release(&p);
    bc_driver_close(d);
}

/* Whether the search for needle reads the index's candidates instead of scanning. */
static bool plan_uses_index(bc_driver *d, const char *needle)
{
    char *text = plan(d, (bc_user_query){.search = needle});
    bool uses = strstr(text, "bcadmin_user_search") != NULL;
    if (!uses && strcmp(text, "SCAN user\n") != 0)
        fail_msg("search \"%s\": neither the index nor one scan:\n%s", needle, text);
    free(text);
    return uses;
}

/* A walk in the sort order that finds too few matches in its first rows gives up early, and
 * the page comes from the scan or the candidates: the same rows either way. 3,000 users, so the
 * walk judges itself (every 2,048 rows) before its budget. */
static void a_rare_needle_leaves_the_walk_early(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    exec(f->raw,
         "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999) "
         "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
         "SELECT printf('w%04d', i), printf('Walker %d', i), printf('walker%04d@x.io', i), 0, "
         "strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', printf('+%d minutes', i)), "
         "'2025-01-01T00:00:00.000Z' FROM n");
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    static const char *const needles[] = {"walker", "0042", "7", "zz", "r 12"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        for (int key = BC_SORT_CREATED; key <= BC_SORT_NAME; key++) {
            int64_t n;
            char *want = like_ids(f->raw, needles[i], (bc_sort_key)key, false, &n);
            bc_user_query q = {.search = needles[i], .sort = (bc_sort_key)key};
            first_page_is_the_counted_ones(f->d, q, 50, n);
            if (n < 200) /* every page, for the needles the walk gives up on */
                check_paging(f->d, q, 50, want);
            free(want);
        }
    }
    /* "walker" fills its page from the first rows walked and leaves the count to the caller;
     * "zz" (two letters: the index has no candidates for it) is in no user: the walk gives up
     * after its first 2,048 rows and the scan that answers counts them (none). */
    bc_page p;
    bc_user_query q = {.search = "walker", .limit = 50};
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    assert_int_equal(p.total, -1);
    bc_page_release(&p);
    q.search = "zz";
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    assert_int_equal(p.total, 0);
    bc_page_release(&p);
}

static void search_index_agrees_with_the_scan(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    add_tricky_users(f->raw, "t");
    /* Without the index: one scan. */
    assert_false(bc_sqlite_has_search_index(f->d));
    assert_false(plan_uses_index(f->d, "alice"));
    search_agrees_everywhere(f);

    /* The index made from the rows already there, then rows the triggers index. */
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    assert_true(bc_sqlite_has_search_index(f->d));
    add_tricky_users(f->raw, "v");
    exec(f->raw, "UPDATE user SET name = 'Renamed Needle', email = 'fresh@y.io' WHERE id = 'u02';"
                 "UPDATE user SET id = 'u03b' WHERE id = 'u03';"
                 "UPDATE user SET name = name WHERE id = 'u04';"
                 "DELETE FROM user WHERE id IN ('u05', 't3', 'v7');");
    assert_raw(f->raw, "SELECT count(*) FROM bcadmin_user_search_doc", "27");
    assert_raw(f->raw, "SELECT count(*) FROM user", "27");
    assert_true(plan_uses_index(f->d, "alice"));
    assert_true(plan_uses_index(f->d, "@X.i"));
    assert_true(plan_uses_index(f->d, "0% o"));
    /* Short needles and needles without three ASCII characters in a row scan. */
    assert_false(plan_uses_index(f->d, "al"));
    assert_false(plan_uses_index(f->d, "\xc3\x9c\xc3\x96x"));
    search_agrees_everywhere(f);
    assert_query(f->d, (bc_user_query){.search = "needle"}, "t7 u02");
    assert_query(f->d, (bc_user_query){.search = "cAROL"}, "u03b");
    assert_query(f->d, (bc_user_query){.search = "bob@"}, "");
    /* every alphabet's case, through the index's candidates too */
    assert_true(plan_uses_index(f->d, "\xc5\x9ftefan"));
    assert_query(f->d, (bc_user_query){.search = "\xc5\x9ftefan"}, "v9 t9");
    assert_query(f->d, (bc_user_query){.search = "\xc3\xa9" "cole"}, "v9 t9");
    assert_query(f->d, (bc_user_query){.search = "\xce\xb1\xce\xb8\xce\xae"}, "va ta");

    /* Dropped again: the same answers by the scan. */
    assert_int_equal(bc_sqlite_drop_indexes(f->d, &err), BC_OK);
    assert_false(plan_uses_index(f->d, "alice"));
    search_agrees_everywhere(f);
}

/* a and b answer the search for needle alike: every page of every sort and order (page-first and
 * counted), and the total. */
static void same_answers(bc_driver *a, bc_driver *b, const char *needle)
{
    bc_error err = {0};
    for (int key = BC_SORT_CREATED; key <= BC_SORT_NAME; key++) {
        for (int asc = 0; asc <= 1; asc++) {
            bc_user_query q = {.search = needle, .sort = (bc_sort_key)key, .ascending = asc};
            char *x = all_ids(a, q, 3), *y = all_ids(b, q, 3);
            if (strcmp(x, y) != 0)
                fail_msg("search \"%s\" sort %d%s: \"%s\", the plain scan \"%s\"", needle, key,
                         asc ? " asc" : "", x, y);
            check_paging(a, q, 2, y); /* forward, then back from the last page */
            free(x);
            free(y);
            q.limit = 2;
            q.want_total = true;
            bc_page pa, pb;
            assert_int_equal(bc_driver_users_page(a, &q, &pa, &err), BC_OK);
            assert_int_equal(bc_driver_users_page(b, &q, &pb, &err), BC_OK);
            if (pa.total != pb.total)
                fail_msg("search \"%s\": total %lld, the plain scan %lld", needle,
                         (long long)pa.total, (long long)pb.total);
            first_page_is_the_counted_ones(a, q, 3, pb.total);
            bc_page_release(&pa);
            bc_page_release(&pb);
        }
    }
}

/* A random needle of 1 to 3 characters: cut from a user's email or name (whole UTF-8
 * characters, its letters' case changed at random), or from letters of several alphabets. */
static char *random_needle(sqlite3 *raw)
{
    static const char *const letters[] = {"q", "x", "Q", "e", "@", ".", "%", "_", "1",
                                          "\xc5\x9f", "\xc5\x9e", "\xc3\x89", "\xe1\xbb\x85",
                                          "\xe1\xbb\x84", "\xce\xb1", "\xce\x91", "\xc4\xb0"};
    size_t want = 1 + (size_t)rand() % 3;
    bc_buf b = {0};
    bc_buf_puts(&b, "");
    if (rand() % 3 == 0) {
        for (size_t i = 0; i < want; i++)
            bc_buf_puts(&b, letters[(size_t)rand() % (sizeof letters / sizeof *letters)]);
        return bc_buf_take(&b);
    }
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT CASE WHEN ?1 THEN email ELSE name END FROM user "
                                        "WHERE typeof(name) = 'text' ORDER BY id LIMIT 1 OFFSET "
                                        "?2 % (SELECT count(*) FROM user)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int(st, 1, rand() % 2);
    sqlite3_bind_int(st, 2, rand());
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t n = strlen(t), chars = 0;
        for (size_t i = 0; i < n; i++)
            chars += ((unsigned char)t[i] & 0xc0) != 0x80;
        size_t from = chars > want ? (size_t)rand() % (chars - want + 1) : 0, c = 0;
        for (size_t i = 0; i < n && c < from + want; i++) {
            bool starts = ((unsigned char)t[i] & 0xc0) != 0x80;
            if (starts && c++ < from)
                continue;
            if (c <= from)
                continue;
            char ch = t[i];
            if (rand() % 2 && isalpha((unsigned char)ch))
                ch = (char)(isupper((unsigned char)ch) ? tolower((unsigned char)ch)
                                                        : toupper((unsigned char)ch));
            bc_buf_append(&b, &ch, 1);
        }
    }
    sqlite3_finalize(st);
    if (!b.len || memchr(b.data, '\0', b.len))
        bc_buf_puts(&b, "q");
    return bc_buf_take(&b);
}

/* The search image (sqlite_image.c) answers exactly as the plain scan: random needles of one to
 * three characters of several alphabets, before and after writes by another connection and by
 * the driver itself (stale, it is not used; read again, it is). */
static void search_image_agrees_with_the_scan(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    add_tricky_users(f->raw, "t");
    exec(f->raw, "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
                 "('n1', 'Nguy\xe1\xbb\x85n V\xc4\x83n', 'nguyen@x.vn', 0, 1, 1),"
                 "('n2', 'NGUY\xe1\xbb\x84N Th\xe1\xbb\x8b', 'thi@x.vn', 0, 2, 2),"
                 "('n3', '\xc4\xb0stanbul Qx', 'IST@X.TR', 0, 3, 3),"
                 "('n4', '', 'nobody@q.io', 0, 4, 4),"
                 "('n5', 42, 'answer@x.io', 0, 5, 5)");
    bc_driver *img = open_with_image(f, 0), *many = open_with_image(f, 3);
    srand(13);
    /* typed letter by letter (a needle holding the one before is looked for among its users),
     * Backspace, pasted, other alphabets */
    static const char *const fixed[] = {"q",
                                        "qx",
                                        "qxz",
                                        "qx",
                                        "Q",
                                        "n",
                                        "ng",
                                        "ngu",
                                        "nguy",
                                        "nguy\xe1\xbb\x85",
                                        "nguy\xe1\xbb\x85n",
                                        "\xe1\xbb\x85",
                                        "\xe1\xbb\x84n",
                                        "e",
                                        "ex",
                                        "exa",
                                        "i",
                                        "\xc4\xb0",
                                        "42",
                                        "@x",
                                        "zz"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        same_answers(img, f->d, fixed[i]);
        same_answers(many, f->d, fixed[i]);
    }
    for (int i = 0; i < 60; i++) {
        char *needle = random_needle(f->raw);
        same_answers(img, f->d, needle);
        same_answers(many, f->d, needle);
        free(needle);
    }
    assert_true(bc_sqlite_search_image_ready(many));
    bc_driver_close(many);
    assert_true(bc_sqlite_search_image_ready(img));

    /* Writes by another connection: stale, the image is not used (and is read again). */
    exec(f->raw, "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
                 "('w1', 'Qxq Newcomer', 'qxq@z.io', 0, 6, 6);"
                 "UPDATE user SET name = 'Zq Renamed' WHERE id = 'u02';"
                 "DELETE FROM user WHERE id = 'u01';");
    static const char *const changed[] = {"qx", "zq", "q", "alice", "bob", "jones", "w"};
    assert_false(bc_sqlite_search_image_ready(img));
    for (size_t i = 0; i < sizeof changed / sizeof *changed; i++)
        same_answers(img, f->d, changed[i]);
    wait_for_image(img);
    for (size_t i = 0; i < sizeof changed / sizeof *changed; i++)
        same_answers(img, f->d, changed[i]);
    assert_query(img, (bc_user_query){.search = "zq"}, "u02");

    /* The driver's own write (no data_version change on its own connection). */
    const char *id = "u03";
    bc_match by_id = {"id", &id, 1};
    bc_record patch = {0};
    bc_record_set_text(&patch, "name", "Carol Qwerty");
    assert_int_equal(bc_driver_rows_update(img, BC_MODEL_USER, &by_id, &patch, NULL, &err), BC_OK);
    bc_record_release(&patch);
    assert_false(bc_sqlite_search_image_ready(img));
    same_answers(img, f->d, "qw");
    wait_for_image(img);
    assert_query(img, (bc_user_query){.search = "qw"}, "u03");
    for (int i = 0; i < 20; i++) {
        char *needle = random_needle(f->raw);
        same_answers(img, f->d, needle);
        free(needle);
    }

    /* With the search index, writes that change no user's email, name, id or row (a session, a
     * user's other fields, by another connection or the driver) leave the image in use; every
     * one that does is seen. */
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    wait_for_image(img);
    exec(f->raw, "INSERT INTO session (id, expiresAt, token, createdAt, updatedAt, userId) VALUES "
                 "('s-img', '2030-01-01T00:00:00.000Z', 'tok-img', 1, 1, 'u02');"
                 "UPDATE user SET emailVerified = 1 - emailVerified, role = 'x' WHERE id = 'u04';"
                 "UPDATE user SET name = name WHERE id = 'u05'");
    bc_record other = {0};
    bc_record_set_text(&other, "role", "admin");
    assert_int_equal(bc_driver_rows_update(img, BC_MODEL_USER, &by_id, &other, NULL, &err), BC_OK);
    bc_record_release(&other);
    assert_true(bc_sqlite_search_image_ready(img));
    same_answers(img, f->d, "q");
    static const char *const writes[] = {
        "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
        "('w2', 'Qz Second', 'qz2@z.io', 0, 7, 7)",
        "UPDATE user SET name = 'Qz Renamed Again' WHERE id = 'u04'",
        "UPDATE user SET email = 'QZMAIL@z.io' WHERE id = 'u06'",
        "DELETE FROM user WHERE id = 'u07'",
        "INSERT OR REPLACE INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
        "VALUES ('u08', 'Qz Replaced', 'umit@example.com', 0, 8, 8)",
        "UPDATE user SET id = 'u09b' WHERE id = 'u09'",
        "BEGIN; UPDATE user SET name = 'Tmp Qz' WHERE id = 't1'; "
        "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
        "('w3', 'Qz Third', 'qz3@z.io', 0, 9, 9); COMMIT",
        /* the newest document's user deleted and one with the same text inserted */
        "UPDATE user SET name = 'Qz Fourth' WHERE id = 'u03'",
        "BEGIN; DELETE FROM user WHERE id = 'u03'; "
        "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
        "('w5', 'Qz Fourth', 'carol@test.org', 0, 10, 10); COMMIT"};
    for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
        exec(f->raw, writes[i]);
        if (bc_sqlite_search_image_ready(img))
            fail_msg("the image stayed in use after %s", writes[i]);
        same_answers(img, f->d, "qz");
        wait_for_image(img);
        same_answers(img, f->d, "qz");
        same_answers(img, f->d, "q");
        same_answers(img, f->d, "u");
    }
    bc_driver_close(img);
}

static void search_index_follows_every_write(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    /* Through the driver: insert, update email and name, delete. */
    bc_record r = new_user("n1", "newbie@example.com");
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &r, &err), BC_OK);
    bc_record_release(&r);
    const char *id = "u01";
    bc_match by_id = {"id", &id, 1};
    bc_record patch = {0};
    bc_record_set_text(&patch, "name", "Alicia Keys");
    bc_record_set_text(&patch, "email", "alicia@music.example");
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &by_id, &patch, NULL, &err), BC_OK);
    bc_record_release(&patch);
    id = "u10";
    assert_int_equal(bc_driver_rows_delete(f->d, BC_MODEL_USER, &by_id, NULL, &err), BC_OK);
    /* Behind its back: a REPLACE (no DELETE trigger fires for the row it replaces), an upsert,
     * a long value, bytes that are not UTF-8, a number. None of it may fail. */
    exec(f->raw,
         "INSERT OR REPLACE INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
         "VALUES ('u04', 'Daniel Replaced', 'daniel@replaced.example', 1, 1, 1);"
         "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
         "('u06', 'x', 'y', 0, 1, 1) ON CONFLICT (id) DO UPDATE SET name = 'Franz Upsert';"
         "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
         "('big', printf('%.100000c', 'z') || 'tail', 'big@x.io', 0, 1, 1),"
         "('bad', CAST(x'c3c3c3ffff2e2e2e' AS TEXT), CAST(x'e282' AS TEXT), 0, 1, 1),"
         "('num', 4242, 4343, 0, 1, 1);"
         "UPDATE user SET email = 'tail@x.io' WHERE id = 'big';"
         "DELETE FROM user WHERE id = 'bad';");
    assert_raw(f->raw, "SELECT count(*) FROM bcadmin_user_search_doc", "12");
    assert_raw(f->raw, "SELECT count(*) FROM user", "12");
    /* The FTS5 table's own consistency check passes. */
    exec(f->raw,
         "INSERT INTO bcadmin_user_search (bcadmin_user_search) VALUES ('integrity-check')");
    static const char *const needles[] = {"alicia", "ALICE", "music", "newbie", "admin",
                                          "daniel", "dan@",  "franz", "frank",  "zzztail",
                                          "tail@",  "424",   "434",   "...",    "example"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        int64_t n;
        char *want = like_ids(f->raw, needles[i], BC_SORT_CREATED, false, &n);
        check_paging(f->d, (bc_user_query){.search = needles[i]}, 2, want);
        free(want);
    }
    assert_query(f->d, (bc_user_query){.search = "alicia"}, "u01");
    assert_query(f->d, (bc_user_query){.search = "alice"}, "u09");
    assert_query(f->d, (bc_user_query){.search = "franz"}, "u06");
}

static void search_index_is_added_once_and_dropped(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_false(bc_sqlite_has_any_index(f->d));
    assert_int_equal(bc_sqlite_drop_indexes(f->d, &err), BC_OK); /* nothing to drop */
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    assert_true(bc_sqlite_has_indexes(f->d));
    assert_true(bc_sqlite_has_any_index(f->d));
    const char *docs = "SELECT count(*) FROM bcadmin_user_search "
                       "WHERE bcadmin_user_search MATCH '\"ali\"'";
    assert_raw(f->raw, docs, "2");
    /* Again: nothing is added twice. */
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    assert_raw(f->raw, docs, "2");
    assert_raw(f->raw, "SELECT count(*) FROM bcadmin_user_search_doc", "10");
    /* A part removed by hand: the index is missing, and adding rebuilds it whole. */
    exec(f->raw, "DROP TRIGGER bcadmin_user_search_delete");
    assert_false(bc_sqlite_has_search_index(f->d));
    assert_false(bc_sqlite_has_indexes(f->d));
    assert_false(plan_uses_index(f->d, "alice"));
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    assert_true(bc_sqlite_has_search_index(f->d));
    assert_raw(f->raw, docs, "2");
    assert_raw(f->raw, "SELECT count(*) FROM bcadmin_user_search_doc", "10");

    /* Read-only: neither added nor dropped. */
    open_driver(f, true, 0);
    assert_int_equal(bc_sqlite_drop_indexes(f->d, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_true(plan_uses_index(f->d, "alice")); /* the index serves a read-only connection */
    assert_query(f->d, (bc_user_query){.search = "alice"}, "u09 u01");
    open_driver(f, false, 0);
    assert_int_equal(bc_sqlite_drop_indexes(f->d, &err), BC_OK);
    assert_false(bc_sqlite_has_any_index(f->d));
    assert_raw(f->raw, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'bcadmin%'", "0");
    assert_int_equal(bc_sqlite_drop_indexes(f->d, &err), BC_OK);
    /* The app's writes go on without the triggers. */
    exec(f->raw, "DELETE FROM user WHERE id = 'u01'");
    assert_query(f->d, (bc_user_query){.search = "alice"}, "u09");
}

/* A needle whose rarest trigram is in most rows is scanned (checking candidates one by one
 * would cost more); a rare one reads the index. */
static void search_index_is_used_when_selective(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    exec(f->raw, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
                 "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
                 "SELECT printf('b%05d', i), printf('Bulk %d', i), printf('b%d@bulk.io', i), 0, "
                 "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' FROM n");
    assert_false(plan_uses_index(f->d, "bulk.io"));
    assert_true(plan_uses_index(f->d, "b4999@"));
    assert_true(plan_uses_index(f->d, "bulk 4999")); /* "k 4" is rare */
    assert_true(plan_uses_index(f->d, "xyz"));       /* in no row at all */
    assert_query(f->d, (bc_user_query){.search = "b4999@"}, "b04999");
    assert_query(f->d, (bc_user_query){.search = "BULK 4999"}, "b04999");
    assert_query(f->d, (bc_user_query){.search = "xyz"}, "");
    bc_page p;
    bc_user_query q = {.search = "bulk.io", .want_total = true, .limit = 1};
    assert_int_equal(bc_driver_users_page(f->d, &q, &p, &err), BC_OK);
    assert_int_equal(p.total, 5000);
    bc_page_release(&p);
}

/* The index's terms and how many documents hold each, as one string (fts5vocab). */
static char *index_terms(sqlite3 *raw)
{
    exec(raw, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING "
              "fts5vocab(main, bcadmin_user_search, row)");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT coalesce(group_concat(term || ':' || doc, ' '), '') "
                                        "FROM (SELECT term, doc FROM temp.terms ORDER BY term)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *out = bc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* Finish an unfinished build: the index is then used, holds one document per user and passes
 * FTS5's own integrity check. */
static void finish_index(fixture *f)
{
    bc_error err = {0};
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    assert_false(bc_sqlite_search_index_unfinished(f->d));
    assert_true(plan_uses_index(f->d, "h1199@"));
    assert_raw(f->raw, "SELECT (SELECT count(*) FROM bcadmin_user_search_doc) = "
                       "(SELECT count(*) FROM user)", "1");
    exec(f->raw,
         "INSERT INTO bcadmin_user_search (bcadmin_user_search) VALUES ('integrity-check')");
}

/* Stops the build once the search index's fill has done 400 rowids. */
static void stop_after(void *ctx, const char *what, uint64_t done, uint64_t total)
{
    fixture *f = ctx;
    if (strcmp(what, "the search index") == 0 && done >= 400)
        bc_driver_interrupt(f->d);
}

/* `db index` fills the search index in short transactions; stopped half way, searches still
 * agree with the scan (the unfinished index is not used), the app's writes meanwhile are kept,
 * and the next call finishes an index equal to one built in one go. */
static void search_index_build_resumes_after_a_stop(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    add_tricky_users(f->raw, "t");
    exec(f->raw, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) "
                 "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
                 "SELECT printf('h%04d', i), printf('Hh %d', i), printf('h%d@kk.hk', i), 0, "
                 "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' FROM n");
    setenv("BCADMIN_INDEX_BATCH", "150", 1);
    bc_progress stop = {.report = stop_after, .ctx = f};
    assert_int_equal(bc_sqlite_add_indexes_progress(f->d, &stop, &err), BC_CANCELLED);
    assert_non_null(strstr(err.msg, "db index"));
    bc_driver_interrupt_clear(f->d);
    assert_true(bc_sqlite_has_any_index(f->d));
    assert_false(bc_sqlite_has_search_index(f->d));
    assert_true(bc_sqlite_search_index_unfinished(f->d));
    assert_false(bc_sqlite_has_indexes(f->d));
    assert_false(plan_uses_index(f->d, "h1199@"));
    /* Some rows are in the index, not all; the app writes rows on both sides of the fill. */
    assert_raw(f->raw, "SELECT count(*) BETWEEN 300 AND 1000 FROM bcadmin_user_search_doc", "1");
    exec(f->raw, "UPDATE user SET name = 'Early Renamed' WHERE id = 'u01';"
                 "UPDATE user SET email = 'late@renamed.hk', name = 'Late Mover' WHERE id = 'h1100';"
                 "UPDATE user SET id = 'h1101b' WHERE id = 'h1101';"
                 "DELETE FROM user WHERE id IN ('u02', 'h1102', 'h0005');"
                 "INSERT OR REPLACE INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
                 "VALUES ('h1103', 'Replaced Late', 'replaced@late.hk', 0, 1, 1);"
                 "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) VALUES "
                 "('n1', 'Newcomer During', 'newcomer@during.hk', 0, 1, 1);");
    add_tricky_users(f->raw, "v");
    search_agrees_everywhere(f);
    assert_query(f->d, (bc_user_query){.search = "late mover"}, "h1100");

    /* Resumed: finished, used, and equal to the scan. */
    finish_index(f);
    assert_true(bc_sqlite_has_indexes(f->d));
    search_agrees_everywhere(f);
    static const char *const needles[] = {"late", "h1101b", "newcomer", "replaced", "early",
                                          "h0005@", "h1102@", "h1103@", "hh 110", "kk.hk"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        int64_t n;
        char *want = like_ids(f->raw, needles[i], BC_SORT_CREATED, false, &n);
        check_paging(f->d, (bc_user_query){.search = needles[i]}, 400, want);
        free(want);
    }
    char *resumed = index_terms(f->raw);

    /* The same rows indexed in one go give the same terms in the same number of documents. */
    assert_int_equal(bc_sqlite_drop_indexes(f->d, &err), BC_OK);
    assert_int_equal(bc_sqlite_add_indexes(f->d, &err), BC_OK);
    char *fresh = index_terms(f->raw);
    assert_true(strlen(fresh) > 1000);
    assert_string_equal(resumed, fresh);
    free(resumed);
    free(fresh);
    unsetenv("BCADMIN_INDEX_BATCH");
}

/* A VACUUM between two fill transactions. SQLite's VACUUM renumbers the rows of a table with no
 * INTEGER PRIMARY KEY and no index (an app with a looser schema: "id" without PRIMARY KEY, and
 * bcadmin's browse indexes dropped again), so rows the fill had not reached move below the rowid
 * it would resume at. The resumed build sees that its first unfilled row moved and starts over:
 * every user is in the index and searches equal the scan. On the Better Auth schema (a primary
 * key index) the VACUUM keeps the rowids and the build simply resumes. */
static void search_index_fill_survives_vacuum(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    /* the looser schema: the same columns, no primary key, no index */
    exec(f->raw, "CREATE TABLE loose AS SELECT * FROM \"user\"; DROP TABLE \"user\";"
                 "ALTER TABLE loose RENAME TO \"user\"");
    exec(f->raw, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) "
                 "INSERT INTO user (id, name, email, emailVerified, createdAt, updatedAt) "
                 "SELECT printf('h%04d', i), printf('Hh %d', i), printf('h%d@kk.hk', i), 0, "
                 "'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' FROM n");
    open_driver(f, false, 0);
    setenv("BCADMIN_INDEX_BATCH", "150", 1);
    bc_progress stop = {.report = stop_after, .ctx = f};
    assert_int_equal(bc_sqlite_add_indexes_progress(f->d, &stop, &err), BC_CANCELLED);
    bc_driver_interrupt_clear(f->d);
    assert_true(bc_sqlite_search_index_unfinished(f->d));
    assert_raw(f->raw, "SELECT count(*) BETWEEN 300 AND 1000 FROM bcadmin_user_search_doc", "1");
    /* the app deletes early rows, removes the browse indexes and runs a real VACUUM */
    exec(f->raw, "DELETE FROM user WHERE id BETWEEN 'h0010' AND 'h0209'");
    sqlite3_stmt *st;
    bc_buf drops = {0};
    assert_int_equal(sqlite3_prepare_v2(f->raw, "SELECT name FROM sqlite_master WHERE type = "
                                                "'index' AND tbl_name = 'user'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        bc_buf_printf(&drops, "DROP INDEX \"%s\";", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_non_null(drops.data);
    exec(f->raw, drops.data);
    bc_buf_release(&drops);
    assert_raw(f->raw, "SELECT rowid FROM user WHERE id = 'h1200'", "1210");
    exec(f->raw, "VACUUM");
    /* the VACUUM did renumber: the last row moved down by the 200 deleted before it */
    assert_raw(f->raw, "SELECT rowid FROM user WHERE id = 'h1200'", "1010");

    finish_index(f);
    static const char *const needles[] = {"h500@", "h600@", "h700@", "h1200@", "kk.hk", "hh 5"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        int64_t n;
        char *want = like_ids(f->raw, needles[i], BC_SORT_CREATED, false, &n);
        assert_true(n > 0);
        check_paging(f->d, (bc_user_query){.search = needles[i]}, 400, want);
        free(want);
    }
    search_agrees_everywhere(f);
    unsetenv("BCADMIN_INDEX_BATCH");
}

/* --- sessions, rows, transactions ------------------------------------------------------------ */

static void add_session(sqlite3 *db, const char *id, const char *user, const char *created,
                        const char *expires, const char *impersonated_by)
{
    char *sql = bc_xasprintf(
        "INSERT INTO session (id, expiresAt, token, createdAt, updatedAt, ipAddress, userAgent, "
        "userId, impersonatedBy) VALUES ('%s', '%s', 'tok-%s', '%s', '%s', '', 'ua', '%s', %s%s%s)",
        id, expires, id, created, created, user, impersonated_by ? "'" : "",
        impersonated_by ? impersonated_by : "NULL", impersonated_by ? "'" : "");
    exec(db, sql);
    free(sql);
}

static char *session_ids(bc_driver *d, bc_session_query q)
{
    bc_buf b = {0};
    bc_buf_puts(&b, "");
    char *cursor = NULL;
    do {
        q.cursor = cursor;
        bc_page p;
        bc_error err = {0};
        if (bc_driver_sessions_page(d, &q, &p, &err) != BC_OK)
            fail_msg("sessions_page: %s", err.msg);
        char *ids = page_ids(&p);
        bc_buf_printf(&b, "%s%s", b.len && *ids ? " " : "", ids);
        free(ids);
        free(cursor);
        cursor = p.next_cursor ? bc_xstrdup(p.next_cursor) : NULL;
        bc_page_release(&p);
    } while (cursor);
    return bc_buf_take(&b);
}

static void assert_sessions(bc_driver *d, bc_session_query q, const char *want)
{
    char *got = session_ids(d, q);
    assert_string_equal(got, want);
    free(got);
}

static void lists_sessions(void **state)
{
    fixture *f = *state;
    add_session(f->raw, "s1", "u01", "2025-12-01T00:00:00.000Z", "2025-12-08T00:00:00.000Z",
                NULL); /* expired */
    add_session(f->raw, "s2", "u01", "2025-12-30T00:00:00.000Z", "2026-01-06T00:00:00.000Z", NULL);
    add_session(f->raw, "s3", "u02", "2025-12-30T00:00:00.000Z", "2026-01-06T00:00:00.000Z", NULL);
    add_session(f->raw, "s4", "u01", "2025-12-31T00:00:00.000Z", "2025-12-31T01:00:00.000Z",
                "u03"); /* expired impersonation */
    add_session(f->raw, "s5", "u05", "2025-12-31T23:30:00.000Z", "2026-01-01T00:30:00.000Z", "u03");
    assert_sessions(f->d, (bc_session_query){.limit = 2}, "s5 s4 s3 s2 s1");
    assert_sessions(f->d, (bc_session_query){.user_id = "u01", .limit = 1}, "s4 s2 s1");
    assert_sessions(f->d, (bc_session_query){.active_only = true}, "s5 s3 s2");
    assert_sessions(f->d, (bc_session_query){.expired_only = true}, "s4 s1");
    assert_sessions(f->d, (bc_session_query){.impersonation_only = true}, "s5 s4");
    assert_sessions(f->d, (bc_session_query){.impersonation_only = true, .active_only = true},
                    "s5");
    assert_sessions(f->d, (bc_session_query){.user_id = "nobody"}, "");
    bc_page p;
    bc_error err = {0};
    assert_int_equal(
        bc_driver_sessions_page(
            f->d, &(bc_session_query){.user_id = "u01", .want_total = true, .limit = 1}, &p, &err),
        BC_OK);
    assert_int_equal(p.total, 3);
    /* Tokens come back as stored; masking is the caller's choice (bc_record_mask). */
    assert_string_equal(bc_record_text(&p.rows.items[0], "token"), "tok-s4");
    bc_page_release(&p);
    /* Totals of the status filters (counted apart from the page's filter), also narrowed by a
     * search (the owner's email: alice owns s2 of the active ones, s1 and s4 of the expired). */
    static const struct {
        bc_session_query q;
        int64_t total;
    } totals[] = {
        {{.active_only = true}, 3},
        {{.expired_only = true}, 2},
        {{.active_only = true, .search = "alice@"}, 1},
        {{.expired_only = true, .search = "alice@"}, 2},
    };
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
        bc_session_query q = totals[i].q;
        q.want_total = true;
        q.limit = 1;
        assert_int_equal(bc_driver_sessions_page(f->d, &q, &p, &err), BC_OK);
        assert_int_equal(p.total, totals[i].total);
        bc_page_release(&p);
    }
    assert_int_equal(
        bc_driver_sessions_page(
            f->d, &(bc_session_query){.active_only = true, .expired_only = true}, &p, &err),
        BC_USAGE);
}

/* Sessions searched (owner's email or name, IP address, user agent) and sorted by created,
 * expires or last active, both ways, paged 7 at a time: the ids in order equal SQL's. */
static void searches_and_sorts_sessions(void **state)
{
    fixture *f = *state;
    exec(f->raw,
         "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 119) "
         "INSERT INTO session (id, expiresAt, token, createdAt, updatedAt, ipAddress, "
         "userAgent, userId, impersonatedBy) SELECT printf('t%03d', i), "
         "strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d hours', (i * 37) % 120)), "
         "printf('tok%03d', i), "
         "strftime('%Y-%m-%dT%H:%M:%fZ', '2025-06-01', printf('+%d hours', i / 2)), "
         "strftime('%Y-%m-%dT%H:%M:%fZ', '2025-09-01', printf('+%d hours', (i * 53) % 120)), "
         "printf('10.0.%d.%d', i % 7, i), CASE i % 3 WHEN 0 THEN 'Firefox/120' "
         "WHEN 1 THEN 'curl/8' ELSE NULL END, printf('u%02d', 1 + i % 10), NULL FROM n");
    static const char *const needles[] = {NULL,      "alice",       "ALICE",         "10.0.3.",
                                          "firefox", "example.com", "nothing at all"};
    static const char *const columns[] = {"createdAt", "expiresAt", "updatedAt"};
    for (size_t k = 0; k < sizeof needles / sizeof *needles; k++) {
        for (int sort = 0; sort < BC_SESSION_SORT_COUNT; sort++) {
            for (int asc = 0; asc < 2; asc++) {
                const char *n = needles[k];
                const char *dir = asc ? "ASC" : "DESC";
                char *where =
                    n ? bc_xasprintf(
                            " WHERE instr(lower(ipAddress), lower('%s')) OR "
                            "instr(lower(userAgent), lower('%s')) OR userId IN (SELECT id FROM "
                            "user WHERE instr(lower(email), lower('%s')) OR "
                            "instr(lower(name), lower('%s')))",
                            n, n, n, n)
                      : bc_xstrdup("");
                char *sql = bc_xasprintf("SELECT coalesce(group_concat(id, ' '), '') FROM (SELECT "
                                         "id FROM session%s ORDER BY %s %s, id %s)",
                                         where, columns[sort], dir, dir);
                char *want = raw_text(f->raw, sql);
                bc_session_query q = {
                    .search = n, .sort = (bc_session_sort)sort, .ascending = asc, .limit = 7};
                char *got = session_ids(f->d, q);
                if (strcmp(got, want) != 0)
                    fail_msg("search %s, sort %s %s:\n got  %s\n want %s", n ? n : "(none)",
                             columns[sort], dir, got, want);
                free(got);
                free(want);
                free(sql);
                free(where);
            }
        }
    }
    bc_page p;
    bc_error err = {0};
    assert_int_equal(
        bc_driver_sessions_page(
            f->d, &(bc_session_query){.search = "alice", .want_total = true, .limit = 1}, &p, &err),
        BC_OK);
    assert_int_equal(p.total, 24); /* u01 and u09 (alice cooper): 12 sessions each */
    bc_page_release(&p);
    assert_int_equal(
        bc_driver_sessions_page(f->d, &(bc_session_query){.sort = BC_SESSION_SORT_COUNT}, &p, &err),
        BC_USAGE);
}

static void gets_updates_deletes_rows(void **state)
{
    fixture *f = *state;
    add_session(f->raw, "s1", "u01", "2025-12-01T00:00:00.000Z", "2026-12-08T00:00:00.000Z", NULL);
    add_session(f->raw, "s2", "u02", "2025-12-01T00:00:00.000Z", "2026-12-08T00:00:00.000Z", NULL);
    exec(f->raw, "INSERT INTO account (id, accountId, providerId, userId, password, createdAt, "
                 "updatedAt) VALUES ('a1', 'u01', 'credential', 'u01', 'salt:key', "
                 "'2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'), ('a2', '1234', "
                 "'github', 'u01', NULL, '2025-01-01T00:00:00.000Z', "
                 "'2025-01-01T00:00:00.000Z'), ('a3', 'u02', 'credential', 'u02', 'x:y', "
                 "'2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')");
    bc_error err = {0};
    bc_rows rows;
    const char *u1 = "u01";
    bc_match by_user = {"userId", &u1, 1};
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_ACCOUNT, &by_user, 0, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 2);
    bc_rows_release(&rows);
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_ACCOUNT, &by_user, 1, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 1);
    bc_rows_release(&rows);
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_ACCOUNT, NULL, 0, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 3);
    bc_rows_release(&rows);

    /* IN lists, also longer than one statement takes. */
    const char *many[1200];
    char *owned[1200];
    for (int i = 0; i < 1200; i++)
        many[i] = owned[i] = bc_xasprintf("u%02d", i);
    bc_match in = {"id", many, 1200};
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_USER, &in, 0, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 10);
    bc_rows_release(&rows);
    bc_record patch = {0};
    bc_record_set_text(&patch, "banReason", "bulk");
    size_t changed = 0;
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &in, &patch, &changed, &err),
                     BC_OK);
    assert_int_equal(changed, 10);
    bc_record_release(&patch);
    for (int i = 0; i < 1200; i++)
        free(owned[i]);
    bc_match none = {"id", NULL, 0};
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_USER, &none, 0, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 0);

    bc_record missing;
    assert_int_equal(bc_driver_row_get(f->d, BC_MODEL_USER, "id", "nope", &missing, &err),
                     BC_NOT_FOUND);
    assert_non_null(strstr(err.msg, "nope"));

    /* Foreign keys are on, as under better-sqlite3: deleting a user cascades. */
    size_t deleted = 0;
    bc_match by_id = {"id", &u1, 1};
    assert_int_equal(bc_driver_rows_delete(f->d, BC_MODEL_USER, &by_id, &deleted, &err), BC_OK);
    assert_int_equal(deleted, 1);
    assert_raw(f->raw, "SELECT count(*) FROM session WHERE userId = 'u01'", "0");
    assert_raw(f->raw, "SELECT count(*) FROM account WHERE userId = 'u01'", "0");
    assert_raw(f->raw, "SELECT count(*) FROM session", "1");

    /* A duplicate email is refused by the database, with its reason. */
    bc_record dup = new_user("n9", "BOB@example.com");
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &dup, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "UNIQUE"));
    bc_record_release(&dup);

    /* jwks rows (a NULL match reads the whole small table). */
    exec(f->raw,
         "INSERT INTO jwks VALUES ('k1', '{}', '\"ab\"', '2025-01-01T00:00:00.000Z', NULL)");
    assert_int_equal(bc_driver_rows_get(f->d, BC_MODEL_JWKS, NULL, 0, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 1);
    assert_int_equal(bc_record_get(&rows.items[0], "expiresAt")->kind, BC_V_NULL);
    bc_rows_release(&rows);
}

static void groups_writes_in_transactions(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_record r = new_user("t1", "t1@example.com");
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_BEGIN, &err), BC_OK);
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_BEGIN, &err), BC_USAGE);
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &r, &err), BC_OK);
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_ROLLBACK, &err), BC_OK);
    assert_raw(f->raw, "SELECT count(*) FROM user WHERE id = 't1'", "0");
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_COMMIT, &err), BC_USAGE);

    assert_int_equal(bc_driver_txn(f->d, BC_TXN_BEGIN, &err), BC_OK);
    assert_int_equal(bc_driver_row_insert(f->d, BC_MODEL_USER, &r, &err), BC_OK);
    /* Reads inside the transaction see its own writes. */
    bc_record got = {0};
    assert_int_equal(bc_driver_row_get(f->d, BC_MODEL_USER, "id", "t1", &got, &err), BC_OK);
    bc_record_release(&got);
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_COMMIT, &err), BC_OK);
    assert_raw(f->raw, "SELECT count(*) FROM user WHERE id = 't1'", "1");
    bc_record_release(&r);
}

/* --- locks ------------------------------------------------------------------------------------ */

static void reports_a_locked_database(void **state)
{
    fixture *f = *state;
    open_driver(f, false, 150);
    bc_error err = {0};
    exec(f->raw, "BEGIN IMMEDIATE");
    /* Reads go on under the app's write lock... */
    bc_page p;
    assert_int_equal(bc_driver_users_page(f->d, &(bc_user_query){.want_total = true}, &p, &err),
                     BC_OK);
    assert_int_equal(p.total, 10);
    bc_page_release(&p);
    /* ...writes wait for the timeout, then say what is wrong. */
    bc_record patch = {0};
    bc_record_set_text(&patch, "name", "Locked Out");
    const char *id = "u01";
    bc_match m = {"id", &id, 1};
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &m, &patch, NULL, &err), BC_ERR);
    char *want = bc_xasprintf("database is locked by another process (file %s)", f->path);
    assert_non_null(strstr(err.msg, want));
    assert_null(strstr(err.msg, "SQLITE"));
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_BEGIN, &err), BC_ERR);
    assert_non_null(strstr(err.msg, want));
    exec(f->raw, "COMMIT");

    /* An exclusive lock blocks reads too. */
    exec(f->raw, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE");
    assert_int_equal(bc_driver_users_page(f->d, &(bc_user_query){0}, &p, &err), BC_ERR);
    assert_non_null(strstr(err.msg, want));
    exec(f->raw, "COMMIT; PRAGMA locking_mode = NORMAL; SELECT 1 FROM user LIMIT 1");
    free(want);

    /* Once the lock is gone the same write works. */
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &m, &patch, NULL, &err), BC_OK);
    bc_record_release(&patch);
    assert_raw(f->raw, "SELECT name FROM user WHERE id = 'u01'", "Locked Out");
}

typedef struct {
    const char *path;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool locked;
} holder;

/* Another writer: takes the write lock, lets the test know, holds it a moment, commits. */
static void *hold_lock(void *arg)
{
    holder *h = arg;
    sqlite3 *db;
    sqlite3_open(h->path, &db);
    exec(db, "BEGIN IMMEDIATE; UPDATE user SET name = 'Held' WHERE id = 'u02'");
    pthread_mutex_lock(&h->mu);
    h->locked = true;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    usleep(300 * 1000);
    exec(db, "COMMIT");
    sqlite3_close(db);
    return NULL;
}

static void waits_for_a_short_lock(void **state)
{
    fixture *f = *state;
    holder h = {.path = f->path};
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    pthread_t t;
    pthread_create(&t, NULL, hold_lock, &h);
    pthread_mutex_lock(&h.mu);
    while (!h.locked)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);

    bc_error err = {0};
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_BEGIN, &err), BC_OK); /* waits, then succeeds */
    bc_record patch = {0};
    bc_record_set_text(&patch, "name", "After");
    const char *id = "u02";
    bc_match m = {"id", &id, 1};
    size_t changed = 0;
    assert_int_equal(bc_driver_rows_update(f->d, BC_MODEL_USER, &m, &patch, &changed, &err), BC_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(bc_driver_txn(f->d, BC_TXN_COMMIT, &err), BC_OK);
    bc_record_release(&patch);
    pthread_join(t, NULL);
    assert_raw(f->raw, "SELECT name FROM user WHERE id = 'u02'", "After");
    pthread_mutex_destroy(&h.mu);
    pthread_cond_destroy(&h.cv);
}

int main(void)
{
    /* The ThreadSanitizer build runs only the cases that start a thread (tests/meson.build):
     * BC_UNIT_FILTER holds their name patterns, separated by commas. */
    const char *only = getenv("BC_UNIT_FILTER");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_missing_file),
        cmocka_unit_test(refuses_non_sqlite_file),
        cmocka_unit_test(refuses_other_sqlite_database),
        cmocka_unit_test(cursor_round_trips),
        cmocka_unit_test_setup_teardown(optional_tables_are_reported, setup_schema, teardown),
        cmocka_unit_test_setup_teardown(open_does_not_change_the_file, setup_schema, teardown),
        cmocka_unit_test_setup_teardown(decodes_types_and_keeps_extra_columns, setup_seeded,
                                        teardown),
        cmocka_unit_test_setup_teardown(writes_better_auth_encodings, setup_schema, teardown),
        cmocka_unit_test_setup_teardown(refuses_unknown_fields, setup_schema, teardown),
        cmocka_unit_test_setup_teardown(searches_like_better_auth, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(filters_role_ban_verified, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(sorts_and_pages_every_way, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(pages_through_equal_sort_keys, setup_schema, teardown),
        cmocka_unit_test_setup_teardown(substring_search_agrees_with_sqlite, setup_seeded,
                                        teardown),
        cmocka_unit_test_setup_teardown(pages_have_the_right_cursors, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(refuses_invalid_cursors, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(counts_totals_and_refreshes_them, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(uses_the_browse_indexes, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(read_only_refuses_writes, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(read_only_wal_leaves_no_files, setup_seeded, teardown),
        cmocka_unit_test_teardown(pages_reach_null_sort_keys, teardown),
        cmocka_unit_test_setup_teardown(search_index_agrees_with_the_scan, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(a_rare_needle_leaves_the_walk_early, setup_seeded,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_image_agrees_with_the_scan, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(search_index_follows_every_write, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(search_index_is_added_once_and_dropped, setup_seeded,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_index_is_used_when_selective, setup_seeded,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_index_build_resumes_after_a_stop, setup_seeded,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_index_fill_survives_vacuum, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(lists_sessions, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(searches_and_sorts_sessions, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(gets_updates_deletes_rows, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(groups_writes_in_transactions, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(reports_a_locked_database, setup_seeded, teardown),
        cmocka_unit_test_setup_teardown(waits_for_a_short_lock, setup_seeded, teardown),
    };
    if (!only || !*only)
        return cmocka_run_group_tests(tests, NULL, NULL);
    int failed = 0;
    char *patterns = bc_xstrdup(only), *save = NULL;
    for (char *p = strtok_r(patterns, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        cmocka_set_test_filter(p);
        failed += cmocka_run_group_tests(tests, NULL, NULL);
    }
    free(patterns);
    return failed;
}
