/* Unit tests for jwk: JWKs, jwks rows and the Convex JWKS value, checked against rows and keys
 * better-auth 1.4.9 made itself (tests/vectors), plus every malformed input we can think of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_vectors.h"
#include "isotime.h"
#include "jwk.h"

static void expect_msg(const bc_error *err, const char *fragment)
{
    if (!strstr(err->msg, fragment))
        fail_msg("error \"%s\" does not mention \"%s\"", err->msg, fragment);
}

static void load_row(json_t *v, const char *which, bc_jwks_row *row)
{
    char path[64];
    snprintf(path, sizeof path, "jwks_rows.%s.row", which);
    bc_error err = {0};
    memset(row, 0, sizeof *row);
    if (bc_jwks_row_from_json(vget(v, path), row, &err) != BC_OK)
        fail_msg("%s", err.msg);
}

static void vector_rows_decrypt(void **state)
{
    json_t *v = vectors_load();
    const char *which[] = {"eddsa", "rs256"};
    for (size_t i = 0; i < 2; i++) {
        char path[96];
        bc_jwks_row row;
        load_row(v, which[i], &row);
        snprintf(path, sizeof path, "jwks_rows.%s.row.id", which[i]);
        assert_string_equal(row.id, vstr(v, path));
        snprintf(path, sizeof path, "jwks_rows.%s.row.createdAt", which[i]);
        int64_t created;
        assert_true(bc_iso_parse(vstr(v, path), strlen(vstr(v, path)), &created));
        assert_int_equal(row.created_at, created);
        assert_true(row.expires_at == BC_JWKS_NO_TIME);
        assert_true(bc_jwks_row_is_encrypted(&row));
        /* the column is the ciphertext hex in JSON quotes */
        snprintf(path, sizeof path, "jwks_rows.%s.private_key_ciphertext_hex", which[i]);
        assert_int_equal(strlen(row.private_key), strlen(vstr(v, path)) + 2);
        assert_memory_equal(row.private_key + 1, vstr(v, path), strlen(vstr(v, path)));

        snprintf(path, sizeof path, "jwks_rows.%s.secret", which[i]);
        const char *secret = vstr(v, path);
        bc_jwk *priv = NULL, *pub = NULL;
        bc_error err = {0};
        assert_int_equal(bc_jwks_row_private_jwk(&row, BC_SECRETS_LEGACY(secret), &priv, &err), BC_OK);
        assert_true(priv->is_private);
        assert_string_equal(priv->kid, row.id);
        json_t *mine = bc_jwk_to_json(priv, true);
        snprintf(path, sizeof path, "jwks_rows.%s.private_jwk", which[i]);
        assert_true(json_equal(mine, vget(v, path)));
        json_decref(mine);

        assert_int_equal(bc_jwks_row_public_jwk(&row, &pub, &err), BC_OK);
        assert_false(pub->is_private);
        assert_int_equal(bc_jwk_match(priv, pub, &err), BC_OK);
        json_t *pub_json = bc_jwk_to_json(pub, true); /* public key: private members never */
        json_t *stored = json_loads(row.public_key, 0, NULL);
        assert_true(json_equal(pub_json, stored));
        json_decref(pub_json);
        json_decref(stored);
        bc_jwk_free(priv);
        bc_jwk_free(pub);

        assert_int_equal(bc_jwks_row_open(&row, BC_SECRETS_LEGACY(secret), &pub, &priv, &err), BC_OK);
        assert_int_equal(bc_jwk_bits(priv), i == 0 ? 256 : 2048);
        assert_int_equal(priv->type, i == 0 ? BC_JWK_ED25519 : BC_JWK_RSA);
        bc_jwk_free(priv);
        bc_jwk_free(pub);
        bc_jwks_row_release(&row);
    }
    json_decref(v);
}

static void wrong_secret_names_the_key(void **state)
{
    json_t *v = vectors_load();
    bc_jwks_row row;
    load_row(v, "eddsa", &row);
    bc_jwk *priv = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwks_row_private_jwk(&row, BC_SECRETS_LEGACY(vstr(v, "symmetric_encrypt.other_secret.secret")),
                                             &priv, &err),
                     BC_ERR);
    assert_null(priv);
    char want[160];
    snprintf(want, sizeof want,
             "privateKey of key %s does not decrypt with this secret (wrong BETTER_AUTH_SECRET?)",
             row.id);
    assert_string_equal(err.msg, want);
    assert_int_equal(bc_jwks_row_open(&row, BC_SECRETS_LEGACY(""), NULL, NULL, &err), BC_ERR);
    expect_msg(&err, "does not decrypt");
    bc_jwks_row_release(&row);
    json_decref(v);
}

