/* session_cookie.c - sign and check Better Auth session cookie values (better-call's
 * signCookieValue / getSignedCookie). */
#include "session_cookie.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "encoding.h"
#include "xalloc.h"

/* encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is %XX (uppercase). */
static void uri_component_encode(bc_buf *b, const char *s)
{
    static const char digits[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-_.!~*'()", c)) {
            bc_buf_append(b, s, 1);
        } else {
            char esc[3] = {'%', digits[c >> 4], digits[c & 15]};
            bc_buf_append(b, esc, 3);
        }
    }
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* decodeURIComponent for the characters a cookie value holds; NULL on a broken %XX. */
static char *uri_component_decode(const char *s)
{
    bc_buf b = {0};
    bc_buf_puts(&b, "");
    for (; *s; s++) {
        if (*s != '%') {
            bc_buf_append(&b, s, 1);
            continue;
        }
        int hi = hex_digit(s[1]), lo = hi < 0 ? -1 : hex_digit(s[2]);
        if (hi < 0 || lo < 0) {
            bc_buf_release(&b);
            return NULL;
        }
        char c = (char)(hi << 4 | lo);
        bc_buf_append(&b, &c, 1);
        s += 2;
    }
    return bc_buf_take(&b);
}

static void hmac_token(const char *secret, const char *token, size_t token_len,
                       unsigned char mac[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)token, token_len, mac,
         &len);
}

char *bc_session_cookie_value(const char *secret, const char *token)
{
    unsigned char mac[32];
    hmac_token(secret, token, strlen(token), mac);
    char *sig = bc_base64_encode(mac, sizeof mac, false);
    char *signed_value = bc_xasprintf("%s.%s", token, sig);
    free(sig);
    bc_buf b = {0};
    uri_component_encode(&b, signed_value);
    free(signed_value);
    return bc_buf_take(&b);
}

bc_status bc_session_cookie_verify(const char *secret, const char *value, char **token,
                                   bc_error *err)
{
    char *decoded = uri_component_decode(value);
    if (!decoded)
        return bc_fail(err, BC_ERR, "session cookie value has a broken %%XX escape");
    /* Like getSignedCookie: the signature follows the last "." and is 44 base64 characters. */
    char *dot = strrchr(decoded, '.');
    if (!dot || dot == decoded) {
        free(decoded);
        return bc_fail(err, BC_ERR, "session cookie value has no \"<token>.<signature>\" form");
    }
    size_t sig_len = strlen(dot + 1), mac_len = 0;
    unsigned char *mac =
        sig_len == 44 && dot[44] == '=' ? bc_base64_decode(dot + 1, 44, &mac_len) : NULL;
    if (!mac || mac_len != 32) {
        free(mac);
        free(decoded);
        return bc_fail(err, BC_ERR,
                       "session cookie signature is not 44 characters of base64 (HMAC-SHA256)");
    }
    unsigned char want[32];
    hmac_token(secret, decoded, (size_t)(dot - decoded), want);
    bool same = CRYPTO_memcmp(mac, want, 32) == 0;
    free(mac);
    if (!same) {
        free(decoded);
        return bc_fail(err, BC_ERR,
                       "session cookie signature does not match (signed with another secret?)");
    }
    *dot = '\0';
    *token = decoded;
    return BC_OK;
}
