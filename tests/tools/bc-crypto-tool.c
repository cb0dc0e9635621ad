/* bc-crypto-tool - test-only driver for core/secretbox, jwk, jwt and session_cookie, so that the
 * integration test can cross-check them against the real better-auth and jose in Node.
 *
 *   encrypt SECRET [NONCE_HEX]     stdin plaintext -> hex (symmetricEncrypt)
 *   decrypt SECRET                 stdin hex -> plaintext (symmetricDecrypt)
 *   genkey rsa|ed25519|p256|p384|p521   -> private JWK JSON
 *   public                         stdin private JWK -> public JWK JSON
 *   sign KEYFILE ALG|- KID|-       stdin payload JSON -> compact JWS
 *   verify JWKSFILE [ISS AUD NOW]  stdin token -> payload JSON ({"keys":[...]} key set)
 *   row-new SECRET KEYFILE [ALG]   -> JWKS env value (one row) for that private key
 *   row-open SECRET                stdin JWKS env value -> private JWK of each row, one a line
 *   cookie SECRET TOKEN            -> signed session cookie value
 * encrypt, decrypt, row-new and row-open use $BETTER_AUTH_SECRETS too when it is set (versioned
 * secrets, Better Auth 1.5+: "$ba$<version>$" values), with SECRET as the legacy secret.
 * Errors go to stderr with exit status 1; usage errors exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "isotime.h"
#include "jwk.h"
#include "jwt.h"
#include "secretbox.h"
#include "session_cookie.h"
#include "xalloc.h"

static char *read_all(FILE *f, size_t *len)
{
    bc_buf b = {0};
    char chunk[4096];
    size_t n;
    bc_buf_puts(&b, "");
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bc_buf_append(&b, chunk, n);
    *len = b.len;
    return bc_buf_take(&b);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    char *text = read_all(f, len);
    fclose(f);
    return text;
}

static char *trimmed_stdin(size_t *len)
{
    char *text = read_all(stdin, len);
    while (*len > 0 && strchr(" \t\r\n", text[*len - 1]))
        text[--*len] = '\0';
    return text;
}

static int fail(const bc_error *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bc-crypto-tool encrypt|decrypt|genkey|public|sign|verify|row-new|"
                    "row-open|cookie ...\n");
    return 2;
}

/* The ring the app would have: $BETTER_AUTH_SECRETS and SECRET as the legacy secret. */
static bc_status ring_of(const char *secret, bc_secrets *ring, bc_error *err)
{
    return bc_secrets_parse(getenv("BETTER_AUTH_SECRETS"), secret, ring, err);
}

static int cmd_encrypt(int argc, char **argv)
{
    bc_error err = {0};
    size_t len, nonce_len = 0;
    unsigned char *nonce = NULL;
    if (argc > 3) {
        nonce = bc_hex_decode(argv[3], strlen(argv[3]), &nonce_len);
        if (!nonce || nonce_len != BC_SECRETBOX_NONCE_LEN)
            return usage();
    }
    char *plain = read_all(stdin, &len), *hex = NULL;
    bc_secrets ring;
    bc_status st = ring_of(argv[2], &ring, &err);
    if (st == BC_OK)
        st = bc_secrets_encrypt(&ring, plain, len, nonce, &hex, &err);
    bc_secrets_release(&ring);
    free(plain);
    free(nonce);
    if (st != BC_OK)
        return fail(&err);
    printf("%s\n", hex);
    free(hex);
    return 0;
}

static int cmd_decrypt(char **argv)
{
    bc_error err = {0};
    size_t len, plain_len;
    char *hex = trimmed_stdin(&len), *plain = NULL;
    bc_secrets ring;
    bc_status st = ring_of(argv[2], &ring, &err);
    if (st == BC_OK)
        st = bc_secrets_decrypt(&ring, hex, len, &plain, &plain_len, &err);
    bc_secrets_release(&ring);
    free(hex);
    if (st != BC_OK)
        return fail(&err);
    fwrite(plain, 1, plain_len, stdout);
    free(plain);
    return 0;
}

static int cmd_genkey(const char *name)
{
    static const struct {
        const char *name;
        bc_jwk_type type;
    } types[] = {{"rsa", BC_JWK_RSA},
                 {"ed25519", BC_JWK_ED25519},
                 {"p256", BC_JWK_P256},
                 {"p384", BC_JWK_P384},
                 {"p521", BC_JWK_P521}};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        if (strcmp(name, types[i].name) != 0)
            continue;
        bc_error err = {0};
        bc_jwk *key = NULL;
        if (bc_jwk_generate(types[i].type, &key, &err) != BC_OK)
            return fail(&err);
        char *text = bc_jwk_to_text(key, true);
        printf("%s\n", text);
        free(text);
        bc_jwk_free(key);
        return 0;
    }
    return usage();
}

static int cmd_public(void)
{
    bc_error err = {0};
    size_t len;
    char *text = trimmed_stdin(&len);
    bc_jwk *key = NULL;
    bc_status st = bc_jwk_parse(text, len, true, &key, &err);
    free(text);
    if (st != BC_OK)
        return fail(&err);
    char *out = bc_jwk_to_text(key, false);
    printf("%s\n", out);
    free(out);
    bc_jwk_free(key);
    return 0;
}

