/* Unit tests for core/admin: every action's exact row effects on a temporary Better Auth SQLite
 * file, the plugin's refusals, audit entries (pending -> done/failed, before/after, no secrets),
 * bulk actions in one transaction, and undo. Each test gets a fresh file and state database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "admin.h"
#include "audit.h"
#include "embedded.h"
#include "isotime.h"
#include "password.h"
#include "sqlite_driver.h"
#include "state_db.h"
#include "xalloc.h"

#define NOW "2026-01-01T00:00:00.000Z"
#define HASH_A "0123456789abcdef0123456789abcdef:" /* + 128 hex below: never a real hash */

typedef struct {
    char dir[64], db[96], state_path[96];
    sqlite3 *raw; /* the "app": an independent connection to the same file */
    bc_driver *d;
    bc_state *state;
    bc_admin a;
} fixture;

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* One text value (NULL as "NULL") of a one-row, one-column query. The caller frees. */
static char *one(sqlite3 *db, const char *sql, const char *param)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        out = bc_xstrdup(t ? (const char *)t : "NULL");
    }
    sqlite3_finalize(st);
    return out ? out : bc_xstrdup("(no row)");
}

#define assert_one(f, want, sql, param)                                                            \
    do {                                                                                           \
        char *got_ = one((f)->raw, sql, param);                                                    \
        assert_string_equal(got_, want);                                                           \
        free(got_);                                                                                \
    } while (0)

#define assert_state(f, want, sql, param)                                                          \
    do {                                                                                           \
        char *got_ = one(bc_state_db((f)->state), sql, param);                                     \
        assert_string_equal(got_, want);                                                           \
        free(got_);                                                                                \
    } while (0)

static void open_driver(fixture *f, bool read_only)
{
    bc_admin_release(&f->a);
    bc_driver_close(f->d);
    bc_error err = {0};
    bc_sqlite_opts o = {.read_only = read_only, .busy_timeout_ms = 2000};
    if (bc_sqlite_open(f->db, &o, &f->d, &err) != BC_OK)
        fail_msg("open: %s", err.msg);
    bc_admin_init(&f->a, f->d, f->state, &err);
}

