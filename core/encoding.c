/* encoding.c - hex and base64 codecs. */
#include "encoding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

char *bc_hex_encode(const unsigned char *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *out = bc_xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

unsigned char *bc_hex_decode(const char *hex, size_t len, size_t *n)
{
    if (len % 2)
        return NULL;
    unsigned char *out = bc_xmalloc(len / 2 + 1);
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *n = len / 2;
    return out;
}

char *bc_base64_encode(const unsigned char *data, size_t n, bool url)
{
    const char *alpha = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                            : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = bc_xmalloc((n + 2) / 3 * 4 + 1), *p = out;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *p++ = alpha[v >> 18];
        *p++ = alpha[v >> 12 & 63];
        *p++ = alpha[v >> 6 & 63];
        *p++ = alpha[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < n ? (uint32_t)data[i + 1] << 8 : 0);
        *p++ = alpha[v >> 18];
        *p++ = alpha[v >> 12 & 63];
        if (i + 1 < n)
            *p++ = alpha[v >> 6 & 63];
        else if (!url)
            *p++ = '=';
        if (!url)
            *p++ = '=';
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

unsigned char *bc_base64_decode(const char *text, size_t len, size_t *n)
{
    while (len > 0 && text[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return NULL;
    unsigned char *out = bc_xmalloc(len * 3 / 4 + 3);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value(text[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    *n = o;
    return out;
}
