/* session_cookie.h - Better Auth's signed session cookie value, as set in
 * `better-auth.session_token` and the `set-auth-token` header:
 * encodeURIComponent(token + "." + base64(HMAC-SHA256(key = secret, data = token))).
 */
#ifndef BC_SESSION_COOKIE_H
#define BC_SESSION_COOKIE_H

#include <stddef.h>

#include "status.h"

#define BC_SESSION_COOKIE_NAME "better-auth.session_token"
/* Over https Better Auth prefixes the name with this. */
#define BC_SESSION_COOKIE_SECURE_PREFIX "__Secure-"

/* The cookie value for a session token (the caller frees). */
char *bc_session_cookie_value(const char *secret, const char *token);

/* Check a cookie value (URL-encoded or already decoded) against secret and hand back the
 * session token in *token (the caller frees). Fails naming the problem: no ".", a signature that
 * is not 32 bytes of base64, or one made with another secret. */
bc_status bc_session_cookie_verify(const char *secret, const char *value, char **token,
                                   bc_error *err);

#endif
