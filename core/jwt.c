/* jwt.c - compact JWS signing and verification over OpenSSL's EVP_DigestSign/Verify. */
#include "jwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "encoding.h"
#include "isotime.h"
#include "xalloc.h"

void bc_jwt_free(bc_jwt *jwt)
{
    if (!jwt)
        return;
    json_decref(jwt->header);
    json_decref(jwt->payload);
    free(jwt->signing_input);
    free(jwt->signature);
    free(jwt);
}

static json_t *decode_part(const char *text, size_t len, const char *part, bc_error *err)
{
    size_t n = 0;
    unsigned char *bytes = len ? bc_base64_decode(text, len, &n) : NULL;
    if (!bytes) {
        bc_fail(err, BC_ERR, "JWT %s is not base64url", part);
        return NULL;
    }
    json_error_t jerr;
    json_t *obj = json_loadb((const char *)bytes, n, 0, &jerr);
    free(bytes);
    if (!obj) {
        bc_fail(err, BC_ERR, "JWT %s is not valid JSON at line %d column %d: %s", part, jerr.line,
                jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        bc_fail(err, BC_ERR, "JWT %s is not a JSON object", part);
        return NULL;
    }
    return obj;
}

bc_status bc_jwt_decode(const char *token, bc_jwt **out, bc_error *err)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.')) {
        size_t parts = 1;
        for (const char *p = token; *p; p++)
            parts += *p == '.';
        return bc_fail(err, BC_ERR, "JWT has %zu part%s, 3 expected", parts, parts == 1 ? "" : "s");
    }
    bc_jwt *jwt = bc_xcalloc(1, sizeof *jwt);
    jwt->header = decode_part(token, (size_t)(dot1 - token), "header", err);
    if (jwt->header)
        jwt->payload = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload", err);
    if (!jwt->payload) {
        bc_jwt_free(jwt);
        return BC_ERR;
    }
    jwt->alg = json_string_value(json_object_get(jwt->header, "alg"));
    jwt->kid = json_string_value(json_object_get(jwt->header, "kid"));
    if (!jwt->alg) {
        bc_jwt_free(jwt);
        return bc_fail(err, BC_ERR, "JWT header has no alg");
    }
    size_t sig_len = strlen(dot2 + 1);
    jwt->signature = sig_len ? bc_base64_decode(dot2 + 1, sig_len, &jwt->signature_len) : NULL;
    if (!jwt->signature) {
        bc_jwt_free(jwt);
        return bc_fail(err, BC_ERR, "JWT signature is %s", sig_len ? "not base64url" : "empty");
    }
    jwt->signing_input = bc_xstrndup(token, (size_t)(dot2 - token));
    *out = jwt;
    return BC_OK;
}

/* ---- algorithms ---- */

typedef struct {
    const char *name;
    const char *digest; /* NULL for EdDSA */
    bool pss;
} jws_alg;

static const jws_alg algs[] = {
    {"RS256", "SHA256", false}, {"PS256", "SHA256", true},  {"EdDSA", NULL, false},
    {"ES256", "SHA256", false}, {"ES384", "SHA384", false}, {"ES512", "SHA512", false},
};

static const jws_alg *find_alg(const char *name)
{
    for (size_t i = 0; name && i < sizeof algs / sizeof *algs; i++)
        if (strcmp(algs[i].name, name) == 0)
            return &algs[i];
    return NULL;
}

static size_t ec_coord_len(bc_jwk_type type)
{
    return type == BC_JWK_P256 ? 32 : type == BC_JWK_P384 ? 48 : 66;
}

static bool is_ec(bc_jwk_type type)
{
    return type == BC_JWK_P256 || type == BC_JWK_P384 || type == BC_JWK_P521;
}

static bc_status check_alg_for_key(const char *alg, const bc_jwk *key, bc_error *err)
{
    if (!find_alg(alg))
        return bc_fail(err, BC_ERR, "JWT algorithm \"%s\" is not supported", alg ? alg : "");
    if (!bc_jwk_alg_fits(key->type, alg))
        return bc_fail(err, BC_ERR, "JWT algorithm %s cannot be used with the %s key%s%s", alg,
                       bc_jwk_type_name(key->type), key->kid ? " " : "", key->kid ? key->kid : "");
    return BC_OK;
}

static EVP_MD_CTX *digest_ctx(const jws_alg *alg, const bc_jwk *key, bool sign)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = sign ? EVP_DigestSignInit_ex(md, &pctx, alg->digest, NULL, NULL, key->pkey, NULL)
                  : EVP_DigestVerifyInit_ex(md, &pctx, alg->digest, NULL, NULL, key->pkey, NULL);
    if (ok == 1 && alg->pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    if (ok != 1) {
        EVP_MD_CTX_free(md);
        return NULL;
    }
    return md;
}

