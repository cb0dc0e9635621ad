/* jwk.c - JWK <-> OpenSSL keys, jwks rows and key sets. Keys are built with EVP_PKEY_fromdata so
 * nothing here depends on OpenSSL's deprecated RSA/EC structures. */
#include "jwk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "encoding.h"
#include "ids.h"
#include "isotime.h"
#include "secretbox.h"
#include "xalloc.h"

/* ---- facts ---- */

static const struct {
    bc_jwk_type type;
    const char *name;  /* crv, or "RSA" */
    const char *alg;   /* the alg Better Auth signs with */
    const char *group; /* OpenSSL group name for EC */
    size_t coord_len;  /* EC coordinate / OKP key bytes */
} key_types[] = {
    {BC_JWK_RSA, "RSA", "RS256", NULL, 0},
    {BC_JWK_ED25519, "Ed25519", "EdDSA", NULL, 32},
    {BC_JWK_P256, "P-256", "ES256", "prime256v1", 32},
    {BC_JWK_P384, "P-384", "ES384", "secp384r1", 48},
    {BC_JWK_P521, "P-521", "ES512", "secp521r1", 66},
};

const char *bc_jwk_type_name(bc_jwk_type type)
{
    return key_types[type].name;
}

const char *bc_jwk_type_default_alg(bc_jwk_type type)
{
    return key_types[type].alg;
}

int bc_jwk_bits(const bc_jwk *key)
{
    return EVP_PKEY_get_bits(key->pkey);
}

bool bc_jwk_alg_fits(bc_jwk_type type, const char *alg)
{
    if (!alg)
        return false;
    if (type == BC_JWK_RSA)
        return strcmp(alg, "RS256") == 0 || strcmp(alg, "PS256") == 0;
    return strcmp(alg, key_types[type].alg) == 0;
}

bc_status bc_jwk_type_for_alg(const char *alg, bc_jwk_type *type, bc_error *err)
{
    if (alg && strcmp(alg, "PS256") == 0) {
        *type = BC_JWK_RSA;
        return BC_OK;
    }
    for (size_t i = 0; alg && i < sizeof key_types / sizeof *key_types; i++) {
        if (strcmp(alg, key_types[i].alg) == 0) {
            *type = key_types[i].type;
            return BC_OK;
        }
    }
    return bc_fail(err, BC_USAGE,
                   "unknown key algorithm \"%s\" (use RS256, PS256, EdDSA, ES256, ES384 or ES512)",
                   alg ? alg : "");
}

void bc_jwk_free(bc_jwk *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key->kid);
    free(key->alg);
    free(key);
}

/* ---- JWK members ---- */

static const char *kty_label(bc_jwk_type type)
{
    return type == BC_JWK_RSA ? "RSA" : type == BC_JWK_ED25519 ? "OKP" : "EC";
}

/* A base64url member decoded; exact_len 0 accepts any non-empty length. */
static bc_status get_b64(const json_t *obj, const char *name, bc_jwk_type type, size_t exact_len,
                         unsigned char **out, size_t *out_len, bc_error *err)
{
    const json_t *v = json_object_get(obj, name);
    if (!v)
        return bc_fail(err, BC_ERR, "%s JWK has no \"%s\"", kty_label(type), name);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bc_fail(err, BC_ERR, "%s JWK \"%s\" is not a non-empty string", kty_label(type),
                       name);
    size_t n = 0;
    unsigned char *bytes = bc_base64_decode(json_string_value(v), json_string_length(v), &n);
    if (!bytes)
        return bc_fail(err, BC_ERR, "%s JWK \"%s\" is not base64url", kty_label(type), name);
    if (exact_len && n != exact_len) {
        OPENSSL_clear_free(bytes, n);
        return bc_fail(err, BC_ERR, "%s JWK \"%s\" is %zu bytes, %s needs %zu", kty_label(type),
                       name, n, key_types[type].name, exact_len);
    }
    *out = bytes;
    *out_len = n;
    return BC_OK;
}

