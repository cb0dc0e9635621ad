/* jwt.h - compact JWS tokens as Better Auth's jwt plugin (jose) makes them: sign with a private
 * JWK, decode, verify against one key or a key set by kid, and check exp/nbf/iat/iss/aud.
 * Algorithms: RS256, PS256, EdDSA (Ed25519), ES256/ES384/ES512 (raw r||s signatures).
 */
#ifndef BC_JWT_H
#define BC_JWT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jwk.h"
#include "status.h"

/* A decoded token. Everything is owned by the struct; bc_jwt_free releases it. */
typedef struct {
    json_t *header;      /* the protected header object */
    json_t *payload;     /* the claims object */
    const char *alg;     /* header "alg" (points into header) */
    const char *kid;     /* header "kid", or NULL (points into header) */
    char *signing_input; /* "<header b64>.<payload b64>" */
    unsigned char *signature;
    size_t signature_len;
} bc_jwt;

/* Split and decode a token without checking its signature. Errors say which part is broken:
 * "JWT has 2 parts, 3 expected", "JWT payload is not base64url", "JWT header has no alg". */
bc_status bc_jwt_decode(const char *token, bc_jwt **out, bc_error *err);
void bc_jwt_free(bc_jwt *jwt);

/* Sign payload with a private key: header {"alg","kid"} (kid = key->kid, left out when NULL).
 * alg NULL uses key->alg when it fits the key, else the key type's default (RS256, EdDSA,
 * ES256...). *token is the caller's to free. */
bc_status bc_jwt_sign(const bc_jwk *key, const char *alg, const json_t *payload, char **token,
                      bc_error *err);

/* Check the signature of a decoded token with one key; the token's alg must fit the key type and
 * the key's own "alg" when it has one. */
bc_status bc_jwt_verify_key(const bc_jwt *jwt, const bc_jwk *key, bc_error *err);

typedef struct {
    int64_t now;          /* seconds since the epoch; 0 skips exp, nbf, iat and max_age */
    int64_t leeway;       /* clock skew tolerated, seconds */
    int64_t max_age;      /* seconds since iat after which the token is refused; 0 = no limit */
    const char *issuer;   /* iss must equal this, or NULL */
    const char *audience; /* aud (string or array) must hold this, or NULL */
} bc_jwt_checks;

/* The claim checks alone, on a decoded token. */
bc_status bc_jwt_check_claims(const bc_jwt *jwt, const bc_jwt_checks *checks, bc_error *err);

/* Decode, find the key by the header's kid in set (a kid-less token needs a one-key set), check
 * the signature and, when checks is not NULL, the claims. On success *out (may be NULL) gets the
 * decoded token. Errors name the kid that is missing and the claim that failed. */
bc_status bc_jwt_verify(const char *token, const bc_jwk_set *set, const bc_jwt_checks *checks,
                        bc_jwt **out, bc_error *err);

#endif
