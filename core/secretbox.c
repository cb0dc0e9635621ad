/* secretbox.c - XChaCha20-Poly1305 as Better Auth's symmetricEncrypt uses it (via @noble/ciphers'
 * managedNonce(xchacha20poly1305)): HChaCha20 turns the key and the first 16 nonce bytes into a
 * subkey, and the IETF ChaCha20-Poly1305 of OpenSSL runs with 4 zero bytes || nonce[16..24]. */
#include "secretbox.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "encoding.h"
#include "xalloc.h"

static uint32_t load32_le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store32_le(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t rotl32(uint32_t v, int n)
{
    return v << n | v >> (32 - n);
}

#define QUARTER_ROUND(a, b, c, d)                                                                  \
    do {                                                                                           \
        a += b;                                                                                    \
        d = rotl32(d ^ a, 16);                                                                     \
        c += d;                                                                                    \
        b = rotl32(b ^ c, 12);                                                                     \
        a += b;                                                                                    \
        d = rotl32(d ^ a, 8);                                                                      \
        c += d;                                                                                    \
        b = rotl32(b ^ c, 7);                                                                      \
    } while (0)

void bc_hchacha20(const unsigned char key[32], const unsigned char nonce[16], unsigned char out[32])
{
    /* "expand 32-byte k", then the key, then the 16 nonce bytes where ChaCha20 has counter and
     * nonce. Unlike the ChaCha20 block function, the input is not added back at the end. */
    uint32_t x[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++)
        x[4 + i] = load32_le(key + 4 * i);
    for (int i = 0; i < 4; i++)
        x[12 + i] = load32_le(nonce + 4 * i);
    for (int round = 0; round < 10; round++) {
        QUARTER_ROUND(x[0], x[4], x[8], x[12]);
        QUARTER_ROUND(x[1], x[5], x[9], x[13]);
        QUARTER_ROUND(x[2], x[6], x[10], x[14]);
        QUARTER_ROUND(x[3], x[7], x[11], x[15]);
        QUARTER_ROUND(x[0], x[5], x[10], x[15]);
        QUARTER_ROUND(x[1], x[6], x[11], x[12]);
        QUARTER_ROUND(x[2], x[7], x[8], x[13]);
        QUARTER_ROUND(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 4; i++) {
        store32_le(out + 4 * i, x[i]);
        store32_le(out + 16 + 4 * i, x[12 + i]);
    }
    OPENSSL_cleanse(x, sizeof x);
}

void bc_secretbox_key(const char *secret, unsigned char key[BC_SECRETBOX_KEY_LEN])
{
    SHA256((const unsigned char *)secret, strlen(secret), key);
}

/* One XChaCha20-Poly1305 pass: encrypt (tag written after the output) or decrypt (tag read from
 * tag and checked). in may be NULL when len is 0. */
static bc_status xchacha_run(bool encrypt, const unsigned char key[32],
                             const unsigned char nonce[24], const unsigned char *in, size_t len,
                             unsigned char *out, unsigned char tag[16], bc_error *err)
{
    if (len > INT_MAX - 64)
        return bc_fail(err, BC_ERR, "data too large to encrypt (%zu bytes)", len);
    unsigned char subkey[32], iv[12] = {0};
    bc_hchacha20(key, nonce, subkey);
    memcpy(iv + 4, nonce + 16, 8);

    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    bool ok = ctx && EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), NULL, NULL, NULL, encrypt) &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) &&
              EVP_CipherInit_ex(ctx, NULL, NULL, subkey, iv, encrypt);
    OPENSSL_cleanse(subkey, sizeof subkey);
    if (ok && !encrypt)
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag);
    if (ok && len > 0)
        ok = EVP_CipherUpdate(ctx, out, &n, in, (int)len);
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        return bc_fail(err, BC_ERR, "OpenSSL ChaCha20-Poly1305 failed to start");
    }
    if (EVP_CipherFinal_ex(ctx, out + n, &fin) <= 0) {
        EVP_CIPHER_CTX_free(ctx);
        if (encrypt)
            return bc_fail(err, BC_ERR, "OpenSSL ChaCha20-Poly1305 failed to finish");
        OPENSSL_cleanse(out, len);
        return bc_fail(err, BC_ERR, "authentication tag mismatch");
    }
    if (encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag)) {
        EVP_CIPHER_CTX_free(ctx);
        return bc_fail(err, BC_ERR, "OpenSSL ChaCha20-Poly1305 gave no tag");
    }
    EVP_CIPHER_CTX_free(ctx);
    return BC_OK;
}

