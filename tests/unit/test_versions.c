/* test_versions.c - bcadmin's crypto against vectors the real Better Auth 1.5, 1.6 and 1.7
 * libraries wrote (tests/vectors/better-auth-<version>.json, made by tests/vectors/generate.mjs):
 * versioned secrets ("$ba$<version>$" envelopes, the legacy secret for bare hex, a retired
 * version refused), byte-exact re-encryption, password hashes, jwks rows the jwt plugin wrote
 * under versioned secrets (1.7's alg/crv columns), tokens signed with them, and session cookies
 * signed with the current secret. Also the parsing rules of BETTER_AUTH_SECRETS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_vectors.h"
#include "encoding.h"
#include "jwk.h"
#include "jwt.h"
#include "password.h"
#include "secretbox.h"
#include "session_cookie.h"

static const char *const lines[] = {"1.5.6", "1.6.34", "1.7.29"};

static json_t *load_line(const char *version)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/better-auth-%s.json", BC_VECTORS_DIR, version);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("cannot read %s: %s", path, jerr.text);
    return root;
}

static void ring_of(json_t *v, bc_secrets *ring)
{
    bc_error err = {0};
    assert_int_equal(bc_secrets_parse(vstr(v, "secrets.BETTER_AUTH_SECRETS"),
                                      vstr(v, "secrets.BETTER_AUTH_SECRET"), ring, &err),
                     BC_OK);
}

/* The ring with version `current` moved to the front, as an app whose current secret it is. */
static void ring_current(const bc_secrets *ring, unsigned current, bc_secrets *out)
{
    *out = (bc_secrets){.legacy = ring->legacy, .n = ring->n};
    out->versions = calloc(ring->n, sizeof *out->versions);
    size_t k = 0;
    for (size_t i = 0; i < ring->n; i++)
        if (ring->versions[i].version == current)
            out->versions[k++] = ring->versions[i];
    for (size_t i = 0; i < ring->n; i++)
        if (ring->versions[i].version != current)
            out->versions[k++] = ring->versions[i];
    assert_int_equal(k, ring->n);
}

static void decrypt_is(const bc_secrets *ring, const char *stored, const char *plain)
{
    char *out = NULL;
    size_t len = 0;
    bc_error err = {0};
    if (bc_secrets_decrypt(ring, stored, strlen(stored), &out, &len, &err) != BC_OK)
        fail_msg("%s does not decrypt: %s", stored, err.msg);
    assert_int_equal(len, strlen(plain));
    assert_memory_equal(out, plain, len);
    free(out);
}

static void encryption(void **state)
{
    (void)state;
    for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
        json_t *v = load_line(lines[l]);
        bc_secrets ring;
        ring_of(v, &ring);
        assert_int_equal(ring.versions[0].version, vint(v, "secrets.current_version"));
        size_t i;
        json_t *c;
        json_array_foreach(vget(v, "symmetric_encrypt.legacy"), i, c)
        {
            decrypt_is(&ring, json_string_value(json_object_get(c, "stored")),
                       json_string_value(json_object_get(c, "plaintext")));
        }
        json_array_foreach(vget(v, "symmetric_encrypt.versioned"), i, c)
        {
            const char *stored = json_string_value(json_object_get(c, "stored"));
            const char *plain = json_string_value(json_object_get(c, "plaintext"));
            decrypt_is(&ring, stored, plain);
            /* the same bytes again, with that version current and the stored nonce */
            bc_secrets cur;
            ring_current(&ring, (unsigned)json_integer_value(json_object_get(c, "version")), &cur);
            const char *hex = strchr(stored + 4, '$') + 1;
            size_t nlen = 0;
            unsigned char *nonce = bc_hex_decode(hex, 2 * BC_SECRETBOX_NONCE_LEN, &nlen);
            char *again = NULL;
            bc_error err = {0};
            assert_int_equal(bc_secrets_encrypt(&cur, plain, strlen(plain), nonce, &again, &err),
                             BC_OK);
            assert_string_equal(again, stored);
            free(again);
            free(nonce);
            free(cur.versions);
        }
        /* a version the ring no longer holds: refused, naming it (the library refuses too) */
        const char *retired = vstr(v, "symmetric_encrypt.retired.stored");
        char *out = NULL;
        bc_error err = {0};
        assert_int_equal(bc_secrets_decrypt(&ring, retired, strlen(retired), &out, NULL, &err),
                         BC_ERR);
        assert_non_null(strstr(err.msg, "version 7"));
        /* without BETTER_AUTH_SECRETS an envelope cannot be read */
        assert_int_equal(bc_secrets_decrypt(BC_SECRETS_LEGACY(ring.legacy), retired,
                                            strlen(retired), &out, NULL, &err),
                         BC_ERR);
        assert_non_null(strstr(err.msg, "BETTER_AUTH_SECRETS is not set"));
        bc_secrets_release(&ring);
        json_decref(v);
    }
}

static void passwords(void **state)
{
    (void)state;
    for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
        json_t *v = load_line(lines[l]);
        size_t i;
        json_t *c;
        json_array_foreach(vget(v, "password_hashes.cases"), i, c)
        {
            assert_true(bc_password_verify(json_string_value(json_object_get(c, "password")),
                                           json_string_value(json_object_get(c, "hash"))));
            assert_false(bc_password_verify("wrong", json_string_value(json_object_get(c, "hash"))));
        }
        json_decref(v);
    }
}

