/* Unit tests for secretbox: Better Auth's symmetricEncrypt/Decrypt, checked against what
 * better-auth 1.4.9 itself produced (tests/vectors) and the XChaCha draft's HChaCha20 vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto_vectors.h"
#include "encoding.h"
#include "secretbox.h"

static unsigned char *unhex(const char *hex, size_t *n)
{
    unsigned char *out = bc_hex_decode(hex, strlen(hex), n);
    assert_non_null(out);
    return out;
}

static void hchacha20_draft_vector(void **state)
{
    /* draft-irtf-cfrg-xchacha-03 section 2.2.1 */
    size_t kn, nn;
    unsigned char *key =
        unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &kn);
    unsigned char *nonce = unhex("000000090000004a0000000031415927", &nn);
    unsigned char out[32];
    bc_hchacha20(key, nonce, out);
    char *hex = bc_hex_encode(out, 32);
    assert_string_equal(hex, "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    free(hex);
    free(key);
    free(nonce);
}

static void key_is_sha256_of_secret(void **state)
{
    json_t *v = vectors_load();
    unsigned char key[32];
    bc_secretbox_key(vstr(v, "symmetric_encrypt.secret"), key);
    char *hex = bc_hex_encode(key, 32);
    assert_string_equal(hex, vstr(v, "symmetric_encrypt.key_sha256_hex"));
    free(hex);
    bc_secretbox_key(vstr(v, "symmetric_encrypt.other_secret.secret"), key);
    hex = bc_hex_encode(key, 32);
    assert_string_equal(hex, vstr(v, "symmetric_encrypt.other_secret.key_sha256_hex"));
    free(hex);
    json_decref(v);
}

static void decrypts_better_auth_output(void **state)
{
    json_t *v = vectors_load();
    json_t *cases = vget(v, "symmetric_encrypt.cases");
    assert_true(json_array_size(cases) >= 4);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        const char *hex = json_string_value(json_object_get(c, "ciphertext_hex"));
        const char *want = json_string_value(json_object_get(c, "plaintext"));
        char *plain = NULL;
        size_t len = 99;
        bc_error err = {0};
        assert_int_equal(bc_secretbox_decrypt(json_string_value(json_object_get(c, "secret")), hex,
                                              strlen(hex), &plain, &len, &err),
                         BC_OK);
        assert_int_equal(len, strlen(want));
        assert_memory_equal(plain, want, len);
        assert_int_equal(plain[len], '\0');
        free(plain);
    }
    json_decref(v);
}

static void same_nonce_gives_same_hex(void **state)
{
    json_t *v = vectors_load();
    json_t *cases = vget(v, "symmetric_encrypt.cases");
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        size_t nn;
        unsigned char *nonce = unhex(json_string_value(json_object_get(c, "nonce_hex")), &nn);
        assert_int_equal(nn, BC_SECRETBOX_NONCE_LEN);
        const char *plain = json_string_value(json_object_get(c, "plaintext"));
        char *hex = NULL;
        bc_error err = {0};
        assert_int_equal(bc_secretbox_encrypt(json_string_value(json_object_get(c, "secret")),
                                              plain, strlen(plain), nonce, &hex, &err),
                         BC_OK);
        assert_string_equal(hex, json_string_value(json_object_get(c, "ciphertext_hex")));
        /* the parts the vectors split out line up with ours */
        const char *ct = json_string_value(json_object_get(c, "ct_hex"));
        const char *tag = json_string_value(json_object_get(c, "tag_hex"));
        assert_memory_equal(hex + 48, ct, strlen(ct));
        assert_string_equal(hex + 48 + strlen(ct), tag);
        free(hex);
        free(nonce);
    }
    json_decref(v);
}

static void other_secret_fails_cleanly(void **state)
{
    json_t *v = vectors_load();
    const char *hex = vstr(v, "symmetric_encrypt.other_secret.ciphertext_hex");
    char *plain = NULL;
    bc_error err = {0};
    assert_int_equal(bc_secretbox_decrypt(vstr(v, "symmetric_encrypt.secret"), hex, strlen(hex),
                                          &plain, NULL, &err),
                     BC_ERR);
    assert_null(plain);
    assert_non_null(strstr(err.msg, "does not decrypt with this secret"));
    /* and with its own secret it opens */
    assert_int_equal(bc_secretbox_decrypt(vstr(v, "symmetric_encrypt.other_secret.secret"), hex,
                                          strlen(hex), &plain, NULL, &err),
                     BC_OK);
    assert_string_equal(plain, vstr(v, "symmetric_encrypt.other_secret.plaintext"));
    free(plain);
    json_decref(v);
}

