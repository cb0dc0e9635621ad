/* Unit tests for password: Better Auth 1.4.9's scrypt hashes, checked against hashes the real
 * library produced (tests/vectors: /work/shared/vectors/better-auth-1.4.9.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "password.h"

struct vector {
    const char *password, *hash;
};

/* password_hashes.cases[] of the vectors file, made by better-auth 1.4.9's hashPassword and by
 * real sign-ups on a 1.4.9 server. */
static const struct vector vectors[] = {
    {"password123", "0c6e055f7f98964ebf5f6f90f731095f:dd40284c3cf69dd18cae4aa87879431705d8437be99"
                    "017ca0b30da2435ce14d7d77ed8038ca98c9b927e0a65cf2bb425df9cf5d56865f04ffa63b5d"
                    "256a2c0f8"},
    {"correct horse battery staple",
     "a7e934d66ae8d3beb7b40e51a3de8ae1:07cce0cd26dedbe123570a17f187398dfe89221fee320de54e71eb8e516"
     "f56a1a558740ecb90a582c2fe445d014855cf4315827ab013c49ea7f114a4f4ed1b31"},
    {"p\xc3\xa4sswörd-日本語-🔑",
     "07d3ccfbee54fb964d8f6bba4a76fdde:70262087d8e803045fbdabbb583b721fb87b8a83665a7140483a4e035c1"
     "c2a2f6e34e4e0b0fc540fedf89321fc114d52d0d43e2071504f11a34a8a45fea2040c"},
    {"Ｐａｓｓｗｏｒｄ１２３",
     "ab33cb1f50e08f2d0e9ec6664dd1f9b7:af7a62c98c252944921fb5dab8ca78b8a6e0ef64671e191411a301f006f"
     "e25b2edacdb0a9bc0c90761a7c0878bb33a6869250f7920f5cd4cef52d307228cfefb"},
    /* "e" + U+0301 COMBINING ACUTE: NFKC composes it to é before hashing. */
    {"e\xcc\x81tude-caf\xc3\xa9",
     "fb5350ff661945f196d320e22f410436:1270c56a614c97cfe9e0b4399472952834841d08dc297a14b5a0724abbf"
     "98d71e61ed3e37a7c486e64233812e1c6494321288e2fd60f250bfa6bfd5b99b97b03"},
    {"pw-eddsa-Ünïcødé",
     "f38fd23ab301b83eaafd5b23b8e75ce9:be77707ed8bb258698ebe42b4969c5ec3ce83bf2a7e1d86eb7d9267f749"
     "dfc7657c34326ce2d0f0fafe6b30705631bfa9ffe07f48f6e184d3769b9daace51918"},
    {"pw-rs256-Ünïcødé",
     "1a7fcc68d036a77f0763ed89be25c028:01ff31ee5b3517cdb5eb4f6e1544bc39dbb93179fe3deef446bf584eb75"
     "7ff0c9be7c9ffeeaaf14c5ed09e055fd499aa8e39e0ced45dca588ea1bce9bfda84ca"},
};
#define N_VECTORS (sizeof vectors / sizeof *vectors)

static void vectors_reproduce(void **state)
{
    for (size_t i = 0; i < N_VECTORS; i++) {
        char salt[33], out[BC_PASSWORD_HASH_LEN + 1];
        memcpy(salt, vectors[i].hash, 32);
        salt[32] = '\0';
        bc_error err = {0};
        assert_int_equal(bc_password_hash_with_salt(vectors[i].password, salt, out, &err), BC_OK);
        assert_string_equal(out, vectors[i].hash);
    }
}

static void vectors_verify(void **state)
{
    for (size_t i = 0; i < N_VECTORS; i++) {
        assert_true(bc_password_verify(vectors[i].password, vectors[i].hash));
        assert_false(bc_password_verify("wrong-password", vectors[i].hash));
        /* One flipped key digit and one flipped salt digit must both fail. */
        char tampered[BC_PASSWORD_HASH_LEN + 1];
        strcpy(tampered, vectors[i].hash);
        tampered[BC_PASSWORD_HASH_LEN - 1] = tampered[BC_PASSWORD_HASH_LEN - 1] == '0' ? '1' : '0';
        assert_false(bc_password_verify(vectors[i].password, tampered));
        strcpy(tampered, vectors[i].hash);
        tampered[0] = tampered[0] == '0' ? '1' : '0';
        assert_false(bc_password_verify(vectors[i].password, tampered));
    }
}

static void nfkc_equivalence(void **state)
{
    /* Fullwidth letters normalise to ASCII, so they verify against the ASCII password's hash,
     * and the other way round. */
    char out[BC_PASSWORD_HASH_LEN + 1];
    bc_error err = {0};
    assert_int_equal(bc_password_hash("Password123", out, &err), BC_OK);
    assert_true(bc_password_verify("Ｐａｓｓｗｏｒｄ１２３", out));
    assert_true(bc_password_verify("Password123", vectors[3].hash));
    assert_false(bc_password_verify("password123", vectors[3].hash));
    /* Precomposed é and e + combining acute are the same password. */
    assert_true(bc_password_verify("\xc3\xa9tude-caf\xc3\xa9", vectors[4].hash));
}