static void public_set_as_the_server_serves_it(void **state)
{
    json_t *v = vectors_load();
    bc_jwks_rows rows = {calloc(2, sizeof(bc_jwks_row)), 2};
    load_row(v, "eddsa", &rows.rows[0]);
    load_row(v, "rs256", &rows.rows[1]);
    rows.rows[1].alg = strdup("RS256"); /* a Convex JWKS element carries its alg */
    bc_jwk_set *set = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwks_rows_public_set(&rows, "EdDSA", &set, &err), BC_OK);
    assert_int_equal(set->n, 2);
    const bc_jwk *ed = bc_jwk_set_find(set, vstr(v, "jwks_rows.eddsa.jwks_endpoint_key.kid"));
    assert_non_null(ed);
    assert_string_equal(ed->alg, vstr(v, "jwks_rows.eddsa.jwks_endpoint_key.alg"));
    json_t *served = json_deep_copy(vget(v, "jwks_rows.eddsa.jwks_endpoint_key"));
    json_object_del(served, "alg");
    json_object_del(served, "kid");
    json_t *mine = bc_jwk_to_json(ed, false);
    assert_true(json_equal(mine, served));
    json_decref(mine);
    json_decref(served);
    const bc_jwk *rsa = bc_jwk_set_find(set, rows.rows[1].id);
    assert_non_null(rsa);
    assert_string_equal(rsa->alg, "RS256");
    assert_null(bc_jwk_set_find(set, "no-such-kid"));
    bc_jwk_set_free(set);
    bc_jwks_rows_release(&rows);
    json_decref(v);
}

static void mismatched_halves(void **state)
{
    json_t *v = vectors_load();
    bc_jwks_row ed, rsa;
    load_row(v, "eddsa", &ed);
    load_row(v, "rs256", &rsa);
    bc_jwk *ed_pub = NULL, *rsa_pub = NULL, *other = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwks_row_public_jwk(&ed, &ed_pub, &err), BC_OK);
    assert_int_equal(bc_jwks_row_public_jwk(&rsa, &rsa_pub, &err), BC_OK);
    assert_int_equal(bc_jwk_match(ed_pub, rsa_pub, &err), BC_ERR);
    expect_msg(&err, "Ed25519");
    assert_int_equal(bc_jwk_generate(BC_JWK_ED25519, &other, &err), BC_OK);
    assert_int_equal(bc_jwk_match(other, ed_pub, &err), BC_ERR);
    expect_msg(&err, "does not belong");
    bc_jwk_free(other);
    assert_int_equal(bc_jwk_generate(BC_JWK_RSA, &other, &err), BC_OK);
    assert_int_equal(bc_jwk_match(other, rsa_pub, &err), BC_ERR);
    expect_msg(&err, "modulus");
    bc_jwk_free(other);

    /* a row whose publicKey is another key's: open() catches it */
    free(ed.public_key);
    ed.public_key =
        strdup("{\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
               "\"kty\":\"OKP\"}");
    assert_int_equal(bc_jwks_row_open(&ed, BC_SECRETS_LEGACY(vstr(v, "jwks_rows.eddsa.secret")), NULL, NULL, &err),
                     BC_ERR);
    expect_msg(&err, "key eeCzI6IzNdQgObsed9lHWbujBFs6yP86");
    expect_msg(&err, "does not belong");
    bc_jwk_free(ed_pub);
    bc_jwk_free(rsa_pub);
    bc_jwks_row_release(&ed);
    bc_jwks_row_release(&rsa);
    json_decref(v);
}

static bool is_b64url_unpadded(const char *s)
{
    return s && *s &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               strlen(s);
}