bc_status bc_xchacha20poly1305_seal(const unsigned char key[32], const unsigned char nonce[24],
                                    const unsigned char *plain, size_t plain_len,
                                    unsigned char *out, bc_error *err)
{
    return xchacha_run(true, key, nonce, plain, plain_len, out, out + plain_len, err);
}

bc_status bc_xchacha20poly1305_open(const unsigned char key[32], const unsigned char nonce[24],
                                    const unsigned char *ct, size_t ct_len, unsigned char *out,
                                    bc_error *err)
{
    if (ct_len < BC_SECRETBOX_TAG_LEN)
        return bc_fail(err, BC_ERR, "ciphertext of %zu bytes is shorter than the 16-byte tag",
                       ct_len);
    unsigned char tag[16];
    memcpy(tag, ct + ct_len - 16, 16);
    return xchacha_run(false, key, nonce, ct, ct_len - 16, out, tag, err);
}

bc_status bc_secretbox_encrypt(const char *secret, const void *plain, size_t plain_len,
                               const unsigned char *nonce, char **hex, bc_error *err)
{
    size_t total = BC_SECRETBOX_NONCE_LEN + plain_len + BC_SECRETBOX_TAG_LEN;
    unsigned char *buf = bc_xmalloc(total);
    if (nonce)
        memcpy(buf, nonce, BC_SECRETBOX_NONCE_LEN);
    else if (RAND_bytes(buf, BC_SECRETBOX_NONCE_LEN) != 1) {
        free(buf);
        return bc_fail(err, BC_ERR, "OpenSSL could not draw random bytes for the nonce");
    }
    unsigned char key[BC_SECRETBOX_KEY_LEN];
    bc_secretbox_key(secret, key);
    bc_status st =
        bc_xchacha20poly1305_seal(key, buf, plain, plain_len, buf + BC_SECRETBOX_NONCE_LEN, err);
    OPENSSL_cleanse(key, sizeof key);
    if (st == BC_OK)
        *hex = bc_hex_encode(buf, total);
    free(buf);
    return st;
}

static bc_status check_hex(const char *hex, size_t len, bc_error *err)
{
    if (len >= 4 && memcmp(hex, "$ba$", 4) == 0)
        return bc_fail(err, BC_ERR,
                       "encrypted with a versioned secret (\"$ba$<version>$...\", Better Auth "
                       "1.5 or newer), which bcadmin does not read");
    for (size_t i = 0; i < len; i++) {
        char c = hex[i];
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!ok)
            return bc_fail(err, BC_ERR, "not hex: character %zu is %s'%c'", i + 1,
                           (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f ? "byte " : "",
                           (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f ? '?' : c);
    }
    if (len % 2)
        return bc_fail(err, BC_ERR, "hex text has an odd length (%zu characters)", len);
    size_t min = 2 * (BC_SECRETBOX_NONCE_LEN + BC_SECRETBOX_TAG_LEN);
    if (len < min)
        return bc_fail(err, BC_ERR,
                       "too short: %zu bytes, at least 40 expected (24-byte nonce + 16-byte tag)",
                       len / 2);
    return BC_OK;
}

bc_status bc_secretbox_decrypt(const char *secret, const char *hex, size_t hex_len, char **plain,
                               size_t *plain_len, bc_error *err)
{
    if (check_hex(hex, hex_len, err) != BC_OK)
        return BC_ERR;
    size_t n = 0;
    unsigned char *bytes = bc_hex_decode(hex, hex_len, &n);
    if (!bytes)
        return bc_fail(err, BC_ERR, "not hex");
    size_t out_len = n - BC_SECRETBOX_NONCE_LEN - BC_SECRETBOX_TAG_LEN;
    char *out = bc_xmalloc(out_len + 1);
    unsigned char key[BC_SECRETBOX_KEY_LEN];
    bc_secretbox_key(secret, key);
    bc_status st = bc_xchacha20poly1305_open(key, bytes, bytes + BC_SECRETBOX_NONCE_LEN,
                                             n - BC_SECRETBOX_NONCE_LEN, (unsigned char *)out, err);
    OPENSSL_cleanse(key, sizeof key);
    free(bytes);
    if (st != BC_OK) {
        free(out);
        return bc_fail(err, BC_ERR,
                       "does not decrypt with this secret (authentication tag mismatch: wrong "
                       "secret, or the data was altered)");
    }
    out[out_len] = '\0';
    *plain = out;
    if (plain_len)
        *plain_len = out_len;
    return BC_OK;
}

/* ---- the app's secrets --------------------------------------------------------------------- */

static const char envelope_prefix[] = "$ba$";

static char *trimmed_copy(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                   s[len - 1] == '\r'))
        len--;
    return bc_xstrndup(s, len);
}

