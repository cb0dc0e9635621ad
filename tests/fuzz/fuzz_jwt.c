/* fuzz_jwt.c - compact JWS tokens (core/jwt.c) on any text: decoding, the claim checks, and
 * verification against a set of one RSA, one Ed25519 and one P-256 key (made once at start). */
#include <string.h>

#include "fuzz.h"
#include "jwk.h"
#include "jwt.h"

static bc_jwk_set *keys;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const bc_jwk_type types[] = {BC_JWK_RSA, BC_JWK_ED25519, BC_JWK_P256};
    static const char *kids[] = {"rsa", "ed", "p256"};
    json_t *set = json_pack("{s:[]}", "keys");
    for (size_t i = 0; i < 3; i++) {
        bc_jwk *k = NULL;
        bc_error err = {0};
        FUZZ_CHECK(bc_jwk_generate(types[i], &k, &err) == BC_OK);
        json_t *pub = bc_jwk_to_json(k, false);
        json_object_set_new(pub, "kid", json_string(kids[i]));
        json_array_append_new(json_object_get(set, "keys"), pub);
        bc_jwk_free(k);
    }
    char *text = json_dumps(set, JSON_COMPACT);
    bc_error err = {0};
    FUZZ_CHECK(bc_jwk_set_parse(text, strlen(text), &keys, &err) == BC_OK);
    free(text);
    json_decref(set);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token = malloc(size + 1);
    memcpy(token, data, size);
    token[size] = '\0';
    bc_error err = {0};
    bc_jwt *jwt = NULL;
    if (bc_jwt_decode(token, &jwt, &err) == BC_OK) {
        bc_jwt_checks checks = {.now = 1764000000, .leeway = 30, .max_age = 3600,
                                .issuer = "https://x.test", .audience = "https://x.test"};
        bc_jwt_check_claims(jwt, &checks, &err);
        bc_jwt_free(jwt);
    }
    bc_jwt_checks checks = {.now = 1764000000};
    /* No token made here is signed by these keys: verification must never succeed. */
    FUZZ_CHECK(bc_jwt_verify(token, keys, &checks, NULL, &err) != BC_OK);
    free(token);
    return 0;
}
