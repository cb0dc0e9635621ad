/* ba_fixture.h - a Better Auth SQLite file for the unit tests: a temporary file with the schema
 * of assets/better-auth-schema.sql and a test's own rows, opened with the SQLite driver. A step
 * that fails fails the test (cmocka). */
#ifndef BC_TEST_BA_FIXTURE_H
#define BC_TEST_BA_FIXTURE_H

#include "driver.h"

typedef struct {
    char path[256]; /* the file, removed by ba_fixture_close */
    bc_driver *d;   /* the SQLite driver on it */
} ba_fixture;

/* A new file (under $TMPDIR, else /tmp) with the schema, then rows_sql run on it, opened with the
 * driver's defaults. The caller frees it with ba_fixture_close. */
ba_fixture *ba_fixture_open(const char *rows_sql);
/* Close the driver, remove the file and free f. */
void ba_fixture_close(ba_fixture *f);

#endif