static void check_row(json_t *v, const char *which, bool alg_column)
{
    char path[128];
    snprintf(path, sizeof path, "jwks_rows.%s.row", which);
    bc_jwks_row row = {0};
    bc_error err = {0};
    assert_int_equal(bc_jwks_row_from_json(vget(v, path), &row, &err), BC_OK);
    assert_int_equal(bc_jwks_row_secret_version(&row), vint(v, "secrets.current_version"));
    if (alg_column) {
        assert_string_equal(row.alg, strcmp(which, "rs256") == 0 ? "RS256" : "EdDSA");
        if (strcmp(which, "eddsa") == 0)
            assert_string_equal(row.crv, "Ed25519");
    }
    bc_secrets ring;
    ring_of(v, &ring);
    bc_jwk *pub = NULL, *priv = NULL;
    if (bc_jwks_row_open(&row, &ring, &pub, &priv, &err) != BC_OK)
        fail_msg("%s: %s", path, err.msg);
    /* the private key is the one the library decrypted */
    char *text = bc_jwk_to_text(priv, true);
    json_t *mine = json_loads(text, 0, NULL);
    snprintf(path, sizeof path, "jwks_rows.%s.private_jwk", which);
    json_t *theirs = vget(v, path);
    const char *k;
    json_t *val;
    json_object_foreach(theirs, k, val)
    {
        if (!json_equal(val, json_object_get(mine, k)))
            fail_msg("%s.%s differs", path, k);
    }
    /* a token the server signed with it verifies */
    snprintf(path, sizeof path, "jwks_rows.%s.jwt.token", which);
    bc_jwt *jwt = NULL;
    assert_int_equal(bc_jwt_decode(vstr(v, path), &jwt, &err), BC_OK);
    if (bc_jwt_verify_key(jwt, pub, &err) != BC_OK)
        fail_msg("%s: %s", path, err.msg);
    /* the legacy secret alone does not open it */
    assert_int_equal(bc_jwks_row_open(&row, BC_SECRETS_LEGACY(ring.legacy), NULL, NULL, &err),
                     BC_ERR);
    bc_jwt_free(jwt);
    json_decref(mine);
    free(text);
    bc_jwk_free(pub);
    bc_jwk_free(priv);
    bc_secrets_release(&ring);
    bc_jwks_row_release(&row);
}

static void jwks_rows(void **state)
{
    (void)state;
    for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
        json_t *v = load_line(lines[l]);
        bool alg_column = json_array_size(vget(v, "jwks_rows.eddsa.table_columns")) == 7;
        /* 1.7 adds the alg and crv columns; 1.5 and 1.6 have 1.4.9's five */
        assert_int_equal(alg_column, strncmp(lines[l], "1.7.", 4) == 0);
        check_row(v, "eddsa", alg_column);
        check_row(v, "rs256", alg_column);
        json_decref(v);
    }
}

static void cookies(void **state)
{
    (void)state;
    for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
        json_t *v = load_line(lines[l]);
        bc_secrets ring;
        ring_of(v, &ring);
        for (int i = 0; i < 2; i++) {
            const char *which = i ? "rs256" : "eddsa";
            char path[128];
            snprintf(path, sizeof path, "jwks_rows.%s.session_cookie.token", which);
            const char *token = vstr(v, path);
            snprintf(path, sizeof path, "jwks_rows.%s.session_cookie.value", which);
            /* signed with the current secret, the first of BETTER_AUTH_SECRETS */
            char *mine = bc_session_cookie_value(bc_secrets_current(&ring), token);
            assert_string_equal(mine, vstr(v, path));
            free(mine);
            char *legacy = bc_session_cookie_value(ring.legacy, token);
            assert_string_not_equal(legacy, vstr(v, path));
            free(legacy);
        }
        bc_secrets_release(&ring);
        json_decref(v);
    }
}

static void parse_rules(void **state)
{
    (void)state;
    static const struct {
        const char *text, *error;
    } bad[] = {
        {"2", "entry 1 has no ':'"},
        {"2:abc,nope", "entry 2 has no ':'"},
        {"x:abc", "'x' is not a non-negative integer"},
        {"-1:abc", "'-1' is not a non-negative integer"},
        {"2:", "version 2 has no secret"},
        {"2:  ", "version 2 has no secret"},
        {"1:a,1:b", "version 1 appears twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bc_secrets s;
        bc_error err = {0};
        assert_int_equal(bc_secrets_parse(bad[i].text, NULL, &s, &err), BC_USAGE);
        if (!strstr(err.msg, bad[i].error))
            fail_msg("\"%s\": %s (want %s)", bad[i].text, err.msg, bad[i].error);
        assert_non_null(strstr(err.msg, "BETTER_AUTH_SECRETS"));
        bc_secrets_release(&s);
    }
    /* as the library reads it: entries and secrets trimmed, parseInt's leading digits */
    bc_secrets s;
    bc_error err = {0};
    assert_int_equal(bc_secrets_parse(" 3 : new secret , 02:old", "legacy", &s, &err), BC_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.versions[0].version, 3);
    assert_string_equal(s.versions[0].value, "new secret");
    assert_int_equal(s.versions[1].version, 2);
    assert_string_equal(bc_secrets_current(&s), "new secret");
    assert_string_equal(s.legacy, "legacy");
    bc_secrets_release(&s);
    /* nothing set: no secret at all; only the legacy one: it is current, bare hex written */
    assert_int_equal(bc_secrets_parse(NULL, "", &s, &err), BC_OK);
    assert_false(bc_secrets_any(&s));
    assert_null(bc_secrets_current(&s));
    bc_secrets_release(&s);
    char *hex = NULL;
    assert_int_equal(bc_secrets_encrypt(BC_SECRETS_LEGACY("only-legacy-secret-0123456789abcdef"),
                                        "x", 1, NULL, &hex, &err),
                     BC_OK);
    assert_true(hex[0] != '$');
    free(hex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encryption), cmocka_unit_test(passwords), cmocka_unit_test(jwks_rows),
        cmocka_unit_test(cookies),    cmocka_unit_test(parse_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
