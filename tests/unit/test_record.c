/* Unit tests for records and secret masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "record.h"

static void set_get_replace(void **state)
{
    bc_record r = {0};
    bc_record_set_text(&r, "email", "a@example.com");
    bc_record_set_bool(&r, "emailVerified", true);
    bc_record_set_date(&r, "createdAt", 42);
    bc_record_set_text(&r, "email", "b@example.com");
    assert_int_equal(r.n, 3);
    assert_string_equal(bc_record_text(&r, "email"), "b@example.com");
    assert_true(bc_record_bool(&r, "emailVerified"));
    int64_t ms = 0;
    assert_true(bc_record_date(&r, "createdAt", &ms));
    assert_int_equal(ms, 42);
    assert_null(bc_record_get(&r, "nope"));
    assert_true(bc_record_unset(&r, "email"));
    assert_false(bc_record_unset(&r, "email"));
    assert_string_equal(r.fields[0].name, "emailVerified");

    bc_record c = bc_record_copy(&r);
    assert_true(bc_value_equal(bc_record_get(&c, "createdAt"), bc_record_get(&r, "createdAt")));
    bc_record_release(&c);
    bc_record_release(&r);
    bc_record_release(&r); /* idempotent on an empty record */
}

static void masks_secrets_only(void **state)
{
    bc_record r = {0};
    bc_record_set_text(&r, "token", "abcdefghijklmnopqrstuvwxyz012345");
    bc_record_set_text(&r, "userId", "abcdefghijklmnopqrstuvwxyz012345");
    bc_record_set_null(&r, "impersonatedBy");
    bc_record_mask(BC_MODEL_SESSION, &r);
    assert_string_equal(bc_record_text(&r, "token"), "****2345");
    assert_string_equal(bc_record_text(&r, "userId"), "abcdefghijklmnopqrstuvwxyz012345");
    bc_record_release(&r);

    char *m = bc_mask_secret("short");
    assert_string_equal(m, "****");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_get_replace),
        cmocka_unit_test(masks_secrets_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