static void generated_keys_export_like_jose(void **state)
{
    static const struct {
        bc_jwk_type type;
        const char *pub_members, *priv_members;
        int bits;
        size_t coord_chars;
    } cases[] = {
        {BC_JWK_RSA, "kty,n,e", "kty,n,e,d,p,q,dp,dq,qi", 2048, 0},
        {BC_JWK_ED25519, "crv,x,kty", "crv,d,x,kty", 256, 43},
        {BC_JWK_P256, "kty,x,y,crv", "kty,x,y,crv,d", 256, 43},
        {BC_JWK_P384, "kty,x,y,crv", "kty,x,y,crv,d", 384, 64},
        {BC_JWK_P521, "kty,x,y,crv", "kty,x,y,crv,d", 521, 88},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bc_jwk *key = NULL, *back = NULL, *pub = NULL;
        bc_error err = {0};
        assert_int_equal(bc_jwk_generate(cases[i].type, &key, &err), BC_OK);
        assert_int_equal(bc_jwk_bits(key), cases[i].bits);
        for (int with_private = 0; with_private < 2; with_private++) {
            json_t *obj = bc_jwk_to_json(key, with_private);
            char members[64] = "";
            const char *name;
            json_t *value;
            json_object_foreach(obj, name, value)
            {
                if (*members)
                    strcat(members, ",");
                strcat(members, name);
                if (strcmp(name, "kty") && strcmp(name, "crv"))
                    assert_true(is_b64url_unpadded(json_string_value(value)));
                if (cases[i].coord_chars && strcmp(name, "kty") && strcmp(name, "crv"))
                    assert_int_equal(strlen(json_string_value(value)), cases[i].coord_chars);
            }
            assert_string_equal(members,
                                with_private ? cases[i].priv_members : cases[i].pub_members);
            if (cases[i].type == BC_JWK_RSA)
                assert_string_equal(json_string_value(json_object_get(obj, "e")), "AQAB");
            json_decref(obj);
        }
        char *priv_text = bc_jwk_to_text(key, true), *pub_text = bc_jwk_to_text(key, false);
        assert_int_equal(bc_jwk_parse(priv_text, strlen(priv_text), true, &back, &err), BC_OK);
        assert_int_equal(bc_jwk_parse(pub_text, strlen(pub_text), false, &pub, &err), BC_OK);
        assert_int_equal(bc_jwk_match(back, key, &err), BC_OK);
        assert_int_equal(bc_jwk_match(back, pub, &err), BC_OK);
        char *again = bc_jwk_to_text(back, true);
        assert_string_equal(again, priv_text);
        /* a private JWK read as public gives the public key */
        bc_jwk *as_pub = NULL;
        assert_int_equal(bc_jwk_parse(priv_text, strlen(priv_text), false, &as_pub, &err), BC_OK);
        assert_false(as_pub->is_private);
        assert_int_equal(bc_jwk_match(as_pub, pub, &err), BC_OK);
        free(again);
        free(priv_text);
        free(pub_text);
        bc_jwk_free(as_pub);
        bc_jwk_free(back);
        bc_jwk_free(pub);
        bc_jwk_free(key);
    }
}

static void new_row_round_trip_and_env_value(void **state)
{
    const char *secret = "ключ-secret-🔐-0123456789abcdef0123456789";
    bc_jwk *key = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwk_generate(BC_JWK_RSA, &key, &err), BC_OK);
    bc_jwks_rows rows = {calloc(1, sizeof(bc_jwks_row)), 1};
    assert_int_equal(
        bc_jwks_row_new(key, BC_SECRETS_LEGACY(secret), NULL, "RS256", 1767225600000, &rows.rows[0], &err), BC_OK);
    assert_int_equal(strlen(rows.rows[0].id), 32);
    assert_true(bc_jwks_row_is_encrypted(&rows.rows[0]));
    char *env = bc_jwks_env_format(&rows);
    /* JSON.stringify(rows, null, 2): two-space indent, alphabetical members, integer dates */
    assert_true(
        strncmp(env,
                "[\n  {\n    \"alg\": \"RS256\",\n    \"createdAt\": 1767225600000,\n"
                "    \"id\": \"",
                strlen("[\n  {\n    \"alg\": \"RS256\",\n    \"createdAt\": 1767225600000,\n"
                       "    \"id\": \"")) == 0);
    assert_non_null(strstr(env, "\"privateKey\": \"\\\""));
    bc_jwks_rows parsed;
    assert_int_equal(bc_jwks_env_parse(env, strlen(env), &parsed, &err), BC_OK);
    assert_int_equal(parsed.n, 1);
    assert_string_equal(parsed.rows[0].id, rows.rows[0].id);
    assert_string_equal(parsed.rows[0].alg, "RS256");
    assert_int_equal(parsed.rows[0].created_at, 1767225600000);
    bc_jwk *priv = NULL, *pub = NULL;
    assert_int_equal(bc_jwks_row_open(&parsed.rows[0], BC_SECRETS_LEGACY(secret), &pub, &priv, &err), BC_OK);
    assert_int_equal(bc_jwk_match(priv, key, &err), BC_OK);
    assert_string_equal(priv->alg, "RS256");
    assert_int_equal(bc_jwks_row_open(&parsed.rows[0], BC_SECRETS_LEGACY("ключ-secret"), NULL, NULL, &err), BC_ERR);
    expect_msg(&err, "wrong BETTER_AUTH_SECRET?");
    bc_jwk_free(priv);
    bc_jwk_free(pub);
    free(env);
    bc_jwks_rows_release(&parsed);
    bc_jwks_rows_release(&rows);

    /* a public key cannot make a row */
    bc_jwk *pub_only = NULL;
    char *text = bc_jwk_to_text(key, false);
    assert_int_equal(bc_jwk_parse(text, strlen(text), false, &pub_only, &err), BC_OK);
    bc_jwks_row row;
    assert_int_equal(bc_jwks_row_new(pub_only, BC_SECRETS_LEGACY(secret), "id", NULL, 0, &row, &err), BC_USAGE);
    free(text);
    bc_jwk_free(pub_only);
    bc_jwk_free(key);
}

