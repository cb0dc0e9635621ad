/* Unit tests for jwt: the real tokens better-auth 1.4.9's /api/auth/token issued (tests/vectors)
 * verify against its JWKS, tampering and wrong keys fail, and bcadmin's own tokens round-trip for
 * every algorithm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_vectors.h"
#include "encoding.h"
#include "jwt.h"

static void expect_msg(const bc_error *err, const char *fragment)
{
    if (!strstr(err->msg, fragment))
        fail_msg("error \"%s\" does not mention \"%s\"", err->msg, fragment);
}

static bc_jwk_set *vector_set(json_t *v, const char *which)
{
    char path[64];
    snprintf(path, sizeof path, "jwt.%s.jwks", which);
    char *text = vdump(v, path);
    bc_jwk_set *set = NULL;
    bc_error err = {0};
    if (bc_jwk_set_parse(text, strlen(text), &set, &err) != BC_OK)
        fail_msg("%s", err.msg);
    free(text);
    return set;
}

static const char *vtoken(json_t *v, const char *which)
{
    char path[64];
    snprintf(path, sizeof path, "jwt.%s.token", which);
    return vstr(v, path);
}

static void real_tokens_verify(void **state)
{
    json_t *v = vectors_load();
    const char *which[] = {"eddsa", "rs256"};
    for (size_t i = 0; i < 2; i++) {
        char path[64];
        bc_jwk_set *set = vector_set(v, which[i]);
        snprintf(path, sizeof path, "jwt.%s.issuer_and_audience", which[i]);
        const char *base = vstr(v, path);
        snprintf(path, sizeof path, "jwt.%s.payload.iat", which[i]);
        int64_t iat = json_integer_value(vget(v, path));
        bc_jwt_checks checks = {.now = iat + 60, .issuer = base, .audience = base};
        bc_jwt *jwt = NULL;
        bc_error err = {0};
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, &jwt, &err), BC_OK);
        snprintf(path, sizeof path, "jwt.%s.header", which[i]);
        assert_true(json_equal(jwt->header, vget(v, path)));
        snprintf(path, sizeof path, "jwt.%s.payload", which[i]);
        assert_true(json_equal(jwt->payload, vget(v, path)));
        assert_string_equal(jwt->alg, i == 0 ? "EdDSA" : "RS256");
        bc_jwt_free(jwt);

        /* exp = iat + 15 min: fifteen minutes later it is expired */
        checks.now = iat + 15 * 60;
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, NULL, &err), BC_ERR);
        expect_msg(&err, "JWT expired at");
        checks.leeway = 30;
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, NULL, &err), BC_OK);
        checks = (bc_jwt_checks){.now = iat - 120};
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, NULL, &err), BC_ERR);
        expect_msg(&err, "issued in the future");
        checks = (bc_jwt_checks){.now = iat + 600, .max_age = 300};
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, NULL, &err), BC_ERR);
        expect_msg(&err, "older than 300 seconds");
        checks = (bc_jwt_checks){.issuer = "https://elsewhere.example"};
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, NULL, &err), BC_ERR);
        expect_msg(&err, "JWT issuer is");
        checks = (bc_jwt_checks){.audience = "convex"};
        assert_int_equal(bc_jwt_verify(vtoken(v, which[i]), set, &checks, NULL, &err), BC_ERR);
        expect_msg(&err, "audience does not include \"convex\"");
        bc_jwk_set_free(set);
    }
    json_decref(v);
}

/* Replace one of the three parts of a token. */
static char *with_part(const char *token, int part, const char *replacement)
{
    const char *d1 = strchr(token, '.'), *d2 = strchr(d1 + 1, '.');
    const char *starts[] = {token, d1 + 1, d2 + 1};
    const char *ends[] = {d1, d2, token + strlen(token)};
    char *out = NULL;
    assert_true(asprintf(&out, "%.*s%s%s%s%.*s", part == 0 ? 0 : (int)(ends[part - 1] - token),
                         token, part == 0 ? "" : ".", replacement, part == 2 ? "" : ".",
                         part == 2 ? 0 : (int)strlen(ends[part] + 1), ends[part] + 1) > 0);
    (void)starts;
    return out;
}