/* JWS carries ECDSA signatures as fixed-width r || s; OpenSSL speaks DER. */
static unsigned char *ecdsa_der_to_raw(const unsigned char *der, size_t der_len, size_t coord,
                                       size_t *raw_len)
{
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)der_len);
    if (!sig)
        return NULL;
    unsigned char *raw = bc_xmalloc(2 * coord);
    bool ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, (int)coord) == (int)coord &&
              BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + coord, (int)coord) == (int)coord;
    ECDSA_SIG_free(sig);
    if (!ok) {
        free(raw);
        return NULL;
    }
    *raw_len = 2 * coord;
    return raw;
}

static unsigned char *ecdsa_raw_to_der(const unsigned char *raw, size_t coord, size_t *der_len)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)coord, NULL), *s = BN_bin2bn(raw + coord, (int)coord, NULL);
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return NULL;
    }
    unsigned char *der = NULL;
    int n = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (n <= 0)
        return NULL;
    unsigned char *out = bc_xmalloc((size_t)n);
    memcpy(out, der, (size_t)n);
    OPENSSL_free(der);
    *der_len = (size_t)n;
    return out;
}

bc_status bc_jwt_sign(const bc_jwk *key, const char *alg, const json_t *payload, char **token,
                      bc_error *err)
{
    if (!key->is_private)
        return bc_fail(err, BC_USAGE, "signing a JWT needs a private key");
    if (!alg)
        alg = key->alg && bc_jwk_alg_fits(key->type, key->alg) ? key->alg
                                                               : bc_jwk_type_default_alg(key->type);
    if (check_alg_for_key(alg, key, err) != BC_OK)
        return BC_ERR;
    if (!json_is_object(payload))
        return bc_fail(err, BC_USAGE, "JWT payload must be a JSON object");

    json_t *header = json_pack("{s:s}", "alg", alg);
    if (key->kid)
        json_object_set_new(header, "kid", json_string(key->kid));
    char *h = json_dumps(header, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *p = json_dumps(payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(header);
    char *h64 = bc_base64_encode((const unsigned char *)h, strlen(h), true);
    char *p64 = bc_base64_encode((const unsigned char *)p, strlen(p), true);
    free(h);
    free(p);
    bc_buf out = {0};
    bc_buf_printf(&out, "%s.%s", h64, p64);
    free(h64);
    free(p64);

    const jws_alg *a = find_alg(alg);
    EVP_MD_CTX *md = digest_ctx(a, key, true);
    size_t sig_len = 0;
    unsigned char *sig = NULL;
    bool ok = md && EVP_DigestSign(md, NULL, &sig_len, (const unsigned char *)out.data, out.len);
    if (ok) {
        sig = bc_xmalloc(sig_len);
        ok = EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)out.data, out.len) == 1;
    }
    EVP_MD_CTX_free(md);
    if (ok && is_ec(key->type)) {
        size_t raw_len = 0;
        unsigned char *raw = ecdsa_der_to_raw(sig, sig_len, ec_coord_len(key->type), &raw_len);
        free(sig);
        sig = raw;
        sig_len = raw_len;
        ok = raw != NULL;
    }
    if (!ok) {
        free(sig);
        bc_buf_release(&out);
        return bc_fail(err, BC_ERR, "OpenSSL could not sign with the %s key",
                       bc_jwk_type_name(key->type));
    }
    char *s64 = bc_base64_encode(sig, sig_len, true);
    free(sig);
    bc_buf_printf(&out, ".%s", s64);
    free(s64);
    *token = bc_buf_take(&out);
    return BC_OK;
}

bc_status bc_jwt_verify_key(const bc_jwt *jwt, const bc_jwk *key, bc_error *err)
{
    if (check_alg_for_key(jwt->alg, key, err) != BC_OK)
        return BC_ERR;
    if (key->alg && strcmp(key->alg, jwt->alg) != 0)
        return bc_fail(err, BC_ERR, "JWT is signed with %s but key %s is published for %s",
                       jwt->alg, key->kid ? key->kid : "(no kid)", key->alg);
    const unsigned char *sig = jwt->signature;
    size_t sig_len = jwt->signature_len;
    unsigned char *der = NULL;
    if (is_ec(key->type)) {
        size_t coord = ec_coord_len(key->type);
        if (sig_len != 2 * coord)
            return bc_fail(err, BC_ERR, "JWT %s signature is %zu bytes, %zu expected", jwt->alg,
                           sig_len, 2 * coord);
        der = ecdsa_raw_to_der(sig, coord, &sig_len);
        if (!der)
            return bc_fail(err, BC_ERR, "JWT %s signature is malformed", jwt->alg);
        sig = der;
    }
    EVP_MD_CTX *md = digest_ctx(find_alg(jwt->alg), key, false);
    int ok = md ? EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)jwt->signing_input,
                                   strlen(jwt->signing_input))
                : -1;
    EVP_MD_CTX_free(md);
    free(der);
    if (ok != 1)
        return bc_fail(err, BC_ERR, "JWT signature does not verify with key %s (%s)",
                       key->kid ? key->kid : "(no kid)", bc_jwk_type_name(key->type));
    return BC_OK;
}