static int setup(void **state)
{
    setenv("BCADMIN_NOW", NOW, 1);
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/bc_admin_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/app.db", f->dir);
    snprintf(f->state_path, sizeof f->state_path, "%s/state.db", f->dir);
    assert_int_equal(sqlite3_open(f->db, &f->raw), SQLITE_OK);
    sqlite3_busy_timeout(f->raw, 2000);
    exec(f->raw, bc_embedded_find(bc_assets, "better-auth-schema.sql")->data);
    exec(f->raw,
         "INSERT INTO \"user\" VALUES"
         " ('adm', 'Ada Admin', 'ada@example.com', 1, NULL, '2025-01-01T00:00:00.000Z',"
         "  '2025-01-01T00:00:00.000Z', 'admin', 0, NULL, NULL),"
         " ('u1', 'Bob', 'bob@example.com', 1, NULL, '2025-02-01T00:00:00.000Z',"
         "  '2025-02-01T00:00:00.000Z', 'user', 0, NULL, NULL),"
         " ('u2', 'Cat', 'cat@example.com', 0, 'https://i/c.png', '2025-03-01T00:00:00.000Z',"
         "  '2025-03-01T00:00:00.000Z', NULL, 1, 'old', '2025-06-01T00:00:00.000Z'),"
         " ('u3', 'Dan', 'dan@example.com', 0, NULL, '2025-04-01T00:00:00.000Z',"
         "  '2025-04-01T00:00:00.000Z', 'user,admin', 0, NULL, NULL);"
         "INSERT INTO session VALUES"
         " ('s1', '2026-01-05T00:00:00.000Z', 'tok1aaaaaaaaaaaaaaaaaaaaaaaaaaaa', "
         "  '2025-12-30T00:00:00.000Z', '2025-12-30T00:00:00.000Z', '', 'ua', 'u1', NULL),"
         " ('s2', '2026-01-05T00:00:00.000Z', 'tok2bbbbbbbbbbbbbbbbbbbbbbbbbbbb', "
         "  '2025-12-30T00:00:00.000Z', '2025-12-30T00:00:00.000Z', '', 'ua', 'u1', NULL),"
         " ('s3', '2026-01-05T00:00:00.000Z', 'tok3cccccccccccccccccccccccccccc', "
         "  '2025-12-30T00:00:00.000Z', '2025-12-30T00:00:00.000Z', '', 'ua', 'adm', NULL);"
         "INSERT INTO account (id, accountId, providerId, userId, password, createdAt, updatedAt)"
         " VALUES ('a1', 'u1', 'credential', 'u1', '" HASH_A "' || lower(hex(zeroblob(64))),"
         "  '2025-02-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'),"
         " ('a2', '99', 'github', 'u1', NULL, '2025-02-01T00:00:00.000Z', "
         "  '2025-02-01T00:00:00.000Z'),"
         " ('a3', '77', 'google', 'u2', NULL, '2025-03-01T00:00:00.000Z', "
         "  '2025-03-01T00:00:00.000Z');");
    bc_error err = {0};
    if (bc_state_open(f->state_path, &f->state, &err) != BC_OK)
        fail_msg("state: %s", err.msg);
    open_driver(f, false);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_admin_release(&f->a);
    bc_driver_close(f->d);
    bc_state_close(f->state);
    sqlite3_close(f->raw);
    char *cmd = bc_xasprintf("rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f);
    return 0;
}

static void set_actor(fixture *f)
{
    bc_error err = {0};
    if (bc_admin_set_actor(&f->a, "ADA@example.com", &err) != BC_OK)
        fail_msg("actor: %s", err.msg);
}

static bc_ban_expiry never(void)
{
    return (bc_ban_expiry){.never = true};
}

/* The audit table must not hold s anywhere. */
static void assert_not_in_audit(fixture *f, const char *s)
{
    assert_state(f, "0",
                 "SELECT count(*) FROM audit WHERE instr(coalesce(before_json,'') ||"
                 " coalesce(after_json,'') || coalesce(error,'') || coalesce(subject,'') ||"
                 " coalesce(actor,''), ?) > 0",
                 s);
}

/* --- ban / unban ---------------------------------------------------------------------------- */

static void test_ban_rows(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_ban_expiry exp;
    assert_int_equal(bc_ban_expiry_parse("7d", bc_now_ms(), &exp, &err), BC_OK);
    assert_int_equal(bc_admin_ban(&f->a, "BOB@example.com", "spam", exp, &err), BC_OK);
    assert_one(f, "1|spam|2026-01-08T00:00:00.000Z|2026-01-01T00:00:00.000Z",
               "SELECT banned||'|'||banReason||'|'||banExpires||'|'||updatedAt FROM \"user\" WHERE "
               "id=?",
               "u1");
    assert_one(f, "0", "SELECT count(*) FROM session WHERE userId=?", "u1");
    assert_one(f, "1", "SELECT count(*) FROM session WHERE userId=?", "adm");
    /* Other columns untouched. */
    assert_one(f, "Bob|bob@example.com|1|user",
               "SELECT name||'|'||email||'|'||emailVerified||'|'||role FROM \"user\" WHERE id=?",
               "u1");
    assert_state(f, "users.ban|u1|done", "SELECT action||'|'||subject||'|'||state FROM audit",
                 NULL);
    assert_state(f,
                 "{\"banned\":false,\"banReason\":null,\"banExpires\":null,\"updatedAt\":\"2025-02-"
                 "01T00:00:00.000Z\"}",
                 "SELECT before_json FROM audit", NULL);
    assert_state(f,
                 "{\"banned\":true,\"banReason\":\"spam\",\"banExpires\":\"2026-01-08T00:00:00."
                 "000Z\",\"updatedAt\":\"2026-01-01T00:00:00.000Z\"}",
                 "SELECT after_json FROM audit", NULL);
    assert_state(f, "2026-01-01T00:00:00.000Z", "SELECT finished_at FROM audit", NULL);
}

static void test_ban_default_reason_and_stale_expiry(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_ban_expiry exp;
    assert_int_equal(bc_ban_expiry_parse("2026-02-01T00:00:00Z", bc_now_ms(), &exp, &err), BC_OK);
    assert_int_equal(bc_admin_ban(&f->a, "u1", NULL, exp, &err), BC_OK);
    assert_one(f, "No reason|2026-02-01T00:00:00.000Z",
               "SELECT banReason||'|'||banExpires FROM \"user\" WHERE id=?", "u1");
    /* Re-banning without an expiry makes the ban permanent: NULL, never the old expiry. */
    assert_int_equal(bc_admin_ban(&f->a, "u1", "", never(), &err), BC_OK);
    assert_one(f, "NULL", "SELECT coalesce(banExpires, 'NULL') FROM \"user\" WHERE id=?", "u1");
    assert_one(f, "No reason", "SELECT banReason FROM \"user\" WHERE id=?", "u1");
}

static void test_ban_expiry_parse(void **state)
{
    (void)state;
    bc_error err = {0};
    bc_ban_expiry e;
    int64_t now = bc_now_ms();
    assert_int_equal(bc_ban_expiry_parse("never", now, &e, &err), BC_OK);
    assert_true(e.never);
    assert_int_equal(bc_ban_expiry_parse(NULL, now, &e, &err), BC_OK);
    assert_true(e.never);
    assert_int_equal(bc_ban_expiry_parse("30m", now, &e, &err), BC_OK);
    assert_int_equal(e.at_ms, now + 30 * 60 * 1000);
    assert_int_equal(bc_ban_expiry_parse("2w", now, &e, &err), BC_OK);
    assert_int_equal(e.at_ms, now + 14LL * 86400 * 1000);
    assert_int_equal(bc_ban_expiry_parse("2025-12-31T23:59:59Z", now, &e, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "in the past"));
    assert_int_equal(bc_ban_expiry_parse(NOW, now, &e, &err), BC_USAGE);
    assert_int_equal(bc_ban_expiry_parse("soon", now, &e, &err), BC_USAGE);
    assert_int_equal(bc_ban_expiry_parse("-3d", now, &e, &err), BC_USAGE);
}

static void test_ban_refusals(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    set_actor(f);
    assert_int_equal(bc_admin_ban(&f->a, "adm", NULL, never(), &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "yourself"));
    bc_ban_expiry past = {.never = false, .at_ms = bc_now_ms() - 1};
    assert_int_equal(bc_admin_ban(&f->a, "u1", NULL, past, &err), BC_USAGE);
    assert_int_equal(bc_admin_ban(&f->a, "nobody@example.com", NULL, never(), &err), BC_NOT_FOUND);
    assert_one(f, "0", "SELECT banned FROM \"user\" WHERE id=?", "adm");
    assert_one(f, "0", "SELECT banned FROM \"user\" WHERE id=?", "u1");
    assert_state(f, "0", "SELECT count(*) FROM audit", NULL);
    /* An actor without an admin role is refused. */
    assert_int_equal(bc_admin_set_actor(&f->a, "bob@example.com", &err), BC_REFUSED);
    assert_int_equal(bc_admin_set_actor(&f->a, "ghost", &err), BC_NOT_FOUND);
}

static void test_unban_rows(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_admin_unban(&f->a, "cat@example.com", &err), BC_OK);
    assert_one(
        f, "0|NULL|NULL|2026-01-01T00:00:00.000Z",
        "SELECT banned||'|'||coalesce(banReason,'NULL')||'|'||coalesce(banExpires,'NULL')||'|'"
        "||updatedAt FROM \"user\" WHERE id=?",
        "u2");
}

