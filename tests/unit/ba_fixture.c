/* ba_fixture.c - the unit tests' Better Auth SQLite file (ba_fixture.h). */
#include "ba_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "embedded.h"
#include "sqlite_driver.h"

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

ba_fixture *ba_fixture_open(const char *rows_sql)
{
    ba_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(f->path, sizeof f->path, "%s/bc_fixture_XXXXXX", dir);
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
    exec(raw, bc_embedded_find(bc_assets, "better-auth-schema.sql")->data);
    exec(raw, rows_sql);
    sqlite3_close(raw);
    bc_error err = {0};
    if (bc_sqlite_open(f->path, NULL, &f->d, &err) != BC_OK)
        fail_msg("open: %s", err.msg);
    return f;
}

void ba_fixture_close(ba_fixture *f)
{
    bc_driver_close(f->d);
    unlink(f->path);
    free(f);
}
