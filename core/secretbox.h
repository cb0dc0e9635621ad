/* secretbox.h - Better Auth's symmetricEncrypt / symmetricDecrypt, byte for byte.
 *
 * XChaCha20-Poly1305 without AAD, key = SHA-256 of the secret string's UTF-8 bytes, output the
 * lowercase hex of nonce[24] || ciphertext || tag[16]. OpenSSL 3.0 has no XChaCha20, so it is
 * built from HChaCha20 (here) and OpenSSL's IETF ChaCha20-Poly1305.
 */
#ifndef BC_SECRETBOX_H
#define BC_SECRETBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define BC_SECRETBOX_KEY_LEN 32
#define BC_SECRETBOX_NONCE_LEN 24
#define BC_SECRETBOX_TAG_LEN 16

/* HChaCha20 (draft-irtf-cfrg-xchacha section 2.2): a 32-byte subkey from a key and 16 bytes of
 * nonce. */
void bc_hchacha20(const unsigned char key[32], const unsigned char nonce[16],
                  unsigned char out[32]);

/* The cipher key Better Auth derives from a secret: SHA-256 of its bytes, taken as given. */
void bc_secretbox_key(const char *secret, unsigned char key[BC_SECRETBOX_KEY_LEN]);

/* XChaCha20-Poly1305 with a raw key. seal writes plain_len + 16 bytes (ciphertext || tag) to out;
 * open reads ct_len >= 16 bytes and writes ct_len - 16 bytes of plaintext, failing with
 * "authentication tag mismatch" when the key or the data is wrong. */
bc_status bc_xchacha20poly1305_seal(const unsigned char key[32], const unsigned char nonce[24],
                                    const unsigned char *plain, size_t plain_len,
                                    unsigned char *out, bc_error *err);
bc_status bc_xchacha20poly1305_open(const unsigned char key[32], const unsigned char nonce[24],
                                    const unsigned char *ct, size_t ct_len, unsigned char *out,
                                    bc_error *err);

/* symmetricEncrypt: *hex (the caller frees) gets hex(nonce || ciphertext || tag). nonce NULL
 * draws 24 random bytes; tests pass a fixed one to reproduce a known output. */
bc_status bc_secretbox_encrypt(const char *secret, const void *plain, size_t plain_len,
                               const unsigned char *nonce, char **hex, bc_error *err);

/* symmetricDecrypt of hex[0..hex_len): *plain (the caller frees) gets the plaintext plus a NUL,
 * *plain_len (may be NULL) its length. A wrong secret fails with BC_ERR and a message that says
 * the secret is probably wrong; malformed text (odd length, not hex, too short, a 1.5+
 * "$ba$<version>$" envelope) fails naming what is wrong. */
bc_status bc_secretbox_decrypt(const char *secret, const char *hex, size_t hex_len, char **plain,
                               size_t *plain_len, bc_error *err);

/* ---- the app's secrets, as Better Auth 1.5+ reads them --------------------------------------
 *
 * BETTER_AUTH_SECRETS="2:<current>,1:<older>" (versioned secrets, the first is current) beside
 * the legacy BETTER_AUTH_SECRET. With versions, new values are written as "$ba$<current>$<hex>"
 * and a "$ba$<v>$" value is read with version v's secret, bare hex with the legacy secret;
 * without versions (every line up to 1.4.9, and 1.5+ when the variable is unset) the legacy
 * secret does everything. Cookies are signed with the current secret. The ring owns its strings
 * (bc_secrets_release wipes them). */
typedef struct {
    unsigned version;
    char *value;
} bc_secret_version;

typedef struct {
    char *legacy;                /* BETTER_AUTH_SECRET, or NULL */
    bc_secret_version *versions; /* BETTER_AUTH_SECRETS in its order; [0] is current */
    size_t n;
} bc_secrets;

/* Parse as Better Auth does: comma-separated "version:secret" entries, each trimmed, the
 * version a non-negative integer, no duplicate version, no empty secret. versions_text and
 * legacy may be NULL or empty (unset). Errors name the entry: "BETTER_AUTH_SECRETS entry 2 has
 * no ':' (expected version:secret)". Fills *out (release it even on failure). */
bc_status bc_secrets_parse(const char *versions_text, const char *legacy, bc_secrets *out,
                           bc_error *err);
/* The app's secrets as the operator gives them to bcadmin: secret_file (its first line, the
 * legacy secret; an empty or unreadable file fails naming it) when not NULL, else the
 * environment as the app reads it (BETTER_AUTH_SECRETS, and BETTER_AUTH_SECRET or AUTH_SECRET).
 * *from (static text) says where: "--secret-file", "BETTER_AUTH_SECRETS", "BETTER_AUTH_SECRET"...;
 * NULL with an empty ring when nothing is set. A malformed BETTER_AUTH_SECRETS fails (BC_USAGE). */
bc_status bc_secrets_load(const char *secret_file, bc_secrets *out, const char **from,
                          bc_error *err);
/* A borrowed ring of one legacy secret s (a const char *), for a caller that holds a plain
 * secret: it lives as long as the enclosing block and must not be released. */
#define BC_SECRETS_LEGACY(s) (&(bc_secrets){.legacy = (char *)(s)})
/* A ring of one legacy secret (a typed or --secret-file secret), owned. */
void bc_secrets_legacy(const char *secret, bc_secrets *out);
void bc_secrets_release(bc_secrets *s);
/* Whether any secret is known. */
bool bc_secrets_any(const bc_secrets *s);
/* The secret new signatures use: the first versioned one, else the legacy one, else NULL. */
const char *bc_secrets_current(const bc_secrets *s);
/* Where the current secret comes from, for messages: "version 2" (of BETTER_AUTH_SECRETS) or
 * "BETTER_AUTH_SECRET", written into buf.  */
const char *bc_secrets_current_name(const bc_secrets *s, char *buf, size_t size);

/* The variable the current secret comes from: "BETTER_AUTH_SECRETS" or "BETTER_AUTH_SECRET". */
const char *bc_secrets_env_name(const bc_secrets *s);

/* symmetricEncrypt with the ring: "$ba$<current>$<hex>" when versions exist, else bare hex with
 * the legacy secret. The caller frees *out. */
bc_status bc_secrets_encrypt(const bc_secrets *s, const void *plain, size_t plain_len,
                             const unsigned char *nonce, char **out, bc_error *err);
/* symmetricDecrypt with the ring: the envelope's version picks the secret (an unknown version
 * fails naming it), bare hex uses the legacy secret. Same outputs as bc_secretbox_decrypt. */
bc_status bc_secrets_decrypt(const bc_secrets *s, const char *text, size_t len, char **plain,
                             size_t *plain_len, bc_error *err);

#endif