/* --- roles ---------------------------------------------------------------------------------- */

static void test_set_role(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_admin_set_role(&f->a, "u1", " user , admin ", &err), BC_OK);
    assert_one(f, "user,admin|2026-01-01T00:00:00.000Z",
               "SELECT role||'|'||updatedAt FROM \"user\" WHERE id=?", "u1");
    static const char *const bad[] = {"",     ",",     "user,,admin", "us er", "admin,admin",
                                      "röle", "x;DROP"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(bc_admin_set_role(&f->a, "u2", bad[i], &err), BC_USAGE);
    assert_one(f, "NULL", "SELECT coalesce(role,'NULL') FROM \"user\" WHERE id=?", "u2");
}

/* --- impersonation -------------------------------------------------------------------------- */

static void test_impersonate(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_record s;
    assert_int_equal(bc_admin_impersonate(&f->a, "u1", 0, false, &s, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "--as"));
    set_actor(f);
    assert_int_equal(bc_admin_impersonate(&f->a, "u1", 0, false, &s, &err), BC_OK);
    const char *token = bc_record_text(&s, "token");
    assert_int_equal(strlen(token), 32);
    assert_one(f, "u1|adm|2026-01-01T01:00:00.000Z||2026-01-01T00:00:00.000Z",
               "SELECT userId||'|'||impersonatedBy||'|'||expiresAt||'|'||ipAddress||'|'||createdAt "
               "FROM session WHERE token=?",
               token);
    assert_not_in_audit(f, token);
    assert_state(f, "users.impersonate|u1|done",
                 "SELECT action||'|'||subject||'|'||state FROM audit", NULL);
    bc_record_release(&s);

    /* A duration, an admin target (role list holding admin) and a banned target. */
    assert_int_equal(bc_admin_impersonate(&f->a, "u1", 600000, false, &s, &err), BC_OK);
    assert_one(f, "2026-01-01T00:10:00.000Z", "SELECT expiresAt FROM session WHERE token=?",
               bc_record_text(&s, "token"));
    bc_record_release(&s);
    assert_int_equal(bc_admin_impersonate(&f->a, "u3", 0, false, &s, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "admin"));
    assert_int_equal(bc_admin_impersonate(&f->a, "u3", 0, true, &s, &err), BC_OK);
    bc_record_release(&s);
    assert_int_equal(bc_admin_ban(&f->a, "u1", NULL, never(), &err), BC_OK);
    assert_int_equal(bc_admin_impersonate(&f->a, "u1", 0, false, &s, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "banned"));
    /* An expired ban is lifted, as the plugin's session hook does. */
    assert_int_equal(bc_admin_impersonate(&f->a, "u2", 0, false, &s, &err), BC_OK);
    assert_one(f, "0|NULL",
               "SELECT banned||'|'||coalesce(banExpires,'NULL') FROM \"user\" WHERE id=?", "u2");
    bc_record_release(&s);

    size_t n = 0;
    assert_int_equal(bc_admin_stop_impersonating(&f->a, "u1", &n, &err), BC_OK);
    assert_int_equal(n, 0); /* the ban already deleted u1's sessions */
    assert_int_equal(bc_admin_stop_impersonating(&f->a, NULL, &n, &err), BC_OK);
    assert_int_equal(n, 2);
    assert_one(f, "0", "SELECT count(*) FROM session WHERE impersonatedBy IS NOT NULL", NULL);
    assert_one(f, "1", "SELECT count(*) FROM session", NULL);
}

