/* password.h - Better Auth's password hashing: scrypt (N=16384, r=16, p=1, 64-byte key) over the
 * NFKC-normalised password, salted with 16 random bytes used as their 32-char hex TEXT, stored
 * as "<salt hex>:<key hex>".
 */
#ifndef BC_PASSWORD_H
#define BC_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define BC_PASSWORD_HASH_LEN (32 + 1 + 128)
#define BC_PASSWORD_MIN 8
#define BC_PASSWORD_MAX 128

/* Hash password (UTF-8) into out (NUL-terminated). Fails with BC_USAGE on invalid UTF-8. */
bc_status bc_password_hash(const char *password, char out[BC_PASSWORD_HASH_LEN + 1],
                           bc_error *err);
/* Hash with a given salt text (32 hex chars): for tests and vectors. */
bc_status bc_password_hash_with_salt(const char *password, const char *salt_hex,
                                     char out[BC_PASSWORD_HASH_LEN + 1], bc_error *err);
/* Constant-time check of password against a stored hash; false for a malformed hash too. */
bool bc_password_verify(const char *password, const char *stored);
/* Better Auth's length rule (8..128 characters, counted as JavaScript counts: UTF-16 units). */
bc_status bc_password_check_length(const char *password, bc_error *err);

#endif