static void expect_env_error(const char *text, const char *fragment)
{
    bc_jwks_rows rows;
    bc_error err = {0};
    assert_int_equal(bc_jwks_env_parse(text, strlen(text), &rows, &err), BC_ERR);
    assert_int_equal(rows.n, 0);
    expect_msg(&err, fragment);
}

static void env_value_errors(void **state)
{
    expect_env_error("", "JWKS is empty");
    expect_env_error("  \n", "JWKS is empty");
    expect_env_error("[{\"alg\" \"RS256\"}]", "JWKS is not valid JSON at line 1 column 15");
    expect_env_error("[\n  {\n    \"id\": \"a\",\n  }\n]", "JWKS is not valid JSON at line 4");
    expect_env_error("{\"keys\":[]}", "public key set");
    expect_env_error("\"[]\"", "not a JSON array");
    expect_env_error("[1]", "JWKS element 1 is not a JSON object");
    expect_env_error(
        "[{\"id\":\"a\",\"publicKey\":\"{}\",\"privateKey\":\"\\\"00\\\"\"},{\"id\":\"b\","
        "\"privateKey\":\"x\"}]",
        "JWKS element 2 (key b) has no publicKey");
    expect_env_error("[{\"publicKey\":\"{}\",\"privateKey\":\"x\"}]", "JWKS element 1 has no id");
    expect_env_error(
        "[{\"id\":\"a\",\"publicKey\":\"{}\",\"privateKey\":\"x\",\"createdAt\":true}]",
        "createdAt");
    bc_jwks_rows rows;
    bc_error err = {0};
    assert_int_equal(bc_jwks_env_parse("[]", 2, &rows, &err), BC_OK);
    assert_int_equal(rows.n, 0);
    bc_jwks_rows_release(&rows);
}

static void expect_jwk_error(const char *text, bool want_private, const char *fragment)
{
    bc_jwk *key = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwk_parse(text, strlen(text), want_private, &key, &err), BC_ERR);
    assert_null(key);
    expect_msg(&err, fragment);
}