/* Push a big-endian base64url member as an OpenSSL BIGNUM parameter. */
static bc_status push_bn(OSSL_PARAM_BLD *bld, const char *param, const json_t *obj,
                         const char *name, bc_jwk_type type, BIGNUM **keep, bc_error *err)
{
    unsigned char *bytes;
    size_t n;
    if (get_b64(obj, name, type, 0, &bytes, &n, err) != BC_OK)
        return BC_ERR;
    BIGNUM *bn = BN_secure_new();
    if (bn)
        BN_bin2bn(bytes, (int)n, bn);
    OPENSSL_clear_free(bytes, n);
    if (!bn || !OSSL_PARAM_BLD_push_BN(bld, param, bn)) {
        BN_clear_free(bn);
        return bc_fail(err, BC_ERR, "OpenSSL refused RSA JWK \"%s\"", name);
    }
    *keep = bn;
    return BC_OK;
}

static bc_status pkey_from_params(const char *name, OSSL_PARAM_BLD *bld, bool private_key,
                                  EVP_PKEY **out, bc_error *err)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL);
    EVP_PKEY *pkey = NULL;
    bool ok = params && ctx && EVP_PKEY_fromdata_init(ctx) > 0 &&
              EVP_PKEY_fromdata(ctx, &pkey, private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                params) > 0;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    if (!ok) {
        EVP_PKEY_free(pkey);
        return bc_fail(err, BC_ERR, "OpenSSL does not accept this %s key", name);
    }
    *out = pkey;
    return BC_OK;
}

static bc_status check_pkey(EVP_PKEY *pkey, bool private_key, const char *what, bc_error *err)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int ok = ctx ? (private_key ? EVP_PKEY_pairwise_check(ctx) : EVP_PKEY_public_check(ctx)) : 0;
    EVP_PKEY_CTX_free(ctx);
    if (ok != 1)
        return bc_fail(err, BC_ERR, "%s", what);
    return BC_OK;
}

static bc_status rsa_from_json(const json_t *obj, bool want_private, EVP_PKEY **out, bc_error *err)
{
    static const struct {
        const char *member, *param;
    } members[] = {
        {"n", OSSL_PKEY_PARAM_RSA_N},          {"e", OSSL_PKEY_PARAM_RSA_E},
        {"d", OSSL_PKEY_PARAM_RSA_D},          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},    {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    size_t count = want_private ? 8 : 2;
    BIGNUM *bns[8] = {0};
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    bc_status st = BC_OK;
    for (size_t i = 0; i < count && st == BC_OK; i++)
        st = push_bn(bld, members[i].param, obj, members[i].member, BC_JWK_RSA, &bns[i], err);
    if (st == BC_OK && BN_num_bits(bns[0]) < 512)
        st = bc_fail(err, BC_ERR, "RSA JWK \"n\" is only %d bits", BN_num_bits(bns[0]));
    if (st == BC_OK)
        st = pkey_from_params("RSA", bld, want_private, out, err);
    OSSL_PARAM_BLD_free(bld);
    for (size_t i = 0; i < 8; i++)
        BN_clear_free(bns[i]);
    if (st == BC_OK && want_private &&
        check_pkey(*out, true, "RSA JWK private members do not form a key with n and e", err)) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return BC_ERR;
    }
    return st;
}

static bc_status okp_from_json(const json_t *obj, bool want_private, EVP_PKEY **out, bc_error *err)
{
    unsigned char *x = NULL, *d = NULL;
    size_t x_len = 0, d_len = 0;
    if (get_b64(obj, "x", BC_JWK_ED25519, 32, &x, &x_len, err) != BC_OK)
        return BC_ERR;
    if (!want_private) {
        *out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_len);
        free(x);
        return *out ? BC_OK : bc_fail(err, BC_ERR, "OpenSSL does not accept this Ed25519 key");
    }
    if (get_b64(obj, "d", BC_JWK_ED25519, 32, &d, &d_len, err) != BC_OK) {
        free(x);
        return BC_ERR;
    }
    *out = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, d, d_len);
    OPENSSL_clear_free(d, d_len);
    unsigned char derived[32];
    size_t derived_len = sizeof derived;
    bool same = *out && EVP_PKEY_get_raw_public_key(*out, derived, &derived_len) &&
                derived_len == 32 && memcmp(derived, x, 32) == 0;
    free(x);
    if (!same) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return bc_fail(err, BC_ERR, "OKP JWK \"d\" does not belong to its \"x\"");
    }
    return BC_OK;
}

