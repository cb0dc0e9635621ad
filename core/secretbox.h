/* secretbox.h - Better Auth's symmetricEncrypt / symmetricDecrypt, byte for byte.
 *
 * XChaCha20-Poly1305 without AAD, key = SHA-256 of the secret string's UTF-8 bytes, output the
 * lowercase hex of nonce[24] || ciphertext || tag[16]. OpenSSL 3.0 has no XChaCha20, so it is
 * built from HChaCha20 (here) and OpenSSL's IETF ChaCha20-Poly1305.
 */
#ifndef BC_SECRETBOX_H
#define BC_SECRETBOX_H

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

#endif