static void tampering_fails(void **state)
{
    json_t *v = vectors_load();
    const char *which[] = {"eddsa", "rs256"};
    for (size_t i = 0; i < 2; i++) {
        bc_jwk_set *set = vector_set(v, which[i]);
        const char *token = vtoken(v, which[i]);
        bc_error err = {0};
        /* a payload that says admin, with the original signature */
        char path[64];
        snprintf(path, sizeof path, "jwt.%s.payload", which[i]);
        json_t *payload = json_deep_copy(vget(v, path));
        json_object_set_new(payload, "role", json_string("admin"));
        char *text = json_dumps(payload, JSON_COMPACT);
        char *b64 = bc_base64_encode((unsigned char *)text, strlen(text), true);
        char *forged = with_part(token, 1, b64);
        assert_int_equal(bc_jwt_verify(forged, set, NULL, NULL, &err), BC_ERR);
        expect_msg(&err, "JWT signature does not verify with key");
        free(forged);
        free(b64);
        free(text);
        json_decref(payload);

        /* one flipped signature character */
        char *bad = strdup(token);
        char *sig = strrchr(bad, '.') + 5;
        *sig = *sig == 'A' ? 'B' : 'A';
        assert_int_equal(bc_jwt_verify(bad, set, NULL, NULL, &err), BC_ERR);
        expect_msg(&err, "does not verify");
        free(bad);

        /* a header naming another kid */
        const char *h = "{\"alg\":\"EdDSA\",\"kid\":\"not-a-known-kid\"}";
        char *h64 = bc_base64_encode((const unsigned char *)h, strlen(h), true);
        forged = with_part(token, 0, h64);
        assert_int_equal(bc_jwt_verify(forged, set, NULL, NULL, &err), BC_ERR);
        expect_msg(&err, "JWT key id not-a-known-kid is not in the key set (1 key)");
        free(forged);
        free(h64);
        bc_jwk_set_free(set);
    }
    /* the EdDSA token against the RS256 key set: its kid is unknown there */
    bc_jwk_set *rsa_set = vector_set(v, "rs256");
    bc_error err = {0};
    assert_int_equal(bc_jwt_verify(vtoken(v, "eddsa"), rsa_set, NULL, NULL, &err), BC_ERR);
    expect_msg(&err, "eeCzI6IzNdQgObsed9lHWbujBFs6yP86 is not in the key set");
    /* same kid, wrong kind of key: an RSA key served under the EdDSA token's kid */
    free(rsa_set->keys[0]->kid);
    rsa_set->keys[0]->kid = strdup("eeCzI6IzNdQgObsed9lHWbujBFs6yP86");
    assert_int_equal(bc_jwt_verify(vtoken(v, "eddsa"), rsa_set, NULL, NULL, &err), BC_ERR);
    expect_msg(&err, "EdDSA cannot be used with the RSA key");
    bc_jwk_set_free(rsa_set);
    json_decref(v);
}