static bc_status ec_from_json(const json_t *obj, bc_jwk_type type, bool want_private,
                              EVP_PKEY **out, bc_error *err)
{
    size_t len = key_types[type].coord_len, x_len, y_len, d_len = 0;
    unsigned char *x = NULL, *y = NULL, *d = NULL;
    if (get_b64(obj, "x", type, len, &x, &x_len, err) != BC_OK)
        return BC_ERR;
    if (get_b64(obj, "y", type, len, &y, &y_len, err) != BC_OK) {
        free(x);
        return BC_ERR;
    }
    bc_status st = BC_OK;
    if (want_private)
        st = get_b64(obj, "d", type, len, &d, &d_len, err);
    unsigned char *point = bc_xmalloc(1 + 2 * len);
    point[0] = 0x04; /* uncompressed SEC1 point */
    memcpy(point + 1, x, len);
    memcpy(point + 1 + len, y, len);
    free(x);
    free(y);
    BIGNUM *priv = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (st == BC_OK) {
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, key_types[type].group, 0);
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * len);
        if (d) {
            priv = BN_secure_new();
            BN_bin2bn(d, (int)d_len, priv);
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv);
        }
        st = pkey_from_params("EC", bld, want_private, out, err);
        if (st != BC_OK)
            st = bc_fail(err, BC_ERR, "EC JWK \"x\",\"y\" is not a point on %s",
                         key_types[type].name);
    }
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(priv);
    OPENSSL_clear_free(d, d_len);
    free(point);
    if (st == BC_OK && check_pkey(*out, want_private,
                                  want_private ? "EC JWK \"d\" does not belong to its \"x\",\"y\""
                                               : "EC JWK \"x\",\"y\" is not a valid public point",
                                  err) != BC_OK) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return BC_ERR;
    }
    return st;
}

static char *opt_string(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_string(v) ? bc_xstrdup(json_string_value(v)) : NULL;
}

bc_status bc_jwk_from_json(const json_t *obj, bool want_private, bc_jwk **out, bc_error *err)
{
    if (!json_is_object(obj))
        return bc_fail(err, BC_ERR, "JWK is not a JSON object");
    const char *kty = json_string_value(json_object_get(obj, "kty"));
    const char *crv = json_string_value(json_object_get(obj, "crv"));
    if (!kty)
        return bc_fail(err, BC_ERR, "JWK has no \"kty\"");
    bc_jwk_type type;
    if (strcmp(kty, "RSA") == 0) {
        type = BC_JWK_RSA;
    } else if (strcmp(kty, "OKP") == 0 || strcmp(kty, "EC") == 0) {
        if (!crv)
            return bc_fail(err, BC_ERR, "%s JWK has no \"crv\"", kty);
        bool found = false;
        for (size_t i = 1; i < sizeof key_types / sizeof *key_types && !found; i++) {
            bool is_ec = key_types[i].group != NULL;
            if (strcmp(crv, key_types[i].name) == 0 && is_ec == (kty[0] == 'E')) {
                type = key_types[i].type;
                found = true;
            }
        }
        if (!found)
            return bc_fail(err, BC_ERR, "%s JWK curve \"%s\" is not supported (%s)", kty, crv,
                           kty[0] == 'E' ? "P-256, P-384 or P-521" : "Ed25519");
    } else {
        return bc_fail(err, BC_ERR, "JWK key type \"%s\" is not supported (RSA, OKP or EC)", kty);
    }

    EVP_PKEY *pkey = NULL;
    bc_status st = type == BC_JWK_RSA       ? rsa_from_json(obj, want_private, &pkey, err)
                   : type == BC_JWK_ED25519 ? okp_from_json(obj, want_private, &pkey, err)
                                            : ec_from_json(obj, type, want_private, &pkey, err);
    if (st != BC_OK)
        return st;
    bc_jwk *key = bc_xcalloc(1, sizeof *key);
    key->type = type;
    key->is_private = want_private;
    key->pkey = pkey;
    key->kid = opt_string(obj, "kid");
    key->alg = opt_string(obj, "alg");
    *out = key;
    return BC_OK;
}

