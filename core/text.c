/* text.c - escaping and display width of untrusted UTF-8 (libunistring for the width tables). */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unistr.h>
#include <uniwidth.h>

#include "xalloc.h"

/* Code points that must never reach a terminal raw even when well-formed UTF-8. */
static bool is_dangerous(ucs4_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || /* C0, DEL, C1 */
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || /* bidi */
           c == 0x200e || c == 0x200f || c == 0x061c ||                     /* marks */
           c == 0x2028 || c == 0x2029 || c == 0xfeff ||                     /* separators, BOM */
           (c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2064) || /* zero-width */
           c == 0x180e || c == 0x00ad;                                      /* invisible */
}

/* Decode one character at s (n bytes left). Returns its length, or -1 for an invalid byte. */
static int decode(const char *s, size_t n, ucs4_t *c)
{
    int len = u8_mbtoucr(c, (const uint8_t *)s, n);
    return len > 0 ? len : -1;
}

static void escape_one(bc_buf *out, ucs4_t c)
{
    switch (c) {
    case '\n':
        bc_buf_puts(out, "\\n");
        return;
    case '\r':
        bc_buf_puts(out, "\\r");
        return;
    case '\t':
        bc_buf_puts(out, "\\t");
        return;
    }
    if (c < 0x80)
        bc_buf_printf(out, "\\x%02x", (unsigned)c);
    else
        bc_buf_printf(out, "\\u%04x", (unsigned)c);
}

char *bc_text_escape(const char *s, size_t len)
{
    bc_buf out = {0};
    bc_buf_append(&out, "", 0);
    size_t i = 0;
    while (i < len) {
        ucs4_t c;
        int n = s[i] == '\0' ? 1 : decode(s + i, len - i, &c);
        if (s[i] == '\0')
            c = 0;
        if (n < 0) {
            bc_buf_printf(&out, "\\x%02x", (unsigned char)s[i]);
            i++;
            continue;
        }
        if (is_dangerous(c))
            escape_one(&out, c);
        else
            bc_buf_append(&out, s + i, (size_t)n);
        i += (size_t)n;
    }
    return bc_buf_take(&out);
}

char *bc_text_json_safe(const char *json)
{
    bc_buf out = {0};
    bc_buf_append(&out, "", 0);
    size_t len = strlen(json), i = 0;
    while (i < len) {
        ucs4_t c;
        int n = decode(json + i, len - i, &c);
        if (n < 0) /* jansson never writes invalid UTF-8; keep the byte rather than lose it */
            n = 1, c = 0;
        if (c >= 0x7f && is_dangerous(c))
            bc_buf_printf(&out, "\\u%04x", (unsigned)c);
        else
            bc_buf_append(&out, json + i, (size_t)n);
        i += (size_t)n;
    }
    return bc_buf_take(&out);
}

char *bc_text_csv_cell(const char *s, bool neutralise)
{
    bc_buf out = {0};
    bc_buf_append(&out, "", 0);
    if (neutralise && s[0] && strchr("=+-@\t\r", s[0]))
        bc_buf_puts(&out, "'");
    size_t len = strlen(s), i = 0;
    while (i < len) {
        ucs4_t c;
        int n = decode(s + i, len - i, &c);
        if (n < 0) {
            bc_buf_printf(&out, "\\x%02x", (unsigned char)s[i++]);
            continue;
        }
        if (is_dangerous(c) && c != '\n' && c != '\r' && c != '\t')
            escape_one(&out, c);
        else
            bc_buf_append(&out, s + i, (size_t)n);
        i += (size_t)n;
    }
    return bc_buf_take(&out);
}

bool bc_text_is_safe(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        ucs4_t c;
        if (s[i] == '\0')
            return false;
        int n = decode(s + i, len - i, &c);
        if (n < 0 || is_dangerous(c))
            return false;
        i += (size_t)n;
    }
    return true;
}

static size_t char_width(ucs4_t c)
{
    int w = uc_width(c, "UTF-8");
    return w < 0 ? 1 : (size_t)w;
}

size_t bc_text_width(const char *s)
{
    size_t width = 0, len = strlen(s), i = 0;
    while (i < len) {
        ucs4_t c;
        int n = decode(s + i, len - i, &c);
        if (n < 0) {
            width++;
            i++;
            continue;
        }
        width += char_width(c);
        i += (size_t)n;
    }
    return width;
}

char *bc_text_fit(const char *s, size_t width, size_t *used)
{
    char *safe = bc_text_escape(s, strlen(s));
    size_t total = bc_text_width(safe);
    if (total <= width) {
        if (used)
            *used = total;
        return safe;
    }
    /* Keep whole characters (with their combining marks) while they fit beside the ellipsis. */
    size_t budget = width > 0 ? width - 1 : 0, cols = 0, cut = 0, i = 0, len = strlen(safe);
    while (i < len) {
        ucs4_t c;
        int n = decode(safe + i, len - i, &c);
        size_t w = char_width(c);
        if (cols + w > budget)
            break;
        cols += w;
        i += (size_t)n;
        cut = i;
    }
    bc_buf out = {0};
    bc_buf_append(&out, safe, cut);
    if (width > 0) {
        bc_buf_puts(&out, "\u2026");
        cols++;
    }
    free(safe);
    if (used)
        *used = cols;
    return bc_buf_take(&out);
}

/* Better Auth stores emails lowercased with JavaScript's toLowerCase (full Unicode case
 * mapping); libunistring's u8_tolower without a language applies the same mapping. */
char *bc_text_lower(const char *s, size_t len, size_t *out_len)
{
    size_t n = 0;
    uint8_t *low = u8_tolower((const uint8_t *)s, len, NULL, NULL, NULL, &n);
    char *r;
    if (low) {
        r = bc_xstrndup((const char *)low, n);
        free(low);
    } else { /* not valid UTF-8: lower the ASCII letters, keep every other byte */
        r = bc_xstrndup(s, len);
        n = len;
        for (size_t i = 0; i < n; i++)
            if (r[i] >= 'A' && r[i] <= 'Z')
                r[i] = (char)(r[i] - 'A' + 'a');
    }
    if (out_len)
        *out_len = n;
    return r;
}

void bc_text_count(char *out, size_t size, int64_t n)
{
    char digits[32], grouped[48];
    snprintf(digits, sizeof digits, "%llu",
             n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n);
    size_t len = strlen(digits), k = 0;
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = '\0';
    snprintf(out, size, "%s%s", n < 0 ? "-" : "", grouped);
}