static void malformed_jwks(void **state)
{
    const char *ed_x = "KnrmzB9U7XBzUQVfdcQa6CIq8TZ-iHhMAo-k9cJ0UIw";
    char buf[512];
    expect_jwk_error("", false, "JWK is empty");
    expect_jwk_error("{\"kty\":", false, "JWK is not valid JSON at line 1 column 7");
    expect_jwk_error("[]", false, "not a JSON object");
    expect_jwk_error("{}", false, "JWK has no \"kty\"");
    expect_jwk_error("{\"kty\":\"oct\",\"k\":\"AAAA\"}", false, "\"oct\" is not supported");
    expect_jwk_error("{\"kty\":\"OKP\",\"x\":\"AAAA\"}", false, "OKP JWK has no \"crv\"");
    expect_jwk_error("{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}", false,
                     "curve \"X25519\" is not supported");
    expect_jwk_error("{\"kty\":\"EC\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}", false, "not supported");
    expect_jwk_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}", false, "OKP JWK has no \"x\"");
    expect_jwk_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"KnrmzB9U7XBzUQVfdcQa6CIq8TZ-"
                     "iHhMAo-k9cJ0UI\"}",
                     false, "OKP JWK \"x\" is 31 bytes, Ed25519 needs 32");
    expect_jwk_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"Knrm*B9U\"}", false,
                     "\"x\" is not base64url");
    expect_jwk_error("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":42}", false,
                     "\"x\" is not a non-empty string");
    snprintf(buf, sizeof buf, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}", ed_x);
    expect_jwk_error(buf, true, "OKP JWK has no \"d\"");
    /* a d that is not the one for this x */
    snprintf(buf, sizeof buf,
             "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\","
             "\"d\":\"A_bTDCJ2gNeIxbQxITpHLO1eIj6dmT57qz87TCtuQTI\"}",
             ed_x);
    expect_jwk_error(buf, true, "\"d\" does not belong to its \"x\"");
    expect_jwk_error("{\"kty\":\"RSA\",\"e\":\"AQAB\"}", false, "RSA JWK has no \"n\"");
    expect_jwk_error("{\"kty\":\"RSA\",\"n\":\"AQAB\"}", false, "RSA JWK has no \"e\"");
    expect_jwk_error("{\"kty\":\"RSA\",\"n\":\"p7EBKmFYyDG0\",\"e\":\"AQAB\"}", false,
                     "only 72 bits");
    expect_jwk_error("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"GZ5g-APoUySkfuWJ1SWHBpzUYBVhRP1WEyZ"
                     "X6CcAg8c\"}",
                     false, "EC JWK has no \"y\"");
    expect_jwk_error("{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"GZ5g-APoUySkfuWJ1SWHBpzUYBVhRP1WEyZ"
                     "X6CcAg8c\",\"y\":\"WkSKH3JuJ_KIW7B52uJJuh9fXGd-uZNaG0_4WV6mbLk\"}",
                     false, "EC JWK \"x\" is 32 bytes, P-384 needs 48");
    /* a valid P-256 x with a y that is off the curve */
    expect_jwk_error("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"GZ5g-APoUySkfuWJ1SWHBpzUYBVhRP1WEyZ"
                     "X6CcAg8c\",\"y\":\"WkSKH3JuJ_KIW7B52uJJuh9fXGd-uZNaG0_4WV6mbLs\"}",
                     false, "not a point on P-256");
}

static void malformed_rows(void **state)
{
    json_t *v = vectors_load();
    const char *secret = vstr(v, "jwks_rows.eddsa.secret");
    bc_jwks_row row;
    bc_jwk *key = NULL;
    bc_error err = {0};

    /* privateKey without its JSON quotes: Better Auth's JSON.parse would fail on it */
    load_row(v, "eddsa", &row);
    memmove(row.private_key, row.private_key + 1, strlen(row.private_key));
    row.private_key[strlen(row.private_key) - 1] = '\0';
    assert_int_equal(bc_jwks_row_private_jwk(&row, BC_SECRETS_LEGACY(secret), &key, &err), BC_ERR);
    expect_msg(&err, "neither a JSON-quoted hex string nor a JWK");
    bc_jwks_row_release(&row);

    /* quoted but cut short */
    load_row(v, "eddsa", &row);
    strcpy(row.private_key, "\"6b67efd5\"");
    assert_int_equal(bc_jwks_row_private_jwk(&row, BC_SECRETS_LEGACY(secret), &key, &err), BC_ERR);
    expect_msg(&err, "privateKey of key eeCzI6IzNdQgObsed9lHWbujBFs6yP86: too short");
    bc_jwks_row_release(&row);

    /* disablePrivateKeyEncryption stores the JWK as is */
    load_row(v, "eddsa", &row);
    free(row.private_key);
    row.private_key = vdump(v, "jwks_rows.eddsa.private_jwk");
    assert_false(bc_jwks_row_is_encrypted(&row));
    assert_int_equal(bc_jwks_row_open(&row, NULL, NULL, &key, &err), BC_OK);
    assert_int_equal(key->type, BC_JWK_ED25519);
    bc_jwk_free(key);
    bc_jwks_row_release(&row);

    /* a publicKey that is not JSON */
    load_row(v, "rs256", &row);
    strcpy(row.public_key, "{kty");
    assert_int_equal(bc_jwks_row_public_jwk(&row, &key, &err), BC_ERR);
    expect_msg(&err, "publicKey of key zbDeRnHxcH1ZkQlBtxnRmdseJAuaBlgO: JWK is not valid JSON");
    bc_jwks_row_release(&row);

    /* the row JSON itself */
    json_t *bad = json_pack("{s:s, s:s, s:i}", "id", "x", "publicKey", "{}", "privateKey", 5);
    memset(&row, 0, sizeof row);
    assert_int_equal(bc_jwks_row_from_json(bad, &row, &err), BC_ERR);
    expect_msg(&err, "jwks row (key x) has no privateKey string");
    bc_jwks_row_release(&row);
    json_decref(bad);
    /* a Convex document: _id, epoch-ms dates */
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:f, s:f}", "_id", "k1", "publicKey", "{}", "privateKey",
                  "\"00\"", "createdAt", 1767225600000.0, "expiresAt", 1767225601000.0);
    memset(&row, 0, sizeof row);
    assert_int_equal(bc_jwks_row_from_json(doc, &row, &err), BC_OK);
    assert_string_equal(row.id, "k1");
    assert_int_equal(row.created_at, 1767225600000);
    assert_int_equal(row.expires_at, 1767225601000);
    bc_jwks_row_release(&row);
    json_decref(doc);
    json_decref(v);
}

