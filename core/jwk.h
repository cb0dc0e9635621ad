/* jwk.h - JSON Web Keys as Better Auth's jwt plugin stores and serves them: public and private
 * JWKs to and from OpenSSL keys (RSA, Ed25519, P-256/384/521), key generation exported exactly
 * as jose's exportJWK does, jwks rows (SQLite table, Convex documents, the Convex `JWKS`
 * environment value) with their privateKey encrypted by core/secretbox, and public key sets.
 */
#ifndef BC_JWK_H
#define BC_JWK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "secretbox.h"
#include "status.h"

typedef enum {
    BC_JWK_RSA,     /* kty RSA: RS256, PS256 */
    BC_JWK_ED25519, /* kty OKP, crv Ed25519: EdDSA (Better Auth's default) */
    BC_JWK_P256,    /* kty EC, crv P-256: ES256 */
    BC_JWK_P384,    /* kty EC, crv P-384: ES384 */
    BC_JWK_P521,    /* kty EC, crv P-521: ES512 */
} bc_jwk_type;

typedef struct {
    bc_jwk_type type;
    bool is_private; /* pkey holds the private half too */
    char *kid;       /* the "kid" member, or NULL */
    char *alg;       /* the "alg" member, or NULL */
    EVP_PKEY *pkey;  /* owned */
} bc_jwk;

/* ---- single keys ---- */

/* A JWK from a JSON object. want_private requires and loads the private members (RSA d p q dp dq
 * qi, OKP/EC d) and checks they agree with the public ones; otherwise only the public members
 * are read (a private JWK gives its public key). *out is freed with bc_jwk_free. Errors name the
 * member: "RSA JWK has no \"n\"", "EC JWK \"x\" is 31 bytes, P-256 needs 32". */
bc_status bc_jwk_from_json(const json_t *obj, bool want_private, bc_jwk **out, bc_error *err);
/* The same from JSON text; "JWK is not valid JSON at line 1 column 7: ..." when it is not. */
bc_status bc_jwk_parse(const char *text, size_t len, bool want_private, bc_jwk **out,
                       bc_error *err);
void bc_jwk_free(bc_jwk *key);

/* A new private key: RSA 2048 with e=65537, Ed25519, or an EC curve. */
bc_status bc_jwk_generate(bc_jwk_type type, bc_jwk **out, bc_error *err);

/* The JWK as jose's exportJWK writes it (members kty,n,e[,d,p,q,dp,dq,qi] / crv,[d,]x,kty /
 * kty,x,y,crv[,d]; base64url without padding, no kid or alg). with_private on a public key gives
 * the public JWK. json_t: the caller decrefs; text: compact JSON, the caller frees. */
json_t *bc_jwk_to_json(const bc_jwk *key, bool with_private);
char *bc_jwk_to_text(const bc_jwk *key, bool with_private);

/* BC_OK when both keys have the same public half (a private key and its public JWK); otherwise
 * BC_ERR saying what differs. */
bc_status bc_jwk_match(const bc_jwk *a, const bc_jwk *b, bc_error *err);

/* ---- facts for the doctor ---- */

/* "RSA", "Ed25519", "P-256", "P-384", "P-521". */
const char *bc_jwk_type_name(bc_jwk_type type);
/* The algorithm Better Auth signs with for this key type: RS256, EdDSA, ES256, ES384, ES512. */
const char *bc_jwk_type_default_alg(bc_jwk_type type);
/* Key size in bits (RSA modulus, curve order size; 256 for Ed25519). */
int bc_jwk_bits(const bc_jwk *key);
/* Whether a JWS alg (RS256, PS256, EdDSA, ES256, ES384, ES512) can sign with this key type. */
bool bc_jwk_alg_fits(bc_jwk_type type, const char *alg);
/* The key type Better Auth generates for a configured alg; BC_USAGE for an unknown alg. */
bc_status bc_jwk_type_for_alg(const char *alg, bc_jwk_type *type, bc_error *err);

/* ---- public key sets ({"keys":[...]}, as GET /api/auth/jwks serves) ---- */

typedef struct {
    bc_jwk **keys;
    size_t n;
} bc_jwk_set;

/* Parse {"keys":[...]} (text) into public keys; a key that fails names its index and kid. *out is
 * freed with bc_jwk_set_free. */
bc_status bc_jwk_set_parse(const char *text, size_t len, bc_jwk_set **out, bc_error *err);
/* The key with this kid, or NULL. The set keeps ownership. */
const bc_jwk *bc_jwk_set_find(const bc_jwk_set *set, const char *kid);
void bc_jwk_set_free(bc_jwk_set *set);

