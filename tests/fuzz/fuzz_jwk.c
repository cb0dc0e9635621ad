/* fuzz_jwk.c - JSON Web Keys and jwks rows (core/jwk.c) on any text: a single JWK (public and
 * private), a public key set {"keys":[...]}, and the Convex JWKS variable, whose rows must
 * format and parse back to the same text. */
#include <string.h>

#include "fuzz.h"
#include "jwk.h"

static void one_key(const char *text, size_t len, bool want_private)
{
    bc_jwk *key = NULL;
    bc_error err = {0};
    if (bc_jwk_parse(text, len, want_private, &key, &err) == BC_OK) {
        /* What was read exports, and the export reads back as the same key. */
        char *out = bc_jwk_to_text(key, want_private);
        bc_jwk *back = NULL;
        FUZZ_CHECK(bc_jwk_parse(out, strlen(out), want_private, &back, &err) == BC_OK);
        FUZZ_CHECK(bc_jwk_match(key, back, &err) == BC_OK);
        (void)bc_jwk_bits(key);
        bc_jwk_free(back);
        free(out);
    }
    bc_jwk_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    bc_error err = {0};
    one_key(text, size, false);
    one_key(text, size, true);

    bc_jwk_set *set = NULL;
    if (bc_jwk_set_parse(text, size, &set, &err) == BC_OK)
        bc_jwk_set_free(set);

    bc_jwks_rows rows = {0};
    if (bc_jwks_env_parse(text, size, &rows, &err) == BC_OK) {
        char *once = bc_jwks_env_format(&rows);
        bc_jwks_rows back = {0};
        FUZZ_CHECK(bc_jwks_env_parse(once, strlen(once), &back, &err) == BC_OK);
        char *twice = bc_jwks_env_format(&back);
        FUZZ_CHECK(strcmp(once, twice) == 0);
        free(once);
        free(twice);
        bc_jwks_rows_release(&back);
    }
    bc_jwks_rows_release(&rows);
    return 0;
}