/* json_loadb with the error message every parser here uses. */
static json_t *load_json(const char *what, const char *text, size_t len, size_t flags,
                         bc_error *err)
{
    json_error_t jerr;
    if (len == 0) {
        bc_fail(err, BC_ERR, "%s is empty", what);
        return NULL;
    }
    json_t *root = json_loadb(text, len, flags, &jerr);
    if (!root)
        bc_fail(err, BC_ERR, "%s is not valid JSON at line %d column %d: %s", what, jerr.line,
                jerr.column, jerr.text);
    return root;
}

bc_status bc_jwk_parse(const char *text, size_t len, bool want_private, bc_jwk **out, bc_error *err)
{
    json_t *root = load_json("JWK", text, len, 0, err);
    if (!root)
        return BC_ERR;
    bc_status st = bc_jwk_from_json(root, want_private, out, err);
    json_decref(root);
    return st;
}

/* ---- generation and export ---- */

bc_status bc_jwk_generate(bc_jwk_type type, bc_jwk **out, bc_error *err)
{
    EVP_PKEY *pkey = NULL;
    switch (type) {
    case BC_JWK_RSA: {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
        if (ctx && EVP_PKEY_keygen_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) > 0)
            EVP_PKEY_generate(ctx, &pkey); /* e defaults to 65537 (AQAB) */
        EVP_PKEY_CTX_free(ctx);
        break;
    }
    case BC_JWK_ED25519:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        break;
    default:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", key_types[type].group);
        break;
    }
    if (!pkey)
        return bc_fail(err, BC_ERR, "OpenSSL could not generate a %s key", key_types[type].name);
    bc_jwk *key = bc_xcalloc(1, sizeof *key);
    key->type = type;
    key->is_private = true;
    key->pkey = pkey;
    *out = key;
    return BC_OK;
}

static void set_b64(json_t *obj, const char *name, const unsigned char *data, size_t n)
{
    char *text = bc_base64_encode(data, n, true);
    json_object_set_new(obj, name, json_string(text));
    OPENSSL_clear_free(text, strlen(text));
}

/* A BIGNUM parameter as base64url: minimal length (pad 0), or padded to pad bytes. */
static bool set_bn(json_t *obj, const char *name, const EVP_PKEY *pkey, const char *param,
                   size_t pad)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
        return false;
    size_t n = pad ? pad : (size_t)BN_num_bytes(bn);
    unsigned char *bytes = bc_xmalloc(n ? n : 1);
    bool ok = BN_bn2binpad(bn, bytes, (int)n) >= 0;
    if (ok)
        set_b64(obj, name, bytes, n);
    OPENSSL_clear_free(bytes, n ? n : 1);
    BN_clear_free(bn);
    return ok;
}

