/* Unit tests for session_cookie: Better Auth's signed session_token cookie value, checked against
 * values better-auth 1.4.9 set on real sign-ins (tests/vectors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_vectors.h"
#include "session_cookie.h"

static void check_case(json_t *c)
{
    const char *secret = json_string_value(json_object_get(c, "secret"));
    const char *token = json_string_value(json_object_get(c, "token"));
    const char *value = json_string_value(json_object_get(c, "value"));
    char *mine = bc_session_cookie_value(secret, token);
    assert_string_equal(mine, value);
    free(mine);
    char *back = NULL;
    bc_error err = {0};
    assert_int_equal(bc_session_cookie_verify(secret, value, &back, &err), BC_OK);
    assert_string_equal(back, token);
    free(back);
}

static void known_values(void **state)
{
    json_t *v = vectors_load();
    assert_string_equal(vstr(v, "session_cookie.name"), BC_SESSION_COOKIE_NAME);
    check_case(vget(v, "session_cookie.fixed"));
    json_t *signins = vget(v, "session_cookie.from_sign_in");
    assert_true(json_array_size(signins) >= 2);
    size_t i;
    json_t *c;
    json_array_foreach(signins, i, c)
    {
        check_case(c);
        /* the Set-Cookie header carries exactly this value */
        char *expect = NULL;
        assert_true(asprintf(&expect, "%s=%s;", BC_SESSION_COOKIE_NAME,
                             json_string_value(json_object_get(c, "value"))) > 0);
        assert_non_null(strstr(json_string_value(json_object_get(c, "set_cookie_header")), expect));
        free(expect);
        assert_string_equal(json_string_value(json_object_get(c, "set_auth_token_header")),
                            json_string_value(json_object_get(c, "value")));
    }
    json_decref(v);
}

static void decoded_value_verifies_too(void **state)
{
    json_t *v = vectors_load();
    const char *secret = vstr(v, "session_cookie.fixed.secret");
    char *back = NULL;
    bc_error err = {0};
    assert_int_equal(bc_session_cookie_verify(secret,
                                              "abcdefghijklmnopqrstuvwxyzABCDEF.RX8TtPvfj2o4yUpL8"
                                              "Ddd/HkRsJ6WILCEJlt0AB2XaZE=",
                                              &back, &err),
                     BC_OK);
    assert_string_equal(back, "abcdefghijklmnopqrstuvwxyzABCDEF");
    free(back);
    json_decref(v);
}

static void expect_refused(const char *secret, const char *value, const char *fragment)
{
    char *back = NULL;
    bc_error err = {0};
    assert_int_equal(bc_session_cookie_verify(secret, value, &back, &err), BC_ERR);
    assert_null(back);
    if (!strstr(err.msg, fragment))
        fail_msg("error \"%s\" does not mention \"%s\"", err.msg, fragment);
}

static void bad_values(void **state)
{
    json_t *v = vectors_load();
    const char *secret = vstr(v, "session_cookie.fixed.secret");
    const char *value = vstr(v, "session_cookie.fixed.value");
    expect_refused("another secret of at least 32 characters", value, "does not match");
    expect_refused(secret, "abcdefghijklmnopqrstuvwxyzABCDEF", "<token>.<signature>");
    expect_refused(secret, ".RX8TtPvfj2o4yUpL8Ddd%2FHkRsJ6WILCEJlt0AB2XaZE%3D", "<token>");
    expect_refused(secret, "abc.RX8TtPvfj2o4yUpL8Ddd%2FHkRsJ6WILCEJlt0AB2XaZE%3D",
                   "does not match");
    expect_refused(secret, "abcdefghijklmnopqrstuvwxyzABCDEF.RX8T", "44 characters");
    expect_refused(secret, "abcdefghijklmnopqrstuvwxyzABCDEF.RX8TtPvfj2o4yUpL8Ddd%2", "%XX");
    json_decref(v);
}

static void url_encoding_of_unusual_tokens(void **state)
{
    /* encodeURIComponent keeps - _ . ! ~ * ' ( ) and escapes the rest, in uppercase */
    char *value = bc_session_cookie_value("s", "a b/c+d~e");
    assert_non_null(strstr(value, "a%20b%2Fc%2Bd~e."));
    char *back = NULL;
    bc_error err = {0};
    assert_int_equal(bc_session_cookie_verify("s", value, &back, &err), BC_OK);
    assert_string_equal(back, "a b/c+d~e");
    free(back);
    free(value);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_values),
        cmocka_unit_test(decoded_value_verifies_too),
        cmocka_unit_test(bad_values),
        cmocka_unit_test(url_encoding_of_unusual_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
