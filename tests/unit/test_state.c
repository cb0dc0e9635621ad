/* Unit tests for the state database: creation mode, migrations, refusals, bad files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "paths.h"
#include "state_db.h"

static const struct bc_embedded one[] = {
    {"0001_first.sql", "CREATE TABLE t1 (x TEXT);", 0},
    {0, 0, 0},
};
static const struct bc_embedded two[] = {
    {"0001_first.sql", "CREATE TABLE t1 (x TEXT);", 0},
    {"0002_second.sql", "ALTER TABLE t1 ADD COLUMN y TEXT; CREATE TABLE t2 (z TEXT);", 0},
    {0, 0, 0},
};
/* The second migration fails halfway: its first statement must not survive. */
static const struct bc_embedded broken[] = {
    {"0001_first.sql", "CREATE TABLE t1 (x TEXT);", 0},
    {"0002_broken.sql", "CREATE TABLE partial (a); CREATE TABLE oops (", 0},
    {0, 0, 0},
};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int setup_dir(void **state)
{
    char tmpl[] = "/tmp/bcadmin-test-state-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    *state = strdup(dir);
    return 0;
}

static int teardown_dir(void **state)
{
    nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(*state);
    return 0;
}

static char *in_dir(void **state, const char *name)
{
    size_t n = strlen(*state) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", (char *)*state, name);
    return p;
}

static int count_rows(bc_state *s, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(bc_state_db(s), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int table_exists(bc_state *s, const char *name)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(bc_state_db(s),
                                        "SELECT count(*) FROM sqlite_master WHERE name = ?", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void fresh_create_is_private_and_current(void **state)
{
    char *path = in_dir(state, "deep/er/state.db");
    int latest = -1;
    assert_int_equal(bc_state_check_migrations(bc_migrations, &latest, NULL), BC_OK);
    assert_true(latest >= 1);

    mode_t old = umask(0); /* a careless umask must not widen the file */
    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open(path, &s, &err), BC_OK);
    umask(old);
    assert_int_equal(bc_state_version(s), latest);
    assert_string_equal(bc_state_path(s), path);
    assert_int_equal(table_exists(s, "audit"), 1);
    assert_int_equal(count_rows(s, "PRAGMA application_id"), BC_STATE_APP_ID);
    bc_state_close(s);

    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *dir = in_dir(state, "deep/er");
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    free(dir);

    /* Reopening an up-to-date file changes nothing. */
    assert_int_equal(bc_state_open(path, &s, &err), BC_OK);
    assert_int_equal(bc_state_version(s), latest);
    bc_state_close(s);
    bc_state_close(NULL);
    free(path);
}

static void upgrade_from_version_one(void **state)
{
    char *path = in_dir(state, "state.db");
    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open_with(path, one, &s, &err), BC_OK);
    assert_int_equal(bc_state_version(s), 1);
    assert_int_equal(sqlite3_exec(bc_state_db(s), "INSERT INTO t1 VALUES ('kept')", 0, 0, 0),
                     SQLITE_OK);
    bc_state_close(s);

    assert_int_equal(bc_state_open_with(path, two, &s, &err), BC_OK);
    assert_int_equal(bc_state_version(s), 2);
    assert_int_equal(count_rows(s, "SELECT count(*) FROM t1 WHERE x = 'kept' AND y IS NULL"), 1);
    assert_int_equal(table_exists(s, "t2"), 1);
    bc_state_close(s);
    free(path);
}

static void newer_than_known_is_refused_untouched(void **state)
{
    char *path = in_dir(state, "state.db");
    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open_with(path, two, &s, &err), BC_OK);
    bc_state_close(s);

    assert_int_equal(bc_state_open_with(path, one, &s, &err), BC_REFUSED);
    assert_null(s);
    assert_non_null(strstr(err.msg, "is version 2, this bcadmin knows up to 1: upgrade bcadmin"));
    assert_non_null(strstr(err.msg, path));

    assert_int_equal(bc_state_open_with(path, two, &s, &err), BC_OK);
    assert_int_equal(bc_state_version(s), 2);
    bc_state_close(s);
    free(path);
}

static void failed_migration_rolls_back(void **state)
{
    char *path = in_dir(state, "state.db");
    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open_with(path, broken, &s, &err), BC_ERR);
    assert_null(s);
    assert_non_null(strstr(err.msg, "applying migration 0002_broken.sql"));

    assert_int_equal(bc_state_open_with(path, one, &s, &err), BC_OK);
    assert_int_equal(bc_state_version(s), 1); /* the first migration stays applied */
    assert_int_equal(table_exists(s, "partial"), 0);
    bc_state_close(s);
    free(path);
}

static void corrupt_file_gives_clear_error(void **state)
{
    char *path = in_dir(state, "state.db");
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 64; i++)
        fputs("this is not an SQLite database\n", f);
    fclose(f);
    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open(path, &s, &err), BC_ERR);
    assert_null(s);
    assert_non_null(strstr(err.msg, "is not a usable SQLite database"));
    assert_non_null(strstr(err.msg, path));
    free(path);
}

static void foreign_sqlite_file_is_not_touched(void **state)
{
    char *path = in_dir(state, "app.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE user (id TEXT)", 0, 0, 0), SQLITE_OK);
    sqlite3_close(db);

    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open(path, &s, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "is not a bcadmin state database"));

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA application_id = 7", 0, 0, 0), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE user", 0, 0, 0), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(bc_state_open(path, &s, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "application_id 0x00000007"));
    free(path);
}

