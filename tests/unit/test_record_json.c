/* Unit tests for records <-> JSON. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "isotime.h"
#include "record_json.h"

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    return s;
}

static bc_record sample_user(void)
{
    int64_t created;
    assert_true(bc_iso_parse("2026-11-27T05:31:35.107Z", 24, &created));
    bc_record r = {0};
    bc_record_set_text(&r, "id", "u1");
    bc_record_set_text(&r, "name", "Zoë \"Z\"");
    bc_record_set_text(&r, "email", "z@example.com");
    bc_record_set_bool(&r, "emailVerified", true);
    bc_record_set_null(&r, "image");
    bc_record_set_date(&r, "createdAt", created);
    bc_record_set(&r, "loginCount", bc_value_int(-42));
    return r;
}

static void user_to_json_in_record_order(void **state)
{
    bc_record r = sample_user();
    char *s = dump(bc_record_to_json(&r));
    assert_string_equal(s, "{\"id\":\"u1\",\"name\":\"Zoë \\\"Z\\\"\",\"email\":\"z@example.com\","
                           "\"emailVerified\":true,\"image\":null,"
                           "\"createdAt\":\"2026-11-27T05:31:35.107Z\",\"loginCount\":-42}");
    free(s);

    bc_rows rows = {0};
    bc_rows_push(&rows, &r);
    s = dump(bc_rows_to_json(&rows));
    assert_true(s[0] == '[' && s[1] == '{');
    free(s);
    bc_rows_release(&rows);
    s = dump(bc_rows_to_json(&rows));
    assert_string_equal(s, "[]");
    free(s);
}

static void hostile_text_and_odd_values(void **state)
{
    bc_value v = bc_value_text("\x1b]52;c;aGk=\x07 bell\nline");
    char *s = dump(bc_value_to_json(&v));
    assert_string_equal(s, "\"\\u001B]52;c;aGk=\\u0007 bell\\nline\"");
    free(s);
    bc_value_release(&v);

    v = bc_value_textn("ok\xff\xc3", 4); /* a stray byte and a cut sequence */
    s = dump(bc_value_to_json(&v));
    assert_string_equal(s, "\"ok\xef\xbf\xbd\xef\xbf\xbd\"");
    free(s);
    bc_value_release(&v);

    v = bc_value_textn("a\0b", 3);
    s = dump(bc_value_to_json(&v));
    assert_string_equal(s, "\"a\\u0000b\"");
    free(s);
    bc_value_release(&v);

    v = bc_value_real(NAN);
    s = dump(bc_value_to_json(&v));
    assert_string_equal(s, "null");
    free(s);

    v = bc_value_real(1.5);
    s = dump(bc_value_to_json(&v));
    assert_string_equal(s, "1.5");
    free(s);

    v = bc_value_date(0);
    s = dump(bc_value_to_json(&v));
    assert_string_equal(s, "\"1970-01-01T00:00:00.000Z\"");
    free(s);

    bc_value blob = {.kind = BC_V_BLOB, .u.text = (char *)"\x00\x01\xfe", .len = 3};
    s = dump(bc_value_to_json(&blob));
    assert_string_equal(s, "\"AAH+\"");
    free(s);

    /* An extra column whose name is not UTF-8 still appears. */
    bc_record r = {0};
    bc_record_set_text(&r, "bad\xff", "x");
    s = dump(bc_record_to_json(&r));
    assert_string_equal(s, "{\"bad\xef\xbf\xbd\":\"x\"}");
    free(s);
    bc_record_release(&r);
}

static void from_json_types_known_fields(void **state)
{
    json_error_t je;
    json_t *j =
        json_loads("{\"custom\":{\"a\":[1]},\"banned\":0,\"email\":\"e@x.io\","
                   "\"createdAt\":1795757495107.0,\"updatedAt\":\"2026-11-27T05:31:35.107Z\","
                   "\"banExpires\":1700000000000,\"score\":2.5,\"flag\":true,"
                   "\"note\":null,\"emailVerified\":true,\"image\":null}",
                   0, &je);
    assert_non_null(j);
    bc_record r;
    bc_error err = {0};
    assert_int_equal(bc_record_from_json(BC_MODEL_USER, j, &r, &err), BC_OK);
    json_decref(j);
    /* Known fields first, in schema order; then extras in the object's order. */
    const char *order[] = {"email",     "emailVerified", "image",      "createdAt",
                           "updatedAt", "banned",        "banExpires", "custom",
                           "score",     "flag",          "note"};
    assert_int_equal(r.n, sizeof order / sizeof order[0]);
    for (size_t i = 0; i < r.n; i++)
        assert_string_equal(r.fields[i].name, order[i]);
    assert_int_equal(bc_record_get(&r, "banned")->kind, BC_V_BOOL);
    assert_false(bc_record_bool(&r, "banned"));
    int64_t ms;
    assert_true(bc_record_date(&r, "createdAt", &ms));
    assert_int_equal(ms, 1795757495107);
    assert_true(bc_record_date(&r, "updatedAt", &ms));
    assert_int_equal(ms, 1795757495107);
    assert_true(bc_record_date(&r, "banExpires", &ms));
    assert_int_equal(ms, 1700000000000);
    assert_string_equal(bc_record_text(&r, "custom"), "{\"a\":[1]}");
    assert_int_equal(bc_record_get(&r, "score")->kind, BC_V_REAL);
    assert_int_equal(bc_record_get(&r, "flag")->kind, BC_V_BOOL);
    assert_int_equal(bc_record_get(&r, "note")->kind, BC_V_NULL);
    assert_int_equal(bc_record_get(&r, "image")->kind, BC_V_NULL);
    bc_record_release(&r);
}

static void round_trip(void **state)
{
    bc_record r = sample_user();
    json_t *j = bc_record_to_json(&r);
    bc_record back;
    assert_int_equal(bc_record_from_json(BC_MODEL_USER, j, &back, NULL), BC_OK);
    json_decref(j);
    assert_int_equal(back.n, r.n);
    for (size_t i = 0; i < r.n; i++) {
        assert_string_equal(back.fields[i].name, r.fields[i].name);
        assert_true(bc_value_equal(&back.fields[i].value, &r.fields[i].value));
    }
    bc_record_release(&back);
    bc_record_release(&r);
}

static void from_json_errors_name_the_field(void **state)
{
    struct {
        const char *json, *want;
    } cases[] = {
        {"{\"createdAt\":\"yesterday\"}",
         "user row: field \"createdAt\" should be an ISO-8601 date or epoch milliseconds, got "
         "\"yesterday\""},
        {"{\"emailVerified\":2}", "field \"emailVerified\" should be a boolean, got a number"},
        {"{\"email\":[\"a\"]}", "field \"email\" should be a string, got an array"},
        {"{\"createdAt\":1.5}", "field \"createdAt\""},
        {"[1,2]", "a user row should be a JSON object, got an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = json_loads(cases[i].json, 0, NULL);
        assert_non_null(j);
        bc_record r;
        bc_error err = {0};
        assert_int_equal(bc_record_from_json(BC_MODEL_USER, j, &r, &err), BC_ERR);
        json_decref(j);
        assert_int_equal(r.n, 0);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("case %zu: got \"%s\"", i, err.msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_to_json_in_record_order),
        cmocka_unit_test(hostile_text_and_odd_values),
        cmocka_unit_test(from_json_types_known_fields),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(from_json_errors_name_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