/* parseInt(text, 10) as the library reads a version: leading digits, the rest ignored. */
static bool parse_version(const char *text, unsigned *out)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    unsigned long v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 1000000000UL)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

static bc_status add_entry(bc_secrets *out, const char *entry, size_t len, size_t index,
                           bc_error *err)
{
    char *e = trimmed_copy(entry, len);
    size_t e_size = strlen(e) + 1; /* the copy is trimmed: shorter than len, and cut at ':' below */
    char *colon = strchr(e, ':');
    bc_status st = BC_OK;
    unsigned version = 0;
    if (!colon) {
        st = bc_fail(err, BC_USAGE,
                     "BETTER_AUTH_SECRETS entry %zu has no ':' (expected version:secret)", index);
    } else {
        *colon = '\0';
        char *value = trimmed_copy(colon + 1, strlen(colon + 1));
        if (!parse_version(e, &version))
            st = bc_fail(err, BC_USAGE,
                         "BETTER_AUTH_SECRETS entry %zu: the version '%s' is not a non-negative "
                         "integer",
                         index, e);
        else if (!*value)
            st = bc_fail(err, BC_USAGE, "BETTER_AUTH_SECRETS entry %zu: version %u has no secret",
                         index, version);
        for (size_t i = 0; st == BC_OK && i < out->n; i++)
            if (out->versions[i].version == version)
                st = bc_fail(err, BC_USAGE,
                             "BETTER_AUTH_SECRETS entry %zu: version %u appears twice", index,
                             version);
        if (st == BC_OK) {
            out->versions = bc_xrealloc(out->versions, (out->n + 1) * sizeof *out->versions);
            out->versions[out->n++] = (bc_secret_version){version, value};
        } else {
            OPENSSL_clear_free(value, strlen(value));
        }
    }
    OPENSSL_clear_free(e, e_size);
    return st;
}

bc_status bc_secrets_parse(const char *versions_text, const char *legacy, bc_secrets *out,
                           bc_error *err)
{
    *out = (bc_secrets){0};
    if (legacy && *legacy)
        out->legacy = bc_xstrdup(legacy);
    if (!versions_text || !*versions_text)
        return BC_OK;
    const char *p = versions_text;
    for (size_t index = 1;; index++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (add_entry(out, p, len, index, err) != BC_OK)
            return BC_USAGE;
        if (!comma)
            break;
        p = comma + 1;
    }
    return BC_OK;
}

void bc_secrets_legacy(const char *secret, bc_secrets *out)
{
    *out = (bc_secrets){0};
    if (secret && *secret)
        out->legacy = bc_xstrdup(secret);
}

void bc_secrets_release(bc_secrets *s)
{
    if (s->legacy)
        OPENSSL_clear_free(s->legacy, strlen(s->legacy));
    for (size_t i = 0; i < s->n; i++)
        OPENSSL_clear_free(s->versions[i].value, strlen(s->versions[i].value));
    free(s->versions);
    *s = (bc_secrets){0};
}

bool bc_secrets_any(const bc_secrets *s)
{
    return s && (s->n > 0 || s->legacy);
}

const char *bc_secrets_current(const bc_secrets *s)
{
    if (!s)
        return NULL;
    return s->n ? s->versions[0].value : s->legacy;
}