/* A NumericDate for a message: ISO-8601 for years 0000-9999, else the number itself (a claim
 * may hold any number of seconds up to 9.2e18, whose milliseconds would not fit int64_t). */
#define CLAIM_TEXT_LEN 48
static void iso_seconds(int64_t s, char out[CLAIM_TEXT_LEN])
{
    if (s >= -62167219200LL && s <= 253402300799LL)
        bc_iso_format(s * 1000, out);
    else
        snprintf(out, CLAIM_TEXT_LEN, "%lld seconds after 1970", (long long)s);
}

/* A NumericDate claim: absent is fine, anything but a number is not. */
static bc_status numeric_claim(const json_t *payload, const char *name, bool *present, int64_t *v,
                               bc_error *err)
{
    const json_t *c = json_object_get(payload, name);
    *present = c != NULL;
    if (!c)
        return BC_OK;
    double d = json_is_number(c) ? json_number_value(c) : 0;
    if (!json_is_number(c) || !(d > -9.2e18 && d < 9.2e18)) /* NaN fails too */
        return bc_fail(err, BC_ERR, "JWT claim %s is not a number of seconds", name);
    *v = (int64_t)d;
    return BC_OK;
}

bc_status bc_jwt_check_claims(const bc_jwt *jwt, const bc_jwt_checks *checks, bc_error *err)
{
    bool has_exp, has_nbf, has_iat;
    int64_t exp = 0, nbf = 0, iat = 0, now = checks->now, leeway = checks->leeway;
    if (numeric_claim(jwt->payload, "exp", &has_exp, &exp, err) ||
        numeric_claim(jwt->payload, "nbf", &has_nbf, &nbf, err) ||
        numeric_claim(jwt->payload, "iat", &has_iat, &iat, err))
        return BC_ERR;
    char a[CLAIM_TEXT_LEN], b[CLAIM_TEXT_LEN];
    if (now) {
        iso_seconds(now, b);
        if (has_exp && now - leeway >= exp) {
            iso_seconds(exp, a);
            return bc_fail(err, BC_ERR, "JWT expired at %s (now %s)", a, b);
        }
        if (has_nbf && now + leeway < nbf) {
            iso_seconds(nbf, a);
            return bc_fail(err, BC_ERR, "JWT is not valid before %s (now %s)", a, b);
        }
        if (has_iat && now + leeway < iat) {
            iso_seconds(iat, a);
            return bc_fail(err, BC_ERR, "JWT was issued in the future, at %s (now %s)", a, b);
        }
        if (checks->max_age && (!has_iat || now - leeway - iat > checks->max_age))
            return bc_fail(err, BC_ERR, "JWT is older than %lld seconds (or has no iat)",
                           (long long)checks->max_age);
    }
    if (checks->issuer) {
        const char *iss = json_string_value(json_object_get(jwt->payload, "iss"));
        if (!iss || strcmp(iss, checks->issuer) != 0)
            return bc_fail(err, BC_ERR, "JWT issuer is \"%s\", \"%s\" expected", iss ? iss : "",
                           checks->issuer);
    }
    if (checks->audience) {
        const json_t *aud = json_object_get(jwt->payload, "aud");
        bool found = json_is_string(aud) && strcmp(json_string_value(aud), checks->audience) == 0;
        size_t i;
        const json_t *item;
        if (json_is_array(aud)) {
            json_array_foreach(aud, i, item)
            {
                if (json_is_string(item) && strcmp(json_string_value(item), checks->audience) == 0)
                    found = true;
            }
        }
        if (!found)
            return bc_fail(err, BC_ERR, "JWT audience does not include \"%s\"", checks->audience);
    }
    return BC_OK;
}

bc_status bc_jwt_verify(const char *token, const bc_jwk_set *set, const bc_jwt_checks *checks,
                        bc_jwt **out, bc_error *err)
{
    bc_jwt *jwt = NULL;
    if (bc_jwt_decode(token, &jwt, err) != BC_OK)
        return BC_ERR;
    const bc_jwk *key = NULL;
    if (jwt->kid) {
        key = bc_jwk_set_find(set, jwt->kid);
        if (!key) {
            bc_fail(err, BC_ERR, "JWT key id %s is not in the key set (%zu key%s)", jwt->kid,
                    set->n, set->n == 1 ? "" : "s");
            bc_jwt_free(jwt);
            return BC_ERR;
        }
    } else if (set->n == 1) {
        key = set->keys[0];
    } else {
        bc_fail(err, BC_ERR, "JWT header has no kid and the key set holds %zu keys", set->n);
        bc_jwt_free(jwt);
        return BC_ERR;
    }
    if (bc_jwt_verify_key(jwt, key, err) != BC_OK ||
        (checks && bc_jwt_check_claims(jwt, checks, err) != BC_OK)) {
        bc_jwt_free(jwt);
        return BC_ERR;
    }
    if (out)
        *out = jwt;
    else
        bc_jwt_free(jwt);
    return BC_OK;
}