static void round_trip_random_nonce(void **state)
{
    const char *secrets[] = {"", "short", "ключ 鍵 🔐 non-ASCII secret", "x"};
    const char *plains[] = {"", "a", "{\"kty\":\"OKP\"}", "ünïcödé ✓"};
    for (size_t s = 0; s < 4; s++) {
        for (size_t p = 0; p < 4; p++) {
            char *hex = NULL, *hex2 = NULL, *out = NULL;
            bc_error err = {0};
            assert_int_equal(
                bc_secretbox_encrypt(secrets[s], plains[p], strlen(plains[p]), NULL, &hex, &err),
                BC_OK);
            assert_int_equal(strlen(hex), 2 * (24 + strlen(plains[p]) + 16));
            assert_int_equal(
                bc_secretbox_encrypt(secrets[s], plains[p], strlen(plains[p]), NULL, &hex2, &err),
                BC_OK);
            assert_string_not_equal(hex, hex2); /* a fresh nonce each time */
            assert_int_equal(bc_secretbox_decrypt(secrets[s], hex, strlen(hex), &out, NULL, &err),
                             BC_OK);
            assert_string_equal(out, plains[p]);
            free(out);
            free(hex);
            free(hex2);
        }
    }
}

static void expect_decrypt_error(const char *hex, const char *fragment)
{
    char *plain = NULL;
    bc_error err = {0};
    assert_int_equal(bc_secretbox_decrypt("secret", hex, strlen(hex), &plain, NULL, &err), BC_ERR);
    assert_null(plain);
    if (!strstr(err.msg, fragment))
        fail_msg("error \"%s\" does not mention \"%s\"", err.msg, fragment);
}

static void malformed_input(void **state)
{
    expect_decrypt_error("", "too short");
    expect_decrypt_error("abc", "odd length");
    expect_decrypt_error("zz00", "not hex: character 1");
    expect_decrypt_error("\"7ad5\"", "not hex");
    /* 39 bytes: one short of nonce + tag */
    expect_decrypt_error("000000000000000000000000000000000000000000000000000000000000000000000000"
                         "000000",
                         "too short: 39 bytes");
    expect_decrypt_error("$ba$1$7ad5ce47", "versioned secret");
}

static void tampering_is_detected(void **state)
{
    json_t *v = vectors_load();
    const char *secret = vstr(v, "symmetric_encrypt.secret");
    json_t *c = json_array_get(vget(v, "symmetric_encrypt.cases"), 2);
    const char *good = json_string_value(json_object_get(c, "ciphertext_hex"));
    size_t len = strlen(good);
    /* flip one bit in the nonce, the ciphertext and the tag in turn */
    size_t spots[] = {0, 47, 48, len / 2, len - 32, len - 1};
    for (size_t i = 0; i < sizeof spots / sizeof *spots; i++) {
        char *bad = strdup(good);
        bad[spots[i]] = bad[spots[i]] == '0' ? '1' : '0';
        char *plain = NULL;
        bc_error err = {0};
        assert_int_equal(bc_secretbox_decrypt(secret, bad, len, &plain, NULL, &err), BC_ERR);
        assert_non_null(strstr(err.msg, "does not decrypt"));
        free(bad);
    }
    /* a truncated tag */
    char *plain = NULL;
    bc_error err = {0};
    assert_int_equal(bc_secretbox_decrypt(secret, good, len - 2, &plain, NULL, &err), BC_ERR);
    json_decref(v);
}

static void raw_aead_round_trip(void **state)
{
    unsigned char key[32] = {1}, nonce[24] = {2}, buf[64], out[64];
    const char *msg = "raw XChaCha20-Poly1305";
    size_t n = strlen(msg);
    bc_error err = {0};
    assert_int_equal(
        bc_xchacha20poly1305_seal(key, nonce, (const unsigned char *)msg, n, buf, &err), BC_OK);
    assert_int_equal(bc_xchacha20poly1305_open(key, nonce, buf, n + 16, out, &err), BC_OK);
    assert_memory_equal(out, msg, n);
    assert_int_equal(bc_xchacha20poly1305_open(key, nonce, buf, 15, out, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "shorter than the 16-byte tag"));
    key[0] ^= 1;
    assert_int_equal(bc_xchacha20poly1305_open(key, nonce, buf, n + 16, out, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "tag mismatch"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hchacha20_draft_vector),
        cmocka_unit_test(key_is_sha256_of_secret),
        cmocka_unit_test(decrypts_better_auth_output),
        cmocka_unit_test(same_nonce_gives_same_hex),
        cmocka_unit_test(other_secret_fails_cleanly),
        cmocka_unit_test(round_trip_random_nonce),
        cmocka_unit_test(malformed_input),
        cmocka_unit_test(tampering_is_detected),
        cmocka_unit_test(raw_aead_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