json_t *bc_jwk_to_json(const bc_jwk *key, bool with_private)
{
    bool priv = with_private && key->is_private;
    json_t *obj = json_object();
    bool ok = true;
    if (key->type == BC_JWK_RSA) {
        json_object_set_new(obj, "kty", json_string("RSA"));
        ok = set_bn(obj, "n", key->pkey, OSSL_PKEY_PARAM_RSA_N, 0) &&
             set_bn(obj, "e", key->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
        if (ok && priv)
            ok = set_bn(obj, "d", key->pkey, OSSL_PKEY_PARAM_RSA_D, 0) &&
                 set_bn(obj, "p", key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, 0) &&
                 set_bn(obj, "q", key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, 0) &&
                 set_bn(obj, "dp", key->pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1, 0) &&
                 set_bn(obj, "dq", key->pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2, 0) &&
                 set_bn(obj, "qi", key->pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0);
    } else if (key->type == BC_JWK_ED25519) {
        unsigned char raw[32];
        size_t n = sizeof raw;
        json_object_set_new(obj, "crv", json_string("Ed25519"));
        if (priv) {
            ok = EVP_PKEY_get_raw_private_key(key->pkey, raw, &n) && n == 32;
            if (ok)
                set_b64(obj, "d", raw, n);
            OPENSSL_cleanse(raw, sizeof raw);
            n = sizeof raw;
        }
        ok = ok && EVP_PKEY_get_raw_public_key(key->pkey, raw, &n) && n == 32;
        if (ok)
            set_b64(obj, "x", raw, n);
        json_object_set_new(obj, "kty", json_string("OKP"));
    } else {
        size_t len = key_types[key->type].coord_len;
        json_object_set_new(obj, "kty", json_string("EC"));
        ok = set_bn(obj, "x", key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, len) &&
             set_bn(obj, "y", key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, len);
        json_object_set_new(obj, "crv", json_string(key_types[key->type].name));
        if (ok && priv)
            ok = set_bn(obj, "d", key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, len);
    }
    if (!ok) {
        /* Only reachable when OpenSSL lost a parameter of a key it made itself. */
        json_decref(obj);
        return NULL;
    }
    return obj;
}

char *bc_jwk_to_text(const bc_jwk *key, bool with_private)
{
    json_t *obj = bc_jwk_to_json(key, with_private);
    if (!obj)
        return NULL;
    char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    char *out = bc_xstrdup(text);
    if (text)
        OPENSSL_clear_free(text, strlen(text));
    return out;
}

bc_status bc_jwk_match(const bc_jwk *a, const bc_jwk *b, bc_error *err)
{
    if (a->type != b->type)
        return bc_fail(err, BC_ERR, "one key is %s and the other %s", key_types[a->type].name,
                       key_types[b->type].name);
    if (EVP_PKEY_eq(a->pkey, b->pkey) != 1)
        return bc_fail(err, BC_ERR,
                       "the private key does not belong to the public key (both %s, "
                       "different %s)",
                       key_types[a->type].name, a->type == BC_JWK_RSA ? "modulus" : "point");
    return BC_OK;
}

/* ---- key sets ---- */

void bc_jwk_set_free(bc_jwk_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        bc_jwk_free(set->keys[i]);
    free(set->keys);
    free(set);
}

const bc_jwk *bc_jwk_set_find(const bc_jwk_set *set, const char *kid)
{
    for (size_t i = 0; kid && i < set->n; i++)
        if (set->keys[i]->kid && strcmp(set->keys[i]->kid, kid) == 0)
            return set->keys[i];
    return NULL;
}

bc_status bc_jwk_set_parse(const char *text, size_t len, bc_jwk_set **out, bc_error *err)
{
    json_t *root = load_json("JWKS", text, len, 0, err);
    if (!root)
        return BC_ERR;
    json_t *keys = json_object_get(root, "keys");
    if (!json_is_array(keys)) {
        json_decref(root);
        return bc_fail(err, BC_ERR, "JWKS has no \"keys\" array");
    }
    bc_jwk_set *set = bc_xcalloc(1, sizeof *set);
    set->keys = bc_xcalloc(json_array_size(keys) + 1, sizeof *set->keys);
    size_t i;
    json_t *item;
    json_array_foreach(keys, i, item)
    {
        if (bc_jwk_from_json(item, false, &set->keys[set->n], err) != BC_OK) {
            const char *kid = json_string_value(json_object_get(item, "kid"));
            bc_error_prefix(err, "JWKS key %zu%s%s%s", i + 1, kid ? " (kid " : "", kid ? kid : "",
                            kid ? ")" : "");
            json_decref(root);
            bc_jwk_set_free(set);
            return BC_ERR;
        }
        set->n++;
    }
    json_decref(root);
    *out = set;
    return BC_OK;
}

/* ---- jwks rows ---- */

void bc_jwks_row_release(bc_jwks_row *row)
{
    if (!row)
        return;
    free(row->id);
    free(row->alg);
    free(row->crv);
    free(row->public_key);
    free(row->private_key);
    memset(row, 0, sizeof *row);
}

void bc_jwks_rows_release(bc_jwks_rows *rows)
{
    if (!rows)
        return;
    for (size_t i = 0; i < rows->n; i++)
        bc_jwks_row_release(&rows->rows[i]);
    free(rows->rows);
    rows->rows = NULL;
    rows->n = 0;
}

static bc_status get_time(const json_t *obj, const char *name, const char *label, int64_t *ms,
                          bc_error *err)
{
    const json_t *v = json_object_get(obj, name);
    *ms = BC_JWKS_NO_TIME;
    if (!v || json_is_null(v))
        return BC_OK;
    if (json_is_number(v) && fabs(json_number_value(v)) < 9.2e18) {
        *ms = (int64_t)json_number_value(v);
        return BC_OK;
    }
    if (json_is_string(v) && bc_iso_parse(json_string_value(v), json_string_length(v), ms))
        return BC_OK;
    return bc_fail(err, BC_ERR, "%s %s is neither epoch milliseconds nor an ISO-8601 date", label,
                   name);
}

static bc_status row_from_json(const json_t *obj, bc_jwks_row *row, const char *label,
                               bc_error *err)
{
    if (!json_is_object(obj))
        return bc_fail(err, BC_ERR, "%s is not a JSON object", label);
    const json_t *id = json_object_get(obj, "id");
    if (!id)
        id = json_object_get(obj, "_id");
    if (!json_is_string(id) || json_string_length(id) == 0)
        return bc_fail(err, BC_ERR, "%s has no id", label);
    row->id = bc_xstrdup(json_string_value(id));
    const char *fields[] = {"publicKey", "privateKey"};
    char **dest[] = {&row->public_key, &row->private_key};
    for (int i = 0; i < 2; i++) {
        const json_t *v = json_object_get(obj, fields[i]);
        if (!json_is_string(v))
            return bc_fail(err, BC_ERR, "%s (key %s) has no %s string", label, row->id, fields[i]);
        *dest[i] = bc_xstrdup(json_string_value(v));
    }
    row->alg = opt_string(obj, "alg");
    row->crv = opt_string(obj, "crv");
    if (get_time(obj, "createdAt", label, &row->created_at, err) != BC_OK ||
        get_time(obj, "expiresAt", label, &row->expires_at, err) != BC_OK)
        return BC_ERR;
    return BC_OK;
}

bc_status bc_jwks_row_from_json(const json_t *obj, bc_jwks_row *row, bc_error *err)
{
    return row_from_json(obj, row, "jwks row", err);
}

bc_status bc_jwks_env_parse(const char *text, size_t len, bc_jwks_rows *out, bc_error *err)
{
    memset(out, 0, sizeof *out);
    size_t start = 0;
    while (start < len && strchr(" \t\r\n", text[start]))
        start++;
    if (start == len)
        return bc_fail(err, BC_ERR, "JWKS is empty");
    json_t *root = load_json("JWKS", text, len, JSON_DECODE_ANY, err);
    if (!root)
        return BC_ERR;
    if (json_is_object(root) && json_object_get(root, "keys")) {
        json_decref(root);
        return bc_fail(err, BC_ERR,
                       "JWKS holds a public key set ({\"keys\":[...]}), not the key rows that "
                       "getLatestJwks returns (with the encrypted privateKey)");
    }
    if (!json_is_array(root)) {
        json_decref(root);
        return bc_fail(err, BC_ERR, "JWKS is not a JSON array of key rows");
    }
    out->rows = bc_xcalloc(json_array_size(root) + 1, sizeof *out->rows);
    size_t i;
    json_t *item;
    json_array_foreach(root, i, item)
    {
        char label[64];
        snprintf(label, sizeof label, "JWKS element %zu", i + 1);
        out->n++;
        if (row_from_json(item, &out->rows[i], label, err) != BC_OK) {
            json_decref(root);
            bc_jwks_rows_release(out);
            return BC_ERR;
        }
    }
    json_decref(root);
    return BC_OK;
}

json_t *bc_jwks_row_to_json(const bc_jwks_row *row)
{
    json_t *obj = json_object();
    if (row->alg)
        json_object_set_new(obj, "alg", json_string(row->alg));
    if (row->created_at != BC_JWKS_NO_TIME)
        json_object_set_new(obj, "createdAt", json_integer(row->created_at));
    if (row->crv)
        json_object_set_new(obj, "crv", json_string(row->crv));
    if (row->expires_at != BC_JWKS_NO_TIME)
        json_object_set_new(obj, "expiresAt", json_integer(row->expires_at));
    json_object_set_new(obj, "id", json_string(row->id));
    json_object_set_new(obj, "privateKey", json_string(row->private_key));
    json_object_set_new(obj, "publicKey", json_string(row->public_key));
    return obj;
}

char *bc_jwks_env_format(const bc_jwks_rows *rows)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < rows->n; i++)
        json_array_append_new(arr, bc_jwks_row_to_json(&rows->rows[i]));
    char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(arr);
    char *out = bc_xstrdup(text ? text : "[]");
    free(text);
    return out;
}