static void algorithm_facts(void **state)
{
    bc_jwk_type type;
    bc_error err = {0};
    assert_int_equal(bc_jwk_type_for_alg("EdDSA", &type, &err), BC_OK);
    assert_int_equal(type, BC_JWK_ED25519);
    assert_int_equal(bc_jwk_type_for_alg("RS256", &type, &err), BC_OK);
    assert_int_equal(type, BC_JWK_RSA);
    assert_int_equal(bc_jwk_type_for_alg("PS256", &type, &err), BC_OK);
    assert_int_equal(type, BC_JWK_RSA);
    assert_int_equal(bc_jwk_type_for_alg("ES512", &type, &err), BC_OK);
    assert_int_equal(type, BC_JWK_P521);
    assert_int_equal(bc_jwk_type_for_alg("HS256", &type, &err), BC_USAGE);
    expect_msg(&err, "unknown key algorithm \"HS256\"");
    assert_true(bc_jwk_alg_fits(BC_JWK_RSA, "RS256"));
    assert_true(bc_jwk_alg_fits(BC_JWK_RSA, "PS256"));
    assert_false(bc_jwk_alg_fits(BC_JWK_RSA, "EdDSA")); /* the live-server trap in BETTER_AUTH.md */
    assert_false(bc_jwk_alg_fits(BC_JWK_P256, "ES512"));
    assert_false(bc_jwk_alg_fits(BC_JWK_ED25519, NULL));
    assert_string_equal(bc_jwk_type_name(BC_JWK_P384), "P-384");
    assert_string_equal(bc_jwk_type_default_alg(BC_JWK_ED25519), "EdDSA");
}

static void key_set_errors(void **state)
{
    bc_jwk_set *set = NULL;
    bc_error err = {0};
    assert_int_equal(bc_jwk_set_parse("{\"keys\":", 8, &set, &err), BC_ERR);
    expect_msg(&err, "JWKS is not valid JSON at line 1");
    assert_int_equal(bc_jwk_set_parse("[]", 2, &set, &err), BC_ERR);
    expect_msg(&err, "JWKS has no \"keys\" array");
    const char *one_bad =
        "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"KnrmzB9U7XBzUQVfdc"
        "Qa6CIq8TZ-iHhMAo-k9cJ0UIw\",\"kid\":\"a\"},{\"kty\":\"RSA\",\"kid\":\"b\"}]}";
    assert_int_equal(bc_jwk_set_parse(one_bad, strlen(one_bad), &set, &err), BC_ERR);
    expect_msg(&err, "JWKS key 2 (kid b): RSA JWK has no \"n\"");
    assert_null(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_rows_decrypt),
        cmocka_unit_test(wrong_secret_names_the_key),
        cmocka_unit_test(public_set_as_the_server_serves_it),
        cmocka_unit_test(mismatched_halves),
        cmocka_unit_test(generated_keys_export_like_jose),
        cmocka_unit_test(new_row_round_trip_and_env_value),
        cmocka_unit_test(env_value_errors),
        cmocka_unit_test(malformed_jwks),
        cmocka_unit_test(malformed_rows),
        cmocka_unit_test(algorithm_facts),
        cmocka_unit_test(key_set_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