static void random_salts_differ(void **state)
{
    char a[BC_PASSWORD_HASH_LEN + 1], b[BC_PASSWORD_HASH_LEN + 1];
    bc_error err = {0};
    assert_int_equal(bc_password_hash("demo-password-123", a, &err), BC_OK);
    assert_int_equal(bc_password_hash("demo-password-123", b, &err), BC_OK);
    assert_int_equal(strlen(a), BC_PASSWORD_HASH_LEN);
    assert_int_equal(a[32], ':');
    for (size_t i = 0; i < BC_PASSWORD_HASH_LEN; i++)
        assert_true(i == 32 || (a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
    assert_memory_not_equal(a, b, 32);
    assert_true(bc_password_verify("demo-password-123", a));
    assert_true(bc_password_verify("demo-password-123", b));
}

static void malformed_stored(void **state)
{
    const char *good = vectors[0].hash;
    char buf[BC_PASSWORD_HASH_LEN + 8];
    assert_false(bc_password_verify("password123", ""));
    assert_false(bc_password_verify("password123", NULL));
    assert_false(bc_password_verify("password123", "0c6e055f7f98964ebf5f6f90f731095f"));
    /* no colon */
    strcpy(buf, good);
    buf[32] = 'a';
    assert_false(bc_password_verify("password123", buf));
    /* non-hex in the key and in the salt */
    strcpy(buf, good);
    buf[40] = 'g';
    assert_false(bc_password_verify("password123", buf));
    strcpy(buf, good);
    buf[3] = 'z';
    assert_false(bc_password_verify("password123", buf));
    /* one character short, one too long */
    strcpy(buf, good);
    buf[BC_PASSWORD_HASH_LEN - 1] = '\0';
    assert_false(bc_password_verify("password123", buf));
    strcpy(buf, good);
    strcat(buf, "0");
    assert_false(bc_password_verify("password123", buf));
    /* colon moved: right total length but a 31-char salt */
    strcpy(buf, good);
    buf[31] = ':';
    buf[32] = '0';
    assert_false(bc_password_verify("password123", buf));
}

static void bad_input(void **state)
{
    char out[BC_PASSWORD_HASH_LEN + 1];
    bc_error err = {0};
    assert_int_equal(bc_password_hash("bad\xff utf8", out, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "UTF-8"));
    /* a lone surrogate encoded in UTF-8 (CESU style) is invalid too */
    assert_int_equal(bc_password_hash("\xed\xa0\x80xxxxxxxx", out, &err), BC_USAGE);
    assert_false(bc_password_verify("bad\xff utf8", vectors[0].hash));
    assert_int_equal(bc_password_hash_with_salt("password123", "abc", out, &err), BC_USAGE);
    assert_int_equal(
        bc_password_hash_with_salt("password123", "0c6e055f7f98964ebf5f6f90f731095g", out, &err),
        BC_USAGE);
    /* The empty password still hashes (length rules are a separate check). */
    assert_int_equal(bc_password_hash("", out, &err), BC_OK);
    assert_true(bc_password_verify("", out));
    assert_false(bc_password_verify(" ", out));
}

static void length_limits(void **state)
{
    bc_error err = {0};
    assert_int_equal(bc_password_check_length("1234567", &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "too short"));
    assert_int_equal(bc_password_check_length("", &err), BC_USAGE);
    assert_int_equal(bc_password_check_length("12345678", &err), BC_OK);
    /* 7 two-byte characters: 14 bytes but 7 characters, too short */
    assert_int_equal(bc_password_check_length("ééééééé", &err), BC_USAGE);
    assert_int_equal(bc_password_check_length("éééééééé", &err), BC_OK);
    /* 3-byte CJK characters count 1 each */
    assert_int_equal(bc_password_check_length("日本語日本語日", &err), BC_USAGE);
    assert_int_equal(bc_password_check_length("日本語日本語日本", &err), BC_OK);
    /* astral characters count 2 (a surrogate pair), as JavaScript's .length does */
    assert_int_equal(bc_password_check_length("🔑🔑🔑🔑", &err), BC_OK);
    assert_int_equal(bc_password_check_length("🔑🔑🔑x", &err), BC_USAGE);
    /* the raw string is counted, not its NFKC form: "ﬃ" (1 unit) normalises to "ffi" */
    assert_int_equal(bc_password_check_length("ﬃﬃﬃ12", &err), BC_USAGE);
    /* combining marks are code units of their own */
    assert_int_equal(bc_password_check_length("e\xcc\x81"
                                              "e\xcc\x81"
                                              "e\xcc\x81"
                                              "e\xcc\x81",
                                              &err),
                     BC_OK);

    char longpw[4 * 130 + 1];
    memset(longpw, 'a', 128);
    longpw[128] = '\0';
    assert_int_equal(bc_password_check_length(longpw, &err), BC_OK);
    longpw[128] = 'a';
    longpw[129] = '\0';
    assert_int_equal(bc_password_check_length(longpw, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "too long"));
    /* 64 astral characters = 128 units: allowed; 65 = 130: too long */
    longpw[0] = '\0';
    for (int i = 0; i < 64; i++)
        strcat(longpw, "🔑");
    assert_int_equal(bc_password_check_length(longpw, &err), BC_OK);
    strcat(longpw, "🔑");
    assert_int_equal(bc_password_check_length(longpw, &err), BC_USAGE);
    /* 128 two-byte characters: 256 bytes but 128 units, allowed */
    longpw[0] = '\0';
    for (int i = 0; i < 128; i++)
        strcat(longpw, "é");
    assert_int_equal(bc_password_check_length(longpw, &err), BC_OK);

    assert_int_equal(bc_password_check_length("12345678\xc3", &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "UTF-8"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_reproduce), cmocka_unit_test(vectors_verify),
        cmocka_unit_test(nfkc_equivalence),  cmocka_unit_test(random_salts_differ),
        cmocka_unit_test(malformed_stored),  cmocka_unit_test(bad_input),
        cmocka_unit_test(length_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