bool bc_jwks_row_is_encrypted(const bc_jwks_row *row)
{
    return row->private_key && row->private_key[0] == '"';
}

bc_status bc_jwks_row_public_jwk(const bc_jwks_row *row, bc_jwk **out, bc_error *err)
{
    const char *text = row->public_key ? row->public_key : "";
    if (bc_jwk_parse(text, strlen(text), false, out, err) != BC_OK)
        return bc_error_prefix(err, "publicKey of key %s", row->id);
    /* The server publishes every row with kid = row id, whatever the JSON holds. */
    free((*out)->kid);
    (*out)->kid = bc_xstrdup(row->id);
    if (!(*out)->alg && row->alg)
        (*out)->alg = bc_xstrdup(row->alg);
    return BC_OK;
}

bc_status bc_jwks_row_private_jwk(const bc_jwks_row *row, const bc_secrets *secrets, bc_jwk **out,
                                  bc_error *err)
{
    const char *stored = row->private_key ? row->private_key : "";
    char *plain = NULL;
    size_t plain_len = 0;
    if (stored[0] == '{') {
        /* jwt({ jwks: { disablePrivateKeyEncryption: true } }) stores the JWK itself. */
        plain = bc_xstrdup(stored);
        plain_len = strlen(plain);
    } else {
        /* Better Auth JSON.parse()s the column before decrypting: it must be a JSON string. */
        json_t *quoted = json_loads(stored, JSON_DECODE_ANY, NULL);
        if (!json_is_string(quoted)) {
            json_decref(quoted);
            return bc_fail(err, BC_ERR,
                           "privateKey of key %s is neither a JSON-quoted hex string nor a JWK",
                           row->id);
        }
        bc_error inner = {0};
        bc_status st = bc_secrets_decrypt(secrets, json_string_value(quoted),
                                          json_string_length(quoted), &plain, &plain_len, &inner);
        json_decref(quoted);
        if (st != BC_OK) {
            long v = bc_jwks_row_secret_version(row);
            if (strstr(inner.msg, "does not decrypt") && v < 0)
                return bc_fail(err, BC_ERR,
                               "privateKey of key %s does not decrypt with this secret (wrong "
                               "BETTER_AUTH_SECRET?)",
                               row->id);
            if (strstr(inner.msg, "does not decrypt"))
                return bc_fail(err, BC_ERR,
                               "privateKey of key %s does not decrypt with this secret (wrong "
                               "version %ld in BETTER_AUTH_SECRETS?)",
                               row->id, v);
            return bc_fail(err, BC_ERR, "privateKey of key %s: %s", row->id, inner.msg);
        }
    }
    bc_status st = bc_jwk_parse(plain, plain_len, true, out, err);
    OPENSSL_clear_free(plain, plain_len + 1);
    if (st != BC_OK)
        return bc_error_prefix(err, "privateKey of key %s", row->id);
    free((*out)->kid);
    (*out)->kid = bc_xstrdup(row->id);
    if (!(*out)->alg && row->alg)
        (*out)->alg = bc_xstrdup(row->alg);
    return BC_OK;
}