/* ---- jwks rows ---- */

#define BC_JWKS_NO_TIME INT64_MIN

/* One row of Better Auth's jwks table, or one element of Convex's JWKS variable. Strings are
 * owned by the row; bc_jwks_row_release frees them. */
typedef struct {
    char *id;           /* row id, which is the JWT kid */
    char *alg;          /* "alg" (Convex JWKS elements, 1.7.x column), or NULL */
    char *crv;          /* "crv" (1.7.x column), or NULL */
    char *public_key;   /* publicKey: the public JWK as JSON text */
    char *private_key;  /* privateKey as stored: a JSON-quoted hex string when encrypted, the JWK's
                           JSON text when the app disabled private key encryption */
    int64_t created_at; /* epoch ms, or BC_JWKS_NO_TIME */
    int64_t expires_at; /* epoch ms, or BC_JWKS_NO_TIME */
} bc_jwks_row;

typedef struct {
    bc_jwks_row *rows;
    size_t n;
} bc_jwks_rows;

void bc_jwks_row_release(bc_jwks_row *row);
void bc_jwks_rows_release(bc_jwks_rows *rows);

/* A row from a JSON object: a Convex JWKS element or document (dates as epoch ms, `_id` when
 * there is no `id`) or a SQLite row turned into JSON (dates as ISO-8601 text). Fills *row (zero
 * it first; release it even on failure). */
bc_status bc_jwks_row_from_json(const json_t *obj, bc_jwks_row *row, bc_error *err);

/* Parse the Convex `JWKS` environment value: a JSON array of rows, as
 * `npx convex run auth:getLatestJwks | npx convex env set JWKS` stores it. Errors start with
 * "JWKS": "JWKS is not valid JSON at line 1 column 7: ...", "JWKS element 2 has no publicKey". */
bc_status bc_jwks_env_parse(const char *text, size_t len, bc_jwks_rows *out, bc_error *err);
/* The JWKS value for these rows in the Convex CLI's form: JSON.stringify(rows, null, 2) of
 * {alg, createdAt, id, privateKey, publicKey} objects. The caller frees. */
char *bc_jwks_env_format(const bc_jwks_rows *rows);
/* One row as that JSON object (the caller decrefs). */
json_t *bc_jwks_row_to_json(const bc_jwks_row *row);

/* Whether privateKey is encrypted (a JSON string) rather than a plain JWK. */
bool bc_jwks_row_is_encrypted(const bc_jwks_row *row);
/* The row's public key; errors start with "publicKey of key <id>". */
bc_status bc_jwks_row_public_jwk(const bc_jwks_row *row, bc_jwk **out, bc_error *err);
/* The row's private key, decrypted with the app's secrets (a "$ba$<v>$" value with version v of
 * BETTER_AUTH_SECRETS, bare hex with BETTER_AUTH_SECRET); errors start with "privateKey of key
 * <id>", e.g. "... does not decrypt with this secret (wrong BETTER_AUTH_SECRET?)". The key's
 * kid is the row id. */
bc_status bc_jwks_row_private_jwk(const bc_jwks_row *row, const bc_secrets *secrets, bc_jwk **out,
                                  bc_error *err);
/* Both halves, checked against each other; either out pointer may be NULL when not wanted. */
bc_status bc_jwks_row_open(const bc_jwks_row *row, const bc_secrets *secrets, bc_jwk **pub,
                           bc_jwk **priv, bc_error *err);
/* The secret version a row's private key is encrypted with: -1 for bare hex (the legacy
 * secret) or a plain JWK, else the "$ba$<v>$" version. */
long bc_jwks_row_secret_version(const bc_jwks_row *row);

/* A new row for a private key, as the jwt plugin's createJwk writes it: publicKey = public JWK
 * JSON, privateKey = JSON-quoted symmetricEncrypt(current secret, private JWK JSON) - in the
 * "$ba$<current>$" envelope when the secrets are versioned. id NULL draws a new 32-character id;
 * alg may be NULL (stored in row->alg for the Convex JWKS form and the 1.7 alg column). */
bc_status bc_jwks_row_new(const bc_jwk *priv, const bc_secrets *secrets, const char *id,
                          const char *alg, int64_t created_at_ms, bc_jwks_row *row, bc_error *err);

/* The public key set a server publishes for these rows (kid = id, alg = row alg, else
 * default_alg, which may be NULL). */
bc_status bc_jwks_rows_public_set(const bc_jwks_rows *rows, const char *default_alg,
                                  bc_jwk_set **out, bc_error *err);

#endif