static void unmakeable_directory_is_named(void **state)
{
    char *file = in_dir(state, "plain");
    FILE *f = fopen(file, "w");
    fclose(f);
    char *path = in_dir(state, "plain/sub/state.db");
    bc_state *s = NULL;
    bc_error err = {0};
    assert_int_equal(bc_state_open(path, &s, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "plain/sub"));
    free(path);
    free(file);
}

static void migration_names_are_checked(void **state)
{
    static const struct bc_embedded empty[] = {{0, 0, 0}};
    static const struct bc_embedded short_number[] = {{"001_a.sql", "", 0}, {0, 0, 0}};
    static const struct bc_embedded upper[] = {{"0001_Audit.sql", "", 0}, {0, 0, 0}};
    static const struct bc_embedded no_name[] = {{"0001_.sql", "", 0}, {0, 0, 0}};
    static const struct bc_embedded not_sql[] = {{"0001_a.txt", "", 0}, {0, 0, 0}};
    static const struct bc_embedded gap[] = {{"0001_a.sql", "", 0}, {"0003_c.sql", "", 0}, {0}};
    static const struct bc_embedded from_two[] = {{"0002_b.sql", "", 0}, {0, 0, 0}};
    int latest = -1;
    bc_error err = {0};
    assert_int_equal(bc_state_check_migrations(empty, &latest, &err), BC_OK);
    assert_int_equal(latest, 0);
    assert_int_equal(bc_state_check_migrations(two, &latest, &err), BC_OK);
    assert_int_equal(latest, 2);
    assert_int_equal(bc_state_check_migrations(short_number, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "\"001_a.sql\" is misnamed"));
    assert_int_equal(bc_state_check_migrations(upper, NULL, &err), BC_ERR);
    assert_int_equal(bc_state_check_migrations(no_name, NULL, &err), BC_ERR);
    assert_int_equal(bc_state_check_migrations(not_sql, NULL, &err), BC_ERR);
    assert_int_equal(bc_state_check_migrations(gap, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "0003_c.sql is number 3, expected 2"));
    assert_int_equal(bc_state_check_migrations(from_two, NULL, &err), BC_ERR);

    /* The runner refuses a bad table before creating anything. */
    char *path = in_dir(state, "never.db");
    bc_state *s = NULL;
    assert_int_equal(bc_state_open_with(path, gap, &s, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "embedded migrations"));
    assert_int_equal(access(path, F_OK), -1);
    free(path);
}

static void xdg_paths(void **state)
{
    char *p = NULL;
    bc_error err = {0};
    setenv("XDG_STATE_HOME", "/x/state", 1);
    assert_int_equal(bc_paths_default_state(&p, &err), BC_OK);
    assert_string_equal(p, "/x/state/bcadmin/state.db");
    free(p);
    /* Relative values are ignored, as the XDG spec asks. */
    setenv("XDG_DATA_HOME", "relative", 1);
    setenv("HOME", "/home/op", 1);
    assert_int_equal(bc_paths_default_demo(&p, &err), BC_OK);
    assert_string_equal(p, "/home/op/.local/share/bcadmin/demo.db");
    free(p);
    unsetenv("XDG_CONFIG_HOME");
    assert_int_equal(bc_paths_dir(BC_DIR_CONFIG, &p, &err), BC_OK);
    assert_string_equal(p, "/home/op/.config/bcadmin");
    free(p);
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_int_equal(bc_paths_default_state(&p, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "XDG_STATE_HOME"));
}

/* The audit's changes text: every field of after, JSON values, null and absent as "-", the
 * timestamps left out, a NUL inside a string kept (escaped as JSON does), the reader's arrow; a
 * bulk entry's new values alone. */
static void audit_changes_text(void **state)
{
    (void)state;
    bc_audit_entry e = {
        .before_json = "{\"role\":\"user\",\"banReason\":null,\"updatedAt\":1}",
        .after_json = "{\"role\":\"admin\",\"banReason\":\"a\\u0000b\",\"image\":null,"
                      "\"createdAt\":2,\"updatedAt\":3}"};
    char *text = bc_audit_changes_text(&e, " -> ");
    assert_string_equal(text, "role: \"user\" -> \"admin\", banReason: - -> \"a\\u0000b\", "
                              "image: - -> -");
    free(text);
    e.after_json = NULL; /* a removal: its before's fields */
    text = bc_audit_changes_text(&e, "\u2192");
    assert_string_equal(text, "role: \"user\"\u2192-, banReason: -\u2192-");
    free(text);
    e.before_json = NULL;
    text = bc_audit_changes_text(&e, " -> ");
    assert_string_equal(text, "");
    free(text);
    /* a bulk entry: its members hold each user's before; the value every user was given */
    e.members = 3;
    e.after_json = "{\"banned\":true,\"banReason\":\"spam\",\"banExpires\":null}";
    text = bc_audit_changes_text(&e, " -> ");
    assert_string_equal(text, "banned: true, banReason: \"spam\", banExpires: -");
    free(text);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)
    const struct CMUnitTest tests[] = {
        T(fresh_create_is_private_and_current),
        T(upgrade_from_version_one),
        T(newer_than_known_is_refused_untouched),
        T(failed_migration_rolls_back),
        T(corrupt_file_gives_clear_error),
        T(foreign_sqlite_file_is_not_touched),
        T(unmakeable_directory_is_named),
        T(migration_names_are_checked),
        cmocka_unit_test(xdg_paths),
        cmocka_unit_test(audit_changes_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