/* --- sessions --------------------------------------------------------------------------------- */

static void test_revoke(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_admin_revoke_session(&f->a, "tok2bbbbbbbbbbbbbbbbbbbbbbbbbbbb", &err),
                     BC_OK);
    assert_one(f, "s1", "SELECT group_concat(id) FROM session WHERE userId=?", "u1");
    assert_not_in_audit(f, "tok2bbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    assert_int_equal(bc_admin_revoke_session(&f->a, "s1", &err), BC_OK);
    assert_int_equal(bc_admin_revoke_session(&f->a, "s1", &err), BC_NOT_FOUND);
    size_t n = 9;
    assert_int_equal(bc_admin_revoke_sessions(&f->a, "ada@example.com", &n, &err), BC_OK);
    assert_int_equal(n, 1);
    assert_one(f, "0", "SELECT count(*) FROM session", NULL);
}

/* --- remove ------------------------------------------------------------------------------------
 */

static void test_remove(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    set_actor(f);
    assert_int_equal(bc_admin_remove_user(&f->a, "adm", &err), BC_REFUSED);
    assert_int_equal(bc_admin_remove_user(&f->a, "u1", &err), BC_OK);
    assert_one(f, "0|0|0",
               "SELECT (SELECT count(*) FROM \"user\" WHERE id=?1)||'|'||(SELECT count(*) FROM "
               "session WHERE userId=?1)||'|'||(SELECT count(*) FROM account WHERE userId=?1)",
               "u1");
    assert_one(f, "3", "SELECT count(*) FROM \"user\"", NULL);
    /* The audit keeps the removed row, minus secrets. */
    assert_state(f, "Bob", "SELECT json_extract(before_json, '$.name') FROM audit", NULL);
    assert_int_equal(bc_admin_remove_user(&f->a, "u1", &err), BC_NOT_FOUND);
}

/* --- passwords -------------------------------------------------------------------------------- */

