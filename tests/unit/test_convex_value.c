/* Unit tests for the convex_encoded_json codec and Convex document <-> record conversion. The
 * expected encodings are what convex/values' convexToJson writes (checked against convex 1.48). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "convex_value.h"

static bc_cv *parse_ok(const char *text)
{
    bc_error err = {0};
    bc_cv *v = NULL;
    if (bc_cv_parse(text, strlen(text), "value", &v, &err) != BC_OK)
        fail_msg("parse failed: %s", err.msg);
    return v;
}

static void parse_fails(const char *text, const char *needle)
{
    bc_error err = {0};
    bc_cv *v = NULL;
    assert_int_equal(bc_cv_parse(text, strlen(text), "value", &v, &err), BC_ERR);
    assert_null(v);
    if (!strstr(err.msg, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err.msg, needle);
}

static void round_trip(const char *text)
{
    bc_cv *v = parse_ok(text);
    char *back = bc_cv_dump(v);
    assert_string_equal(back, text);
    free(back);
    bc_cv_free(v);
}

static void int64_extremes(void **state)
{
    struct {
        int64_t i;
        const char *wire;
    } cases[] = {
        {0, "{\"$integer\":\"AAAAAAAAAAA=\"}"},
        {1, "{\"$integer\":\"AQAAAAAAAAA=\"}"},
        {-1, "{\"$integer\":\"//////////8=\"}"},
        {INT64_MAX, "{\"$integer\":\"/////////38=\"}"},
        {INT64_MIN, "{\"$integer\":\"AAAAAAAAAIA=\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bc_cv *v = bc_cv_int64(cases[i].i);
        char *s = bc_cv_dump(v);
        assert_string_equal(s, cases[i].wire);
        free(s);
        bc_cv_free(v);
        v = parse_ok(cases[i].wire);
        assert_int_equal(v->kind, BC_CV_INT64);
        assert_true(v->u.i == cases[i].i);
        bc_cv_free(v);
    }
}

static void bytes_and_strings(void **state)
{
    bc_cv *v = bc_cv_bytes("\x00\xff\x10", 3);
    char *s = bc_cv_dump(v);
    assert_string_equal(s, "{\"$bytes\":\"AP8Q\"}");
    free(s);
    bc_cv_free(v);

    v = parse_ok("{\"$bytes\":\"AP8Q\"}");
    assert_int_equal(v->kind, BC_CV_BYTES);
    assert_int_equal(v->u.s.len, 3);
    assert_memory_equal(v->u.s.data, "\x00\xff\x10", 3);
    bc_cv_free(v);

    v = parse_ok("{\"$bytes\":\"\"}");
    assert_int_equal(v->kind, BC_CV_BYTES);
    assert_int_equal(v->u.s.len, 0);
    bc_cv_free(v);

    /* A string with a NUL and non-ASCII text keeps every byte. */
    v = parse_ok("\"a\\u0000b \\u00e9\"");
    assert_int_equal(v->kind, BC_CV_STRING);
    assert_int_equal(v->u.s.len, 6);
    assert_memory_equal(v->u.s.data, "a\0b \xc3\xa9", 6);
    bc_cv_free(v);
}