static void own_tokens_round_trip(void **state)
{
    static const struct {
        bc_jwk_type type;
        const char *alg;
        size_t sig_len;
    } cases[] = {
        {BC_JWK_ED25519, NULL, 64}, {BC_JWK_RSA, NULL, 256},    {BC_JWK_RSA, "PS256", 256},
        {BC_JWK_P256, NULL, 64},    {BC_JWK_P384, "ES384", 96}, {BC_JWK_P521, NULL, 132},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bc_jwk *key = NULL, *pub = NULL;
        bc_error err = {0};
        assert_int_equal(bc_jwk_generate(cases[i].type, &key, &err), BC_OK);
        key->kid = strdup("kid-1");
        json_t *payload = json_pack("{s:s, s:I, s:I, s:s, s:s}", "sub", "user-1", "iat",
                                    (json_int_t)1795760180, "exp", (json_int_t)1795761080, "iss",
                                    "https://site.example", "aud", "convex");
        char *token = NULL;
        assert_int_equal(bc_jwt_sign(key, cases[i].alg, payload, &token, &err), BC_OK);

        char *pub_text = bc_jwk_to_text(key, false);
        assert_int_equal(bc_jwk_parse(pub_text, strlen(pub_text), false, &pub, &err), BC_OK);
        pub->kid = strdup("kid-1");
        bc_jwk_set set = {&pub, 1};
        bc_jwt_checks checks = {
            .now = 1795760200, .issuer = "https://site.example", .audience = "convex"};
        bc_jwt *jwt = NULL;
        assert_int_equal(bc_jwt_verify(token, &set, &checks, &jwt, &err), BC_OK);
        const char *want_alg = cases[i].alg ? cases[i].alg : bc_jwk_type_default_alg(key->type);
        assert_string_equal(jwt->alg, want_alg);
        assert_string_equal(jwt->kid, "kid-1");
        assert_int_equal(jwt->signature_len, cases[i].sig_len);
        assert_true(json_equal(jwt->payload, payload));
        /* header is exactly {"alg","kid"} like Better Auth's */
        assert_int_equal(json_object_size(jwt->header), 2);
        bc_jwt_free(jwt);

        /* a key published for another alg refuses the token */
        pub->alg = strdup(strcmp(want_alg, "PS256") == 0 ? "RS256" : "PS256");
        assert_int_equal(bc_jwt_verify(token, &set, NULL, NULL, &err), BC_ERR);
        free(pub->alg);
        pub->alg = NULL;

        /* kid-less tokens work against a one-key set only */
        free(key->kid);
        key->kid = NULL;
        char *no_kid = NULL;
        assert_int_equal(bc_jwt_sign(key, cases[i].alg, payload, &no_kid, &err), BC_OK);
        assert_int_equal(bc_jwt_verify(no_kid, &set, NULL, NULL, &err), BC_OK);
        bc_jwk *two[2] = {pub, pub};
        bc_jwk_set pair = {two, 2};
        assert_int_equal(bc_jwt_verify(no_kid, &pair, NULL, NULL, &err), BC_ERR);
        expect_msg(&err, "no kid and the key set holds 2 keys");

        free(no_kid);
        free(token);
        free(pub_text);
        json_decref(payload);
        bc_jwk_free(pub);
        bc_jwk_free(key);
    }
}

static void sign_refuses(void **state)
{
    bc_jwk *key = NULL, *pub = NULL;
    bc_error err = {0};
    json_t *payload = json_pack("{s:s}", "sub", "x");
    char *token = NULL;
    assert_int_equal(bc_jwk_generate(BC_JWK_ED25519, &key, &err), BC_OK);
    assert_int_equal(bc_jwt_sign(key, "RS256", payload, &token, &err), BC_ERR);
    expect_msg(&err, "RS256 cannot be used with the Ed25519 key");
    assert_int_equal(bc_jwt_sign(key, "HS256", payload, &token, &err), BC_ERR);
    expect_msg(&err, "\"HS256\" is not supported");
    json_t *array = json_array();
    assert_int_equal(bc_jwt_sign(key, NULL, array, &token, &err), BC_USAGE);
    json_decref(array);
    char *text = bc_jwk_to_text(key, false);
    assert_int_equal(bc_jwk_parse(text, strlen(text), false, &pub, &err), BC_OK);
    assert_int_equal(bc_jwt_sign(pub, NULL, payload, &token, &err), BC_USAGE);
    assert_null(token);
    free(text);
    bc_jwk_free(pub);
    bc_jwk_free(key);
    json_decref(payload);
}

