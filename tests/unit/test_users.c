/* Unit tests for core/users.c against a real Better Auth SQLite file: a user with its sessions
 * and accounts, masking, owner emails on session rows. */
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

#include "ba_fixture.h"
#include "sqlite_driver.h"
#include "users.h"

static int setup(void **state)
{
    *state = ba_fixture_open(
        "ALTER TABLE user ADD COLUMN plan text;"
        "INSERT INTO user VALUES('u1','Ann','ann@example.com',1,NULL,"
        "'2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z','user',0,NULL,NULL,'pro');"
        "INSERT INTO user VALUES('a1','Root','root@example.com',1,NULL,"
        "'2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z','admin',0,NULL,NULL,NULL);"
        "INSERT INTO session VALUES('s1','2026-12-01T00:00:00.000Z',"
        "'tok-aaaaaaaaaaaaaaaaaaaaaaaaaaaa1234','2026-02-01T00:00:00.000Z',"
        "'2026-02-01T00:00:00.000Z','10.0.0.1','curl','u1',NULL);"
        "INSERT INTO session VALUES('s2','2026-12-02T00:00:00.000Z','short',"
        "'2026-02-02T00:00:00.000Z','2026-02-02T00:00:00.000Z',NULL,NULL,'u1','a1');"
        "INSERT INTO session VALUES('s3','2026-12-02T00:00:00.000Z','other',"
        "'2026-02-02T00:00:00.000Z','2026-02-02T00:00:00.000Z',NULL,NULL,'gone',NULL);"
        "INSERT INTO account VALUES('c1','u1','credential','u1',NULL,NULL,NULL,NULL,NULL,"
        "NULL,'salt:hashhashhashhashhashhashhash','2026-01-01T00:00:00.000Z',"
        "'2026-01-01T00:00:00.000Z');");
    return 0;
}

static int teardown(void **state)
{
    ba_fixture_close(*state);
    return 0;
}

static void detail_by_email_masks_secrets(void **state)
{
    ba_fixture *f = *state;
    bc_user_detail d;
    bc_error err = {0};
    assert_int_equal(bc_users_detail(f->d, "ann@example.com", false, &d, &err), BC_OK);
    assert_string_equal(bc_record_text(&d.user, "id"), "u1");
    assert_string_equal(bc_record_text(&d.user, "plan"), "pro"); /* extra column kept */
    assert_int_equal(d.sessions.n, 2);
    assert_string_equal(bc_record_text(&d.sessions.items[0], "id"), "s2"); /* newest first */
    assert_string_equal(bc_record_text(&d.sessions.items[0], "token"), "****");
    assert_string_equal(bc_record_text(&d.sessions.items[1], "token"), "****1234");
    assert_int_equal(d.accounts.n, 1);
    assert_string_equal(bc_record_text(&d.accounts.items[0], "password"), "****hash");
    bc_users_detail_release(&d);
    bc_users_detail_release(&d); /* twice is fine */
    bc_users_detail_release(NULL);

    assert_int_equal(bc_users_detail(f->d, "u1", true, &d, &err), BC_OK);
    assert_string_equal(bc_record_text(&d.sessions.items[0], "token"), "short"); /* revealed */
    bc_users_detail_release(&d);
}

static void detail_of_missing_user_names_it(void **state)
{
    ba_fixture *f = *state;
    bc_user_detail d;
    bc_error err = {0};
    assert_int_equal(bc_users_detail(f->d, "nobody@example.com", false, &d, &err), BC_NOT_FOUND);
    assert_non_null(strstr(err.msg, "nobody@example.com"));
    assert_int_equal(bc_users_detail(f->d, "", false, &d, &err), BC_USAGE);
}

static void attaches_owner_and_impersonator_emails(void **state)
{
    ba_fixture *f = *state;
    bc_page p;
    bc_error err = {0};
    assert_int_equal(bc_driver_sessions_page(f->d, &(bc_session_query){0}, &p, &err), BC_OK);
    assert_int_equal(p.rows.n, 3);
    assert_int_equal(bc_users_attach_emails(f->d, &p.rows, NULL, &err), BC_OK);
    for (size_t i = 0; i < p.rows.n; i++) {
        const bc_record *s = &p.rows.items[i];
        const char *id = bc_record_text(s, "id");
        if (strcmp(id, "s3") == 0) { /* its user is gone: nothing attached */
            assert_null(bc_record_text(s, "userEmail"));
            continue;
        }
        assert_string_equal(bc_record_text(s, "userEmail"), "ann@example.com");
        if (strcmp(id, "s2") == 0)
            assert_string_equal(bc_record_text(s, "impersonatorEmail"), "root@example.com");
        else
            assert_null(bc_record_text(s, "impersonatorEmail"));
    }
    bc_page_release(&p);
    bc_rows empty = {0};
    assert_int_equal(bc_users_attach_emails(f->d, &empty, NULL, &err), BC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(detail_by_email_masks_secrets, setup, teardown),
        cmocka_unit_test_setup_teardown(detail_of_missing_user_names_it, setup, teardown),
        cmocka_unit_test_setup_teardown(attaches_owner_and_impersonator_emails, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