static void special_floats(void **state)
{
    struct {
        double f;
        const char *wire;
    } cases[] = {
        {NAN, "{\"$float\":\"AAAAAAAA+H8=\"}"},
        {INFINITY, "{\"$float\":\"AAAAAAAA8H8=\"}"},
        {-INFINITY, "{\"$float\":\"AAAAAAAA8P8=\"}"},
        {-0.0, "{\"$float\":\"AAAAAAAAAIA=\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bc_cv *v = bc_cv_float(cases[i].f);
        char *s = bc_cv_dump(v);
        assert_string_equal(s, cases[i].wire);
        free(s);
        bc_cv_free(v);
        v = parse_ok(cases[i].wire);
        assert_int_equal(v->kind, BC_CV_FLOAT);
        if (isnan(cases[i].f))
            assert_true(isnan(v->u.f));
        else
            assert_true(v->u.f == cases[i].f && signbit(v->u.f) == signbit(cases[i].f));
        bc_cv_free(v);
    }
    /* Ordinary numbers are plain JSON both ways, +0 included, and read back exactly. */
    round_trip("0.0");
    round_trip("0.10000000000000001");
    round_trip("1767225600000.0");
    bc_cv *v = parse_ok("42");
    assert_int_equal(v->kind, BC_CV_FLOAT);
    assert_true(v->u.f == 42.0);
    bc_cv_free(v);
    v = parse_ok("1795762994351.583");
    assert_true(v->u.f == 1795762994351.583);
    bc_cv_free(v);
    /* Integers past 2^63 are still float64 numbers, not an error. */
    v = parse_ok("123456789012345678901234567890");
    assert_int_equal(v->kind, BC_CV_FLOAT);
    bc_cv_free(v);
}

static void nested_values(void **state)
{
    const char *text = "{\"page\":[{\"_id\":\"u1\",\"n\":{\"$integer\":\"BwAAAAAAAAA=\"},"
                       "\"tags\":[\"a\",null,true,1.5]},[]],\"isDone\":false,"
                       "\"continueCursor\":\"[]\",\"empty\":{}}";
    round_trip(text);
    bc_cv *v = parse_ok(text);
    const bc_cv *page = bc_cv_get(v, "page");
    assert_non_null(page);
    assert_int_equal(page->kind, BC_CV_ARRAY);
    assert_int_equal(page->u.arr.n, 2);
    assert_int_equal(bc_cv_get(page->u.arr.items[0], "n")->u.i, 7);
    assert_string_equal(bc_cv_get_string(page->u.arr.items[0], "_id"), "u1");
    bool done = true;
    assert_true(bc_cv_get_bool(v, "isDone", &done));
    assert_false(done);
    assert_null(bc_cv_get(v, "nope"));
    assert_null(bc_cv_get(page, "page")); /* not an object */

    bc_cv *c = bc_cv_copy(v);
    char *a = bc_cv_dump(v), *b = bc_cv_dump(c);
    assert_string_equal(a, b);
    free(a);
    free(b);
    bc_cv_free(c);
    bc_cv_free(v);

    /* Building arguments: setting a key twice replaces it, order is kept. */
    bc_cv *args = bc_cv_object();
    bc_cv_set(args, "model", bc_cv_string("user"));
    bc_cv_set(args, "limit", bc_cv_float(5));
    bc_cv_set(args, "model", bc_cv_string("session"));
    bc_cv *opts = bc_cv_object();
    bc_cv_set(opts, "numItems", bc_cv_float(50));
    bc_cv_set(opts, "cursor", bc_cv_null());
    bc_cv_set(args, "paginationOpts", opts);
    char *s = bc_cv_dump(args);
    assert_string_equal(s, "{\"model\":\"session\",\"limit\":5.0,"
                           "\"paginationOpts\":{\"numItems\":50.0,\"cursor\":null}}");
    free(s);
    bc_cv_free(args);
    bc_cv_free(NULL);
}

static void malformed_encodings(void **state)
{
    parse_fails("{\"$integer\":\"not base64!\"}", "$integer holds malformed base64");
    parse_fails("{\"$integer\":\"AQAAAAAAAA==\"}", "$integer holds 7 bytes, expected 8");
    parse_fails("{\"$integer\":7}", "$integer must hold a base64 string");
    parse_fails("{\"$float\":\"AAAAAAAA+H8AAA==\"}", "holds 10 bytes, expected 8");
    parse_fails("{\"$float\":\"AAAAAAAA+D8=\"}", "$float 1.5 should be encoded as a number");
    parse_fails("{\"$bytes\":\"%%%%\"}", "$bytes holds malformed base64");
    parse_fails("{\"$bytes\":null}", "$bytes must hold a base64 string");
    parse_fails("{\"$set\":[]}", "unknown or reserved key \"$set\"");
    parse_fails("{\"a\":1,\"$integer\":\"AAAAAAAAAAA=\"}", "starts with '$'");
    parse_fails("{\"page\":[{\"ok\":1},{\"n\":{\"$integer\":\"AA==\"}}]}",
                "value.page[1].n: $integer holds 1 bytes");
    parse_fails("{\"a\":", "malformed JSON at line 1");
    parse_fails("", "malformed JSON");
}

static void doc_to_record_keeps_extras(void **state)
{
    bc_cv *doc = parse_ok("{\"_creationTime\":1795762994351.583,\"_id\":\"k17abc\","
                          "\"banned\":true,\"createdAt\":1767225600000,\"email\":\"a@x.io\","
                          "\"emailVerified\":false,\"name\":\"Ann\",\"role\":\"admin\","
                          "\"updatedAt\":1767225600123,\"banExpires\":null,\"username\":\"ann\","
                          "\"score\":{\"$integer\":\"BQAAAAAAAAA=\"},\"meta\":{\"k\":[1.0]},"
                          "\"avatar\":{\"$bytes\":\"AP8=\"}}");
    bc_error err = {0};
    bc_record r = {0};
    assert_int_equal(bc_cv_doc_to_record(BC_MODEL_USER, doc, &r, &err), BC_OK);
    /* Model fields first, in schema order, absent ones as NULL. */
    const bc_model_def *def = bc_model_get(BC_MODEL_USER);
    for (size_t i = 0; i < def->n_fields; i++)
        assert_string_equal(r.fields[i].name, def->fields[i].name);
    assert_string_equal(bc_record_text(&r, "id"), "k17abc");
    assert_null(bc_record_get(&r, "_id"));
    int64_t ms = 0;
    assert_true(bc_record_date(&r, "createdAt", &ms));
    assert_true(ms == 1767225600000);
    assert_true(bc_record_date(&r, "updatedAt", &ms));
    assert_true(ms == 1767225600123);
    assert_int_equal(bc_record_get(&r, "emailVerified")->kind, BC_V_BOOL);
    assert_true(bc_record_bool(&r, "banned"));
    assert_int_equal(bc_record_get(&r, "banExpires")->kind, BC_V_NULL);
    assert_int_equal(bc_record_get(&r, "image")->kind, BC_V_NULL);
    /* Then the extras, in document order. */
    assert_string_equal(r.fields[def->n_fields].name, "_creationTime");
    assert_int_equal(bc_record_get(&r, "_creationTime")->kind, BC_V_REAL);
    assert_true(bc_record_get(&r, "_creationTime")->u.r == 1795762994351.583);
    assert_string_equal(bc_record_text(&r, "username"), "ann");
    assert_int_equal(bc_record_get(&r, "score")->kind, BC_V_INT);
    assert_int_equal(bc_record_get(&r, "score")->u.i, 5);
    assert_string_equal(bc_record_text(&r, "meta"), "{\"k\":[1.0]}");
    const bc_value *avatar = bc_record_get(&r, "avatar");
    assert_int_equal(avatar->kind, BC_V_BLOB);
    assert_int_equal(avatar->len, 2);
    assert_memory_equal(avatar->u.text, "\x00\xff", 2);
    assert_int_equal(r.n, def->n_fields + 5);

    /* And back: system fields dropped, dates as numbers, extras kept. */
    bc_cv *back = bc_cv_record_to_doc(BC_MODEL_USER, &r);
    assert_null(bc_cv_get(back, "id"));
    assert_null(bc_cv_get(back, "_creationTime"));
    assert_int_equal(bc_cv_get(back, "createdAt")->kind, BC_CV_FLOAT);
    assert_true(bc_cv_get(back, "createdAt")->u.f == 1767225600000.0);
    assert_int_equal(bc_cv_get(back, "banned")->kind, BC_CV_BOOL);
    assert_string_equal(bc_cv_get_string(back, "username"), "ann");
    assert_int_equal(bc_cv_get(back, "avatar")->kind, BC_CV_BYTES);
    assert_int_equal(bc_cv_get(back, "image")->kind, BC_CV_NULL);
    bc_cv_free(back);
    bc_record_release(&r);
    bc_cv_free(doc);
}

static void doc_to_record_errors(void **state)
{
    bc_error err = {0};
    bc_record r = {0};
    bc_cv *doc = parse_ok("{\"_id\":\"s1\",\"expiresAt\":\"tomorrow\",\"token\":\"t\"}");
    assert_int_equal(bc_cv_doc_to_record(BC_MODEL_SESSION, doc, &r, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "session s1: session.expiresAt: expected a date"));
    assert_non_null(strstr(err.msg, "\"tomorrow\""));
    assert_int_equal(r.n, 0);
    bc_cv_free(doc);

    doc = parse_ok("{\"_id\":\"u1\",\"emailVerified\":1.0}");
    assert_int_equal(bc_cv_doc_to_record(BC_MODEL_USER, doc, &r, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "user.emailVerified: expected a boolean, got number"));
    bc_cv_free(doc);

    doc = parse_ok("{\"_id\":\"u1\",\"createdAt\":{\"$float\":\"AAAAAAAA8H8=\"}}");
    assert_int_equal(bc_cv_doc_to_record(BC_MODEL_USER, doc, &r, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "user.createdAt: expected a date"));
    bc_cv_free(doc);

    doc = parse_ok("{\"email\":\"no id\"}");
    assert_int_equal(bc_cv_doc_to_record(BC_MODEL_USER, doc, &r, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "user document: no string \"_id\""));
    bc_cv_free(doc);

    doc = parse_ok("[1.0]");
    assert_int_equal(bc_cv_doc_to_record(BC_MODEL_JWKS, doc, &r, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "jwks document: expected an object, got array"));
    bc_cv_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(int64_extremes),       cmocka_unit_test(bytes_and_strings),
        cmocka_unit_test(special_floats),       cmocka_unit_test(nested_values),
        cmocka_unit_test(malformed_encodings),  cmocka_unit_test(doc_to_record_keeps_extras),
        cmocka_unit_test(doc_to_record_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
