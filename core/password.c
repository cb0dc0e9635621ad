/* password.c - Better Auth 1.4.9's scrypt password hashes (see password.h). */
#include "password.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistr.h>
#include <uninorm.h>

#include "encoding.h"

#define SCRYPT_N 16384
#define SCRYPT_R 16
#define SCRYPT_P 1
#define KEY_LEN 64
#define SALT_BYTES 16
#define SALT_HEX_LEN (2 * SALT_BYTES)
#define KEY_HEX_LEN (2 * KEY_LEN)

/* scrypt needs 128 * N * r * p bytes (32 MiB here) plus a little; OpenSSL's default cap is
 * 32 MiB exactly, so the call fails unless the cap is raised. */
#define SCRYPT_MAXMEM (64u * 1024 * 1024)

static bool is_hex_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

/* scrypt over NFKC(password) with the salt TEXT as the salt bytes, as Better Auth does. */
static bc_status derive_key(const char *password, const char *salt, size_t salt_len,
                            unsigned char key[KEY_LEN], bc_error *err)
{
    size_t len = strlen(password);
    if (u8_check((const uint8_t *)password, len) != NULL)
        return bc_fail(err, BC_USAGE, "password is not valid UTF-8");
    size_t norm_len = 0;
    uint8_t *norm = u8_normalize(UNINORM_NFKC, (const uint8_t *)password, len, NULL, &norm_len);
    if (norm == NULL)
        return bc_fail(err, BC_ERR, "password: NFKC normalisation failed");
    /* EVP_PBE_scrypt treats a NULL pass as "parameter check only", so give it a real pointer
     * even for the empty password. */
    static const char empty[1] = "";
    const char *pass = norm_len ? (const char *)norm : empty;
    int ok = EVP_PBE_scrypt(pass, norm_len, (const unsigned char *)salt, salt_len, SCRYPT_N,
                            SCRYPT_R, SCRYPT_P, SCRYPT_MAXMEM, key, KEY_LEN);
    OPENSSL_cleanse(norm, norm_len);
    free(norm);
    if (ok != 1)
        return bc_fail(err, BC_ERR, "password: scrypt failed (out of memory?)");
    return BC_OK;
}

bc_status bc_password_hash_with_salt(const char *password, const char *salt_hex,
                                     char out[BC_PASSWORD_HASH_LEN + 1], bc_error *err)
{
    if (salt_hex == NULL || strlen(salt_hex) != SALT_HEX_LEN ||
        !is_hex_text(salt_hex, SALT_HEX_LEN))
        return bc_fail(err, BC_USAGE, "password salt must be %d hex characters", SALT_HEX_LEN);
    unsigned char key[KEY_LEN];
    bc_status st = derive_key(password, salt_hex, SALT_HEX_LEN, key, err);
    if (st != BC_OK)
        return st;
    char *hex = bc_hex_encode(key, KEY_LEN);
    OPENSSL_cleanse(key, sizeof key);
    memcpy(out, salt_hex, SALT_HEX_LEN);
    out[SALT_HEX_LEN] = ':';
    memcpy(out + SALT_HEX_LEN + 1, hex, KEY_HEX_LEN);
    out[BC_PASSWORD_HASH_LEN] = '\0';
    free(hex);
    return BC_OK;
}

bc_status bc_password_hash(const char *password, char out[BC_PASSWORD_HASH_LEN + 1], bc_error *err)
{
    unsigned char salt[SALT_BYTES];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return bc_fail(err, BC_ERR, "password: no random bytes for the salt");
    char *salt_hex = bc_hex_encode(salt, sizeof salt);
    bc_status st = bc_password_hash_with_salt(password, salt_hex, out, err);
    free(salt_hex);
    return st;
}

bool bc_password_verify(const char *password, const char *stored)
{
    if (password == NULL || stored == NULL || strlen(stored) != BC_PASSWORD_HASH_LEN ||
        stored[SALT_HEX_LEN] != ':' || !is_hex_text(stored, SALT_HEX_LEN))
        return false;
    const char *key_hex = stored + SALT_HEX_LEN + 1;
    size_t want_len = 0;
    unsigned char *want = bc_hex_decode(key_hex, KEY_HEX_LEN, &want_len);
    if (want == NULL || want_len != KEY_LEN) {
        free(want);
        return false;
    }
    unsigned char key[KEY_LEN];
    bool ok = derive_key(password, stored, SALT_HEX_LEN, key, NULL) == BC_OK &&
              CRYPTO_memcmp(key, want, KEY_LEN) == 0;
    OPENSSL_cleanse(key, sizeof key);
    free(want);
    return ok;
}

bc_status bc_password_check_length(const char *password, bc_error *err)
{
    size_t len = strlen(password);
    if (u8_check((const uint8_t *)password, len) != NULL)
        return bc_fail(err, BC_USAGE, "password is not valid UTF-8");
    /* JavaScript's .length on the raw (not normalised) string: UTF-16 code units, so a
     * character outside the BMP (4 UTF-8 bytes) counts 2 and continuation bytes count 0. */
    size_t units = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)password[i];
        if ((c & 0xC0) == 0x80)
            continue;
        units += c >= 0xF0 ? 2 : 1;
    }
    if (units < BC_PASSWORD_MIN)
        return bc_fail(err, BC_USAGE,
                       "password too short: %zu characters, Better Auth requires at least %d",
                       units, BC_PASSWORD_MIN);
    if (units > BC_PASSWORD_MAX)
        return bc_fail(err, BC_USAGE,
                       "password too long: %zu characters, Better Auth allows at most %d", units,
                       BC_PASSWORD_MAX);
    return BC_OK;
}