static int cmd_sign(char **argv)
{
    bc_error err = {0};
    size_t len, payload_len;
    char *text = read_file(argv[2], &len);
    bc_jwk *key = NULL;
    bc_status st = bc_jwk_parse(text, len, true, &key, &err);
    free(text);
    if (st != BC_OK)
        return fail(&err);
    if (strcmp(argv[4], "-") != 0)
        key->kid = bc_xstrdup(argv[4]);
    char *payload_text = trimmed_stdin(&payload_len);
    json_error_t jerr;
    json_t *payload = json_loadb(payload_text, payload_len, 0, &jerr);
    free(payload_text);
    char *token = NULL;
    if (!payload)
        st = bc_fail(&err, BC_USAGE, "payload is not JSON: %s", jerr.text);
    else
        st = bc_jwt_sign(key, strcmp(argv[3], "-") ? argv[3] : NULL, payload, &token, &err);
    json_decref(payload);
    bc_jwk_free(key);
    if (st != BC_OK)
        return fail(&err);
    printf("%s\n", token);
    free(token);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    bc_error err = {0};
    size_t len, token_len;
    char *text = read_file(argv[2], &len);
    bc_jwk_set *set = NULL;
    bc_status st = bc_jwk_set_parse(text, len, &set, &err);
    free(text);
    if (st != BC_OK)
        return fail(&err);
    bc_jwt_checks checks = {0};
    if (argc >= 6) {
        checks.issuer = argv[3];
        checks.audience = argv[4];
        checks.now = strtoll(argv[5], NULL, 10);
    }
    char *token = trimmed_stdin(&token_len);
    bc_jwt *jwt = NULL;
    st = bc_jwt_verify(token, set, argc >= 6 ? &checks : NULL, &jwt, &err);
    free(token);
    bc_jwk_set_free(set);
    if (st != BC_OK)
        return fail(&err);
    char *out = json_dumps(jwt->payload, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf("%s\n", out);
    free(out);
    bc_jwt_free(jwt);
    return 0;
}

static int cmd_row_new(int argc, char **argv)
{
    bc_error err = {0};
    size_t len;
    char *text = read_file(argv[3], &len);
    bc_jwk *key = NULL;
    bc_status st = bc_jwk_parse(text, len, true, &key, &err);
    free(text);
    if (st != BC_OK)
        return fail(&err);
    bc_jwks_rows rows = {bc_xcalloc(1, sizeof(bc_jwks_row)), 1};
    bc_secrets ring;
    st = ring_of(argv[2], &ring, &err);
    if (st == BC_OK)
        st = bc_jwks_row_new(key, &ring, NULL, argc > 4 ? argv[4] : NULL, bc_now_ms(),
                             &rows.rows[0], &err);
    bc_secrets_release(&ring);
    bc_jwk_free(key);
    if (st != BC_OK) {
        bc_jwks_rows_release(&rows);
        return fail(&err);
    }
    char *env = bc_jwks_env_format(&rows);
    printf("%s\n", env);
    free(env);
    bc_jwks_rows_release(&rows);
    return 0;
}

static int cmd_row_open(char **argv)
{
    bc_error err = {0};
    size_t len;
    char *text = read_all(stdin, &len);
    bc_jwks_rows rows;
    bc_status st = bc_jwks_env_parse(text, len, &rows, &err);
    free(text);
    if (st != BC_OK)
        return fail(&err);
    bc_secrets ring = {0};
    if (st == BC_OK)
        st = ring_of(argv[2], &ring, &err);
    for (size_t i = 0; i < rows.n && st == BC_OK; i++) {
        bc_jwk *priv = NULL;
        st = bc_jwks_row_open(&rows.rows[i], &ring, NULL, &priv, &err);
        if (st == BC_OK) {
            char *out = bc_jwk_to_text(priv, true);
            printf("%s\n", out);
            free(out);
        }
        bc_jwk_free(priv);
    }
    bc_jwks_rows_release(&rows);
    bc_secrets_release(&ring);
    return st == BC_OK ? 0 : fail(&err);
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "encrypt") == 0 && argc >= 3)
        return cmd_encrypt(argc, argv);
    if (strcmp(cmd, "decrypt") == 0 && argc == 3)
        return cmd_decrypt(argv);
    if (strcmp(cmd, "genkey") == 0 && argc == 3)
        return cmd_genkey(argv[2]);
    if (strcmp(cmd, "public") == 0 && argc == 2)
        return cmd_public();
    if (strcmp(cmd, "sign") == 0 && argc == 5)
        return cmd_sign(argv);
    if (strcmp(cmd, "verify") == 0 && (argc == 3 || argc == 6))
        return cmd_verify(argc, argv);
    if (strcmp(cmd, "row-new") == 0 && (argc == 4 || argc == 5))
        return cmd_row_new(argc, argv);
    if (strcmp(cmd, "row-open") == 0 && argc == 3)
        return cmd_row_open(argv);
    if (strcmp(cmd, "cookie") == 0 && argc == 4) {
        char *value = bc_session_cookie_value(argv[2], argv[3]);
        printf("%s\n", value);
        free(value);
        return 0;
    }
    return usage();
}