long bc_jwks_row_secret_version(const bc_jwks_row *row)
{
    const char *p = row->private_key ? row->private_key : "";
    if (strncmp(p, "\"$ba$", 5) != 0 || p[5] < '0' || p[5] > '9')
        return -1;
    return strtol(p + 5, NULL, 10);
}

bc_status bc_jwks_row_open(const bc_jwks_row *row, const bc_secrets *secrets, bc_jwk **pub,
                           bc_jwk **priv, bc_error *err)
{
    bc_jwk *p = NULL, *s = NULL;
    if (bc_jwks_row_public_jwk(row, &p, err) != BC_OK)
        return BC_ERR;
    if (bc_jwks_row_private_jwk(row, secrets, &s, err) != BC_OK) {
        bc_jwk_free(p);
        return BC_ERR;
    }
    if (bc_jwk_match(s, p, err) != BC_OK) {
        bc_jwk_free(p);
        bc_jwk_free(s);
        return bc_error_prefix(err, "key %s", row->id);
    }
    if (pub)
        *pub = p;
    else
        bc_jwk_free(p);
    if (priv)
        *priv = s;
    else
        bc_jwk_free(s);
    return BC_OK;
}

bc_status bc_jwks_row_new(const bc_jwk *priv, const bc_secrets *secrets, const char *id,
                          const char *alg, int64_t created_at_ms, bc_jwks_row *row, bc_error *err)
{
    memset(row, 0, sizeof *row);
    if (!priv->is_private)
        return bc_fail(err, BC_USAGE, "a jwks row needs a private key, this one is public only");
    char *private_text = bc_jwk_to_text(priv, true);
    char *public_text = bc_jwk_to_text(priv, false);
    if (!private_text || !public_text) {
        free(private_text);
        free(public_text);
        return bc_fail(err, BC_ERR, "OpenSSL could not export the %s key",
                       key_types[priv->type].name);
    }
    char *hex = NULL;
    bc_status st =
        bc_secrets_encrypt(secrets, private_text, strlen(private_text), NULL, &hex, err);
    OPENSSL_clear_free(private_text, strlen(private_text));
    if (st != BC_OK) {
        free(public_text);
        return st;
    }
    char fresh[BC_ID_LEN + 1];
    if (!id) {
        bc_random_id(fresh);
        id = fresh;
    }
    row->id = bc_xstrdup(id);
    row->alg = bc_xstrdup(alg);
    row->public_key = public_text;
    row->private_key = bc_xasprintf("\"%s\"", hex);
    free(hex);
    row->created_at = created_at_ms;
    row->expires_at = BC_JWKS_NO_TIME;
    return BC_OK;
}

bc_status bc_jwks_rows_public_set(const bc_jwks_rows *rows, const char *default_alg,
                                  bc_jwk_set **out, bc_error *err)
{
    bc_jwk_set *set = bc_xcalloc(1, sizeof *set);
    set->keys = bc_xcalloc(rows->n + 1, sizeof *set->keys);
    for (size_t i = 0; i < rows->n; i++) {
        if (bc_jwks_row_public_jwk(&rows->rows[i], &set->keys[i], err) != BC_OK) {
            bc_jwk_set_free(set);
            return BC_ERR;
        }
        set->n++;
        if (!set->keys[i]->alg && default_alg)
            set->keys[i]->alg = bc_xstrdup(default_alg);
    }
    *out = set;
    return BC_OK;
}