static void test_set_password(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_admin_set_password(&f->a, "u1", "short77", &err), BC_USAGE);
    char longpw[130];
    memset(longpw, 'x', 129);
    longpw[129] = '\0';
    assert_int_equal(bc_admin_set_password(&f->a, "u1", longpw, &err), BC_USAGE);
    longpw[128] = '\0';
    assert_int_equal(bc_admin_set_password(&f->a, "u1", longpw, &err), BC_OK);
    assert_int_equal(bc_admin_set_password(&f->a, "u1", "Ｐａｓｓｗｏｒｄ-1", &err), BC_OK);
    char *hash = one(f->raw, "SELECT password FROM account WHERE id=?", "a1");
    assert_true(bc_password_verify("Password-1", hash)); /* NFKC of the full-width form */
    assert_not_in_audit(f, hash);
    assert_not_in_audit(f, "Password-1");
    free(hash);
    assert_one(f, "2026-01-01T00:00:00.000Z", "SELECT updatedAt FROM account WHERE id=?", "a1");
    assert_one(f, "NULL", "SELECT coalesce(password,'NULL') FROM account WHERE id=?", "a2");
    /* No credential account: one is made, as Better Auth 1.6+ does (accountId = the user id). */
    assert_int_equal(bc_admin_set_password(&f->a, "u2", "long-enough-1", &err), BC_OK);
    char *made = one(f->raw,
                     "SELECT password FROM account WHERE userId=? AND providerId='credential' "
                     "AND accountId=userId",
                     "u2");
    assert_true(bc_password_verify("long-enough-1", made));
    assert_not_in_audit(f, made);
    free(made);
}

/* --- create / update ----------------------------------------------------------------------------
 */

static void test_create(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_record u;
    assert_int_equal(
        bc_admin_create_user(&f->a, "BOB@Example.com", "B", NULL, "long-enough-1", &u, &err),
        BC_REFUSED);
    assert_int_equal(
        bc_admin_create_user(&f->a, "not-an-email", "B", NULL, "long-enough-1", &u, &err),
        BC_USAGE);
    assert_int_equal(
        bc_admin_create_user(&f->a, "n@example.com", "N", "bad role", "long-enough-1", &u, &err),
        BC_USAGE);
    assert_int_equal(bc_admin_create_user(&f->a, "n@example.com", "N", NULL, "short", &u, &err),
                     BC_USAGE);
    assert_int_equal(
        bc_admin_create_user(&f->a, "New@Example.com", "Néw", NULL, "long-enough-1", &u, &err),
        BC_OK);
    const char *id = bc_record_text(&u, "id");
    assert_one(
        f, "Néw|new@example.com|0|NULL|user|0|NULL|NULL|2026-01-01T00:00:00.000Z",
        "SELECT name||'|'||email||'|'||emailVerified||'|'||coalesce(image,'NULL')||'|'||role||"
        "'|'||banned||'|'||coalesce(banReason,'NULL')||'|'||coalesce(banExpires,'NULL')||'|'||"
        "createdAt FROM \"user\" WHERE id=?",
        id);
    assert_one(f, "credential|1",
               "SELECT providerId||'|'||(accountId=userId) FROM account WHERE userId=?", id);
    char *hash = one(f->raw, "SELECT password FROM account WHERE userId=?", id);
    assert_true(bc_password_verify("long-enough-1", hash));
    assert_not_in_audit(f, hash);
    free(hash);
    bc_record_release(&u);
    assert_int_equal(bc_admin_create_user(&f->a, "r@example.com", "R", "user,admin",
                                          "long-enough-1", NULL, &err),
                     BC_OK);
    assert_one(f, "user,admin", "SELECT role FROM \"user\" WHERE email=?", "r@example.com");
}

static void test_update(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    bc_record ch = {0};
    assert_int_equal(bc_admin_update_user(&f->a, "u1", &ch, &err), BC_USAGE);
    bc_record_set_text(&ch, "email", "CAT@example.com");
    assert_int_equal(bc_admin_update_user(&f->a, "u1", &ch, &err), BC_REFUSED);
    bc_record_set_text(&ch, "email", "Robert@Example.com");
    bc_record_set_bool(&ch, "emailVerified", false);
    bc_record_set_text(&ch, "image", "https://i/b.png");
    bc_record_set_text(&ch, "name", "Robert");
    assert_int_equal(bc_admin_update_user(&f->a, "bob@example.com", &ch, &err), BC_OK);
    assert_one(
        f, "Robert|robert@example.com|0|https://i/b.png|2026-01-01T00:00:00.000Z",
        "SELECT name||'|'||email||'|'||emailVerified||'|'||image||'|'||updatedAt FROM \"user\" "
        "WHERE id=?",
        "u1");
    bc_record_release(&ch);
    bc_record_set_text(&ch, "role", "admin"); /* not editable this way */
    assert_int_equal(bc_admin_update_user(&f->a, "u1", &ch, &err), BC_USAGE);
    bc_record_release(&ch);
    /* The same email again (own row) is fine. */
    bc_record_set_text(&ch, "email", "robert@example.com");
    assert_int_equal(bc_admin_update_user(&f->a, "u1", &ch, &err), BC_OK);
    bc_record_release(&ch);
}