const char *bc_secrets_current_name(const bc_secrets *s, char *buf, size_t size)
{
    if (s && s->n)
        snprintf(buf, size, "version %u", s->versions[0].version);
    else
        snprintf(buf, size, "BETTER_AUTH_SECRET");
    return buf;
}

const char *bc_secrets_env_name(const bc_secrets *s)
{
    return s && s->n ? "BETTER_AUTH_SECRETS" : "BETTER_AUTH_SECRET";
}

bc_status bc_secrets_encrypt(const bc_secrets *s, const void *plain, size_t plain_len,
                             const unsigned char *nonce, char **out, bc_error *err)
{
    const char *secret = bc_secrets_current(s);
    if (!secret)
        return bc_fail(err, BC_USAGE, "no secret to encrypt with");
    char *hex = NULL;
    if (bc_secretbox_encrypt(secret, plain, plain_len, nonce, &hex, err) != BC_OK)
        return BC_ERR;
    if (s->n) {
        *out = bc_xasprintf("%s%u$%s", envelope_prefix, s->versions[0].version, hex);
        free(hex);
    } else {
        *out = hex;
    }
    return BC_OK;
}

bc_status bc_secrets_decrypt(const bc_secrets *s, const char *text, size_t len, char **plain,
                             size_t *plain_len, bc_error *err)
{
    size_t plen = sizeof envelope_prefix - 1;
    const char *dollar = len > plen && memcmp(text, envelope_prefix, plen) == 0
                             ? memchr(text + plen, '$', len - plen)
                             : NULL;
    unsigned version = 0;
    if (dollar) {
        char *v = bc_xstrndup(text + plen, (size_t)(dollar - text - plen));
        bool ok = parse_version(v, &version);
        free(v);
        if (!ok)
            return bc_fail(err, BC_ERR, "the \"$ba$<version>$\" envelope has no valid version");
        const char *secret = NULL;
        for (size_t i = 0; s && i < s->n; i++)
            if (s->versions[i].version == version)
                secret = s->versions[i].value;
        if (!secret)
            return bc_fail(err, BC_ERR, "encrypted with secret version %u, but %s", version,
                           s && s->n ? "BETTER_AUTH_SECRETS does not hold it (retired?)"
                                     : "BETTER_AUTH_SECRETS is not set");
        size_t skip = (size_t)(dollar + 1 - text);
        return bc_secretbox_decrypt(secret, dollar + 1, len - skip, plain, plain_len, err);
    }
    if (!s || !s->legacy)
        return bc_fail(err, BC_ERR,
                       "a bare-hex value needs the legacy BETTER_AUTH_SECRET, which is not set");
    return bc_secretbox_decrypt(s->legacy, text, len, plain, plain_len, err);
}

static const char *env_or_null(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static bc_status read_first_line(const char *path, char **out, bc_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return bc_fail(err, errno == ENOENT ? BC_NOT_FOUND : BC_ERR, "--secret-file %s: %s", path,
                       strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    bool failed = ferror(f);
    fclose(f);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (failed || n <= 0) {
        if (line)
            OPENSSL_clear_free(line, cap);
        return bc_fail(err, BC_USAGE, "--secret-file %s: %s", path,
                       failed ? "reading failed" : "the file is empty");
    }
    *out = line;
    return BC_OK;
}

bc_status bc_secrets_load(const char *secret_file, bc_secrets *out, const char **from,
                          bc_error *err)
{
    *out = (bc_secrets){0};
    *from = NULL;
    if (secret_file) {
        char *line = NULL;
        bc_status st = read_first_line(secret_file, &line, err);
        if (st != BC_OK)
            return st;
        out->legacy = line;
        *from = "--secret-file";
        return BC_OK;
    }
    const char *legacy = env_or_null("BETTER_AUTH_SECRET");
    const char *legacy_name = "BETTER_AUTH_SECRET";
    if (!legacy) {
        legacy = env_or_null("AUTH_SECRET");
        legacy_name = "AUTH_SECRET";
    }
    const char *versions = env_or_null("BETTER_AUTH_SECRETS");
    bc_status st = bc_secrets_parse(versions, legacy, out, err);
    if (st == BC_OK && bc_secrets_any(out))
        *from = versions ? "BETTER_AUTH_SECRETS" : legacy_name;
    return st;
}