static void expect_decode_error(const char *token, const char *fragment)
{
    bc_jwt *jwt = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwt_decode(token, &jwt, &err), BC_ERR);
    assert_null(jwt);
    expect_msg(&err, fragment);
}

static void malformed_tokens(void **state)
{
    expect_decode_error("", "JWT has 1 part, 3 expected");
    expect_decode_error("a.b", "JWT has 2 parts, 3 expected");
    expect_decode_error("a.b.c.d", "JWT has 4 parts");
    expect_decode_error("..", "JWT header is not base64url");
    expect_decode_error("e30.*.sig", "JWT payload is not base64url");
    expect_decode_error("eyJ.e30.c2ln", "JWT header is not valid JSON");
    expect_decode_error("W10.e30.c2ln", "JWT header is not a JSON object"); /* [] */
    expect_decode_error("e30.e30.c2ln", "JWT header has no alg");           /* {} */
    expect_decode_error("eyJhbGciOiJub25lIn0.e30.", "JWT signature is empty");
    /* alg none is decoded but never verified */
    bc_jwt *jwt = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwt_decode("eyJhbGciOiJub25lIn0.e30.c2ln", &jwt, &err), BC_OK);
    bc_jwk *key = NULL;
    assert_int_equal(bc_jwk_generate(BC_JWK_ED25519, &key, &err), BC_OK);
    assert_int_equal(bc_jwt_verify_key(jwt, key, &err), BC_ERR);
    expect_msg(&err, "\"none\" is not supported");
    bc_jwt_free(jwt);
    bc_jwk_free(key);
    /* an ES256 signature of the wrong width */
    assert_int_equal(bc_jwk_generate(BC_JWK_P256, &key, &err), BC_OK);
    assert_int_equal(bc_jwt_decode("eyJhbGciOiJFUzI1NiJ9.e30.c2ln", &jwt, &err), BC_OK);
    assert_int_equal(bc_jwt_verify_key(jwt, key, &err), BC_ERR);
    expect_msg(&err, "ES256 signature is 3 bytes, 64 expected");
    bc_jwt_free(jwt);
    bc_jwk_free(key);
    /* claims of the wrong type */
    assert_int_equal(bc_jwt_decode("eyJhbGciOiJFUzI1NiJ9.eyJleHAiOiJzb29uIn0.c2ln", &jwt, &err),
                     BC_OK);
    bc_jwt_checks checks = {.now = 1};
    assert_int_equal(bc_jwt_check_claims(jwt, &checks, &err), BC_ERR);
    expect_msg(&err, "JWT claim exp is not a number");
    bc_jwt_free(jwt);
    /* {"exp":1e300}: out of range, refused rather than converted */
    assert_int_equal(bc_jwt_decode("eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjFlMzAwfQ.c2ln", &jwt, &err),
                     BC_OK);
    assert_int_equal(bc_jwt_check_claims(jwt, &checks, &err), BC_ERR);
    expect_msg(&err, "JWT claim exp is not a number");
    bc_jwt_free(jwt);
    /* {"iat":179576018795761083} (a double: ...088): seconds whose milliseconds overflow
     * int64_t (found by fuzz_jwt) are said as a number, not formatted as a date */
    assert_int_equal(
        bc_jwt_decode("eyJhbGciOiJFUzI1NiJ9.eyJpYXQiOjE3OTU3NjAxODc5NTc2MTA4M30.c2ln", &jwt, &err),
        BC_OK);
    assert_int_equal(bc_jwt_check_claims(jwt, &checks, &err), BC_ERR);
    expect_msg(&err, "JWT was issued in the future, at 179576018795761088 seconds after 1970");
    bc_jwt_free(jwt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_tokens_verify),    cmocka_unit_test(tampering_fails),
        cmocka_unit_test(own_tokens_round_trip), cmocka_unit_test(sign_refuses),
        cmocka_unit_test(malformed_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