/* --- accounts --------------------------------------------------------------------------------- */

static void test_unlink(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_admin_unlink_account(&f->a, "u2", "a3", &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "only account"));
    assert_int_equal(bc_admin_unlink_account(&f->a, "u1", "twitter", &err), BC_NOT_FOUND);
    assert_int_equal(bc_admin_unlink_account(&f->a, "u1", "github", &err), BC_OK);
    assert_one(f, "a1", "SELECT group_concat(id) FROM account WHERE userId=?", "u1");
    assert_int_equal(bc_admin_unlink_account(&f->a, "u1", "a1", &err), BC_REFUSED);
    assert_not_in_audit(f, HASH_A);
}

/* --- audit states, read-only ------------------------------------------------------------------ */

static void test_failed_change_is_audited(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    exec(f->raw, "CREATE TRIGGER no_bans BEFORE UPDATE OF banned ON \"user\" "
                 "BEGIN SELECT RAISE(ABORT, 'bans are frozen'); END;");
    assert_int_not_equal(bc_admin_ban(&f->a, "u1", NULL, never(), &err), BC_OK);
    assert_one(f, "2", "SELECT count(*) FROM session WHERE userId=?", "u1");
    assert_state(f, "failed", "SELECT state FROM audit", NULL);
    assert_state(f, "1", "SELECT instr(error, 'bans are frozen') > 0 FROM audit", NULL);
}

static void test_read_only(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    open_driver(f, true);
    assert_int_not_equal(bc_admin_ban(&f->a, "u1", NULL, never(), &err), BC_OK);
    assert_int_not_equal(bc_admin_remove_user(&f->a, "u1", &err), BC_OK);
    assert_one(f, "0|1",
               "SELECT banned||'|'||(SELECT count(*) FROM \"user\" WHERE id='u1') FROM \"user\" "
               "WHERE id=?",
               "u1");
    assert_state(f, "0", "SELECT count(*) FROM audit WHERE state <> 'failed'", NULL);
}

static void test_no_state_database(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    f->a.state = NULL;
    assert_int_equal(bc_admin_ban(&f->a, "u1", NULL, never(), &err), BC_ERR);
    assert_one(f, "0", "SELECT banned FROM \"user\" WHERE id=?", "u1");
}

/* --- bulk ------------------------------------------------------------------------------------- */

static void add_users(fixture *f, int n)
{
    exec(f->raw, "BEGIN");
    for (int i = 0; i < n; i++) {
        char *sql = bc_xasprintf(
            "INSERT INTO \"user\" VALUES ('b%04d', 'Bulk %d', 'bulk%04d@bulk.test', 0, NULL,"
            " '2025-05-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z', 'user', 0, NULL, NULL);"
            "INSERT INTO session VALUES ('bs%04d', '2026-01-05T00:00:00.000Z', 'btok%04d', "
            " '2025-12-30T00:00:00.000Z', '2025-12-30T00:00:00.000Z', '', 'ua', 'b%04d', NULL);",
            i, i, i, i, i, i);
        exec(f->raw, sql);
        free(sql);
    }
    exec(f->raw, "COMMIT");
}

static void select_bulk(fixture *f, char ***ids, size_t *n)
{
    bc_user_query q = {.search = "bulk.test", .search_mode = BC_SEARCH_CONTAINS};
    bc_error err = {0};
    if (bc_admin_select(&f->a, &q, ids, n, &err) != BC_OK)
        fail_msg("select: %s", err.msg);
}

