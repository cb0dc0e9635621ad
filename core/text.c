/* text.c - escaping and display width of untrusted UTF-8 (libunistring for the width tables). */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
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

/* The one escaping loop: s[0..len) into out with every byte that could act on a terminal written
 * visibly (a NUL as \x00 like any C0 control), except newline, CR and tab when keep_lines. */
static void escape_into(bc_buf *out, const char *s, size_t len, bool keep_lines)
{
    size_t i = 0;
    while (i < len) {
        ucs4_t c = 0;
        int n = s[i] == '\0' ? 1 : decode(s + i, len - i, &c);
        if (n < 0) {
            bc_buf_printf(out, "\\x%02x", (unsigned char)s[i]);
            i++;
            continue;
        }
        bool line = c == '\n' || c == '\r' || c == '\t';
        if (is_dangerous(c) && !(keep_lines && line))
            escape_one(out, c);
        else
            bc_buf_append(out, s + i, (size_t)n);
        i += (size_t)n;
    }
}

char *bc_text_escape(const char *s, size_t len)
{
    bc_buf out = {0};
    bc_buf_append(&out, "", 0);
    escape_into(&out, s, len, false);
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

char *bc_text_csv_cell(const char *s, size_t len, bool neutralise)
{
    bc_buf out = {0};
    bc_buf_append(&out, "", 0);
    if (neutralise && len && s[0] && strchr("=+-@\t\r", s[0]))
        bc_buf_puts(&out, "'");
    escape_into(&out, s, len, true);
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

bool bc_text_typed_matches(const char *typed, const char *expected)
{
    if (!typed || !expected || !*expected)
        return false;
    while (*typed == ' ' || *typed == '\t')
        typed++;
    size_t n = strlen(typed);
    while (n && strchr(" \t\r\n", typed[n - 1]))
        n--;
    return n == strlen(expected) && memcmp(typed, expected, n) == 0;
}

/* Lower the ASCII letters of buf[0..n) in place. */
static void ascii_lower_in_place(char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] >= 'A' && buf[i] <= 'Z')
            buf[i] = (char)(buf[i] - 'A' + 'a');
}

/* Each character of s[0..n) by its simple lowercase mapping into out (room for 2n bytes: a
 * lowercase is at most 1.5 times as long); false for invalid UTF-8, or (unless marks) for a
 * combining mark, which needs NFC first. */
static bool lower_chars(const uint8_t *s, size_t n, uint8_t *out, size_t *outn, bool marks)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            out[o++] = s[i] >= 'A' && s[i] <= 'Z' ? (uint8_t)(s[i] - 'A' + 'a') : s[i];
            i++;
            continue;
        }
        ucs4_t c;
        int k = u8_mbtoucr(&c, s + i, n - i);
        if (k <= 0 || (!marks && uc_combining_class(c) != 0))
            return false;
        o += (size_t)u8_uctomb(out + o, uc_tolower(c), 6);
        i += (size_t)k;
    }
    *outn = o;
    return true;
}

/* The folded form of s[0..n): in stack (cap bytes) when it fits, else malloc'ed; *outn its
 * length. The caller frees a result that is not stack. */
static uint8_t *fold_into(const char *s, size_t n, uint8_t *stack, size_t cap, size_t *outn)
{
    const uint8_t *u = (const uint8_t *)s;
    if (2 * n + 1 <= cap && lower_chars(u, n, stack, outn, false))
        return stack;
    uint8_t *out = bc_xmalloc(2 * n + 1);
    if (lower_chars(u, n, out, outn, false))
        return out;
    size_t nn;
    uint8_t *norm = u8_normalize(UNINORM_NFC, u, n, NULL, &nn);
    if (norm) {
        free(out);
        out = bc_xmalloc(2 * nn + 1);
        lower_chars(norm, nn, out, outn, true);
        free(norm);
        return out;
    }
    memcpy(out, s, n); /* not valid UTF-8: its ASCII letters only */
    ascii_lower_in_place((char *)out, n);
    *outn = n;
    return out;
}

char *bc_text_fold(const char *s, size_t len, size_t *out_len)
{
    size_t n;
    uint8_t *f = fold_into(s, len, NULL, 0, &n);
    char *r = bc_xstrndup((const char *)f, n);
    free(f);
    if (out_len)
        *out_len = n;
    return r;
}

void bc_text_fold_append(bc_buf *b, const char *hay, size_t hn)
{
    const char *nul = memchr(hay, '\0', hn);
    if (nul)
        hn = (size_t)(nul - hay);
    uint8_t stack[1024];
    size_t fn;
    uint8_t *folded = fold_into(hay, hn, stack, sizeof stack, &fn);
    bc_buf_append(b, folded, fn);
    if (folded != stack)
        free(folded);
}

/* Eight bytes at a time: most emails and names are ASCII and need no copy. */
static bool is_ascii(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            return false;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The folded needle in an ASCII text, letters lowered on the fly. */
static bool ascii_contains(const unsigned char *h, size_t hn, const unsigned char *n, size_t nn)
{
    for (size_t i = 0; i + nn <= hn; i++) {
        if (ascii_lower(h[i]) != n[0])
            continue;
        size_t j = 1;
        while (j < nn && ascii_lower(h[i + j]) == n[j])
            j++;
        if (j == nn)
            return true;
    }
    return false;
}

/* An ASCII needle in a text with other characters, without folding a copy: only ASCII letters
 * and the two characters whose lowercase is ASCII (U+0130 İ -> i, U+212A Kelvin -> k) can be part
 * of a match; every other character stands for a byte no ASCII needle holds. 1 or 0; -1 when the
 * text needs the full fold (a combining mark, which NFC may compose, or invalid UTF-8). */
static int ascii_needle_in(const uint8_t *h, size_t hn, const char *needle, size_t nn)
{
    uint8_t stack[1024];
    if (hn >= sizeof stack)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < hn;) {
        if (h[i] < 0x80) {
            stack[o++] = ascii_lower(h[i++]);
            continue;
        }
        ucs4_t c;
        int k = u8_mbtoucr(&c, h + i, hn - i);
        if (k <= 0 || (c >= 0x300 && uc_combining_class(c) != 0))
            return -1;
        stack[o++] = c == 0x130 ? 'i' : c == 0x212a ? 'k' : 0x80;
        i += (size_t)k;
    }
    return memmem(stack, o, needle, nn) != NULL;
}

bool bc_text_contains_folded(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0)
        return true;
    const char *nul = memchr(hay, '\0', hn);
    if (nul)
        hn = (size_t)(nul - hay);
    if (hn < nn)
        return false;
    if (is_ascii(hay, hn))
        return ascii_contains((const unsigned char *)hay, hn, (const unsigned char *)needle, nn);
    int r = is_ascii(needle, nn) ? ascii_needle_in((const uint8_t *)hay, hn, needle, nn) : -1;
    if (r >= 0)
        return r;
    uint8_t stack[1024];
    size_t fn;
    uint8_t *folded = fold_into(hay, hn, stack, sizeof stack, &fn);
    bool found = memmem(folded, fn, needle, nn) != NULL;
    if (folded != stack)
        free(folded);
    return found;
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