static void test_bulk_ban(void **state)
{
    fixture *f = *state;
    add_users(f, 1200);
    set_actor(f);
    char **ids;
    size_t n, affected, skipped;
    select_bulk(f, &ids, &n);
    assert_int_equal(n, 1200);
    /* The acting admin is skipped even when the selection holds them. */
    ids = bc_xrealloc(ids, (n + 1) * sizeof *ids);
    ids[n++] = bc_xstrdup("adm");
    bc_error err = {0};
    bc_bulk_action ban = {.kind = BC_BULK_BAN, .reason = "bulk", .expiry = {.never = true}};
    assert_int_equal(bc_admin_bulk(&f->a, &ban, ids, n, &affected, &skipped, &err), BC_OK);
    assert_int_equal(affected, 1200);
    assert_int_equal(skipped, 1);
    assert_one(
        f, "1200",
        "SELECT count(*) FROM \"user\" WHERE banned=1 AND banReason='bulk' AND banExpires IS NULL",
        NULL);
    assert_one(f, "0", "SELECT count(*) FROM session WHERE userId LIKE 'b%'", NULL);
    assert_one(f, "0", "SELECT banned FROM \"user\" WHERE id=?", "adm");
    /* one entry for the whole action; its members are the users' entries */
    assert_state(f, "1200",
                 "SELECT count(*) FROM audit WHERE action='users.ban' AND state='done' AND "
                 "group_id = (SELECT id FROM audit WHERE action='users.ban' AND group_id IS NULL)",
                 NULL);
    bc_audit_entries top;
    assert_int_equal(bc_audit_list(f->a.state, 10, 0, &top, &err), BC_OK);
    assert_int_equal(top.n, 1);
    assert_int_equal(top.items[0].members, 1200);
    assert_string_equal(top.items[0].state, "done");
    assert_non_null(strstr(top.items[0].label, "1200 users: "));
    assert_true(bc_admin_undoable(&top.items[0]));
    int64_t bulk_id = top.items[0].id;
    bc_audit_entries_release(&top);

    /* z undoes the whole action as one: one undo entry, a member undo for each user */
    assert_int_equal(bc_admin_undo(&f->a, bulk_id, &err), BC_OK);
    assert_one(f, "0", "SELECT count(*) FROM \"user\" WHERE banReason='bulk'", NULL);
    assert_state(f, "1|1200",
                 "SELECT count(*) || '|' || max((SELECT count(*) FROM audit m WHERE m.group_id = u.id)) "
                 "FROM audit u "
                 "WHERE u.action='audit.undo' AND u.group_id IS NULL AND u.state='done'",
                 NULL);
    assert_int_equal(bc_admin_undo(&f->a, bulk_id, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "already undone"));

    bc_bulk_action role = {.kind = BC_BULK_SET_ROLE, .roles = "user,tester"};
    assert_int_equal(bc_admin_bulk(&f->a, &role, ids, n, &affected, &skipped, &err), BC_OK);
    assert_int_equal(affected, 1201);
    assert_one(f, "1201", "SELECT count(*) FROM \"user\" WHERE role='user,tester'", NULL);
    bc_bulk_action bad = {.kind = BC_BULK_SET_ROLE, .roles = "a b"};
    assert_int_equal(bc_admin_bulk(&f->a, &bad, ids, n, &affected, &skipped, &err), BC_USAGE);
    bc_bulk_action unban = {.kind = BC_BULK_UNBAN};
    assert_int_equal(bc_admin_bulk(&f->a, &unban, ids, n, &affected, &skipped, &err), BC_OK);
    assert_one(f, "0|1", "SELECT sum(banned AND id LIKE 'b%')||'|'||sum(banned) FROM \"user\"",
               NULL);
    bc_admin_ids_free(ids, n);
}

static void test_bulk_is_one_transaction(void **state)
{
    fixture *f = *state;
    add_users(f, 1200);
    char **ids;
    size_t n, affected = 9, skipped;
    select_bulk(f, &ids, &n);
    /* The selection is newest first (ties by id, descending): b0005 is in the last chunk, so
     * earlier chunks have been written inside the transaction when it fails. */
    exec(f->raw, "CREATE TRIGGER stop_b0005 BEFORE UPDATE ON \"user\" WHEN old.id = 'b0005' "
                 "BEGIN SELECT RAISE(ABORT, 'stop here'); END;");
    bc_error err = {0};
    bc_bulk_action ban = {.kind = BC_BULK_BAN, .expiry = {.never = true}};
    /* Rolled back whole: a failure (exit 1), never 'partly applied' (exit 5). */
    bc_status st = bc_admin_bulk(&f->a, &ban, ids, n, &affected, &skipped, &err);
    assert_true(st != BC_OK && st != BC_INCOMPLETE);
    assert_int_equal(affected, 0);
    assert_non_null(strstr(err.msg, "stop here"));
    assert_one(f, "0", "SELECT count(*) FROM \"user\" WHERE banned=1 AND id LIKE 'b%'", NULL);
    assert_one(f, "1200", "SELECT count(*) FROM session WHERE userId LIKE 'b%'", NULL);
    assert_state(f, "0", "SELECT count(*) FROM audit WHERE state <> 'failed'", NULL);
    assert_state(f, "1", "SELECT count(*) > 0 FROM audit WHERE state = 'failed'", NULL);
    bc_bulk_action revoke = {.kind = BC_BULK_REVOKE_SESSIONS};
    assert_int_equal(bc_admin_bulk(&f->a, &revoke, ids, n, &affected, &skipped, &err), BC_OK);
    assert_one(f, "0", "SELECT count(*) FROM session WHERE userId LIKE 'b%'", NULL);
    bc_admin_ids_free(ids, n);
}

/* --- undo ------------------------------------------------------------------------------------- */

static int64_t last_audit_id(fixture *f)
{
    char *s = one(bc_state_db(f->state), "SELECT max(id) FROM audit", NULL);
    int64_t id = atoll(s);
    free(s);
    return id;
}

static void test_undo(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(bc_admin_set_role(&f->a, "u1", "editor", &err), BC_OK);
    int64_t role_id = last_audit_id(f);
    assert_int_equal(bc_admin_ban(&f->a, "u1", "x", never(), &err), BC_OK);
    int64_t ban_id = last_audit_id(f);
    assert_int_equal(bc_admin_undo(&f->a, ban_id, &err), BC_OK);
    assert_one(f, "0|NULL|editor",
               "SELECT banned||'|'||coalesce(banReason,'NULL')||'|'||role FROM \"user\" WHERE id=?",
               "u1");
    assert_state(f, "audit.undo|done",
                 "SELECT action||'|'||state FROM audit WHERE undo_of IS NOT NULL", NULL);
    assert_int_equal(bc_admin_undo(&f->a, role_id, &err), BC_OK);
    assert_one(f, "user", "SELECT role FROM \"user\" WHERE id=?", "u1");

    /* Undone once: never twice. */
    assert_int_equal(bc_admin_undo(&f->a, ban_id, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "already undone"));
    /* Changed since: the ban entry wrote banned=1, the user is unbanned now by hand. */
    assert_int_equal(bc_admin_ban(&f->a, "u1", "y", never(), &err), BC_OK);
    ban_id = last_audit_id(f);
    assert_int_equal(bc_admin_unban(&f->a, "u1", &err), BC_OK);
    assert_int_equal(bc_admin_undo(&f->a, ban_id, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "changed"));
    /* Not reversible, unknown, failed. */
    assert_int_equal(bc_admin_remove_user(&f->a, "u3", &err), BC_OK);
    assert_int_equal(bc_admin_undo(&f->a, last_audit_id(f), &err), BC_REFUSED);
    assert_int_equal(bc_admin_undo(&f->a, 9999, &err), BC_NOT_FOUND);
    exec(f->raw,
         "CREATE TRIGGER frozen BEFORE UPDATE ON \"user\" BEGIN SELECT RAISE(ABORT, 'no'); END;");
    assert_int_not_equal(bc_admin_unban(&f->a, "u2", &err), BC_OK);
    int64_t failed_id = last_audit_id(f);
    exec(f->raw, "DROP TRIGGER frozen");
    assert_int_equal(bc_admin_undo(&f->a, failed_id, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "failed"));
    /* Another target's entry is not undone here. */
    assert_int_equal(bc_admin_set_role(&f->a, "u1", "editor", &err), BC_OK);
    int64_t id = last_audit_id(f);
    char *sql =
        bc_xasprintf("UPDATE audit SET target='/elsewhere.db' WHERE id=%lld", (long long)id);
    exec(bc_state_db(f->state), sql);
    free(sql);
    assert_int_equal(bc_admin_undo(&f->a, id, &err), BC_REFUSED);
    assert_one(f, "editor", "SELECT role FROM \"user\" WHERE id=?", "u1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ban_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_default_reason_and_stale_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_expiry_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ban_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unban_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_role, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impersonate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_change_is_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_state_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_ban, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_is_one_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
