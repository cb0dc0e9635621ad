/* cursor.c - keyset cursors as base64url text.
 *
 * Layout (version 1), all integers little-endian:
 *   [0]    version = 1
 *   [1]    kind: 'U' or 'S'
 *   [2]    sort key in bits 0-3, 0x10 ascending, 0x20 backward; other bits zero
 *   [3..7) filter fingerprint (u32)
 *   key    tagged value: 0 NULL | 1 INT (i64) | 2 REAL (f64 bits) | 3 TEXT | 4 BLOB, where
 *          TEXT and BLOB are a u16 length then the bytes
 *   id     tagged value, same encoding
 *   [n-4..n) FNV-1a (u32) of every byte before it
 * The checksum is not a secret: it only makes a truncated or hand-edited cursor fail cleanly.
 * Nothing in a cursor reaches SQL except as a bound parameter.
 */
#include "cursor.h"

#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "xalloc.h"

enum { CURSOR_VERSION = 1, TAG_NULL = 0, TAG_INT, TAG_REAL, TAG_TEXT, TAG_BLOB };
enum { MAX_CURSOR_TEXT = 200000 };

uint32_t bc_cursor_fingerprint(const char *canonical)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)canonical; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static uint32_t fnv_bytes(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void put_u(bc_buf *b, uint64_t v, int bytes)
{
    unsigned char tmp[8];
    for (int i = 0; i < bytes; i++)
        tmp[i] = (unsigned char)(v >> (8 * i));
    bc_buf_append(b, tmp, (size_t)bytes);
}

static void put_value(bc_buf *b, const bc_value *v)
{
    unsigned char tag = TAG_NULL;
    uint64_t bits;
    switch (v->kind) {
    case BC_V_INT:
        tag = TAG_INT;
        bc_buf_append(b, &tag, 1);
        put_u(b, (uint64_t)v->u.i, 8);
        return;
    case BC_V_REAL:
        tag = TAG_REAL;
        memcpy(&bits, &v->u.r, sizeof bits);
        bc_buf_append(b, &tag, 1);
        put_u(b, bits, 8);
        return;
    case BC_V_TEXT:
    case BC_V_BLOB: {
        tag = v->kind == BC_V_TEXT ? TAG_TEXT : TAG_BLOB;
        /* Longer keys than 64 KiB do not occur in auth tables; cutting one would only make the
         * next page start slightly early, never skip a row. */
        size_t len = v->len > 0xffff ? 0xffff : v->len;
        bc_buf_append(b, &tag, 1);
        put_u(b, len, 2);
        bc_buf_append(b, v->u.text, len);
        return;
    }
    default:
        bc_buf_append(b, &tag, 1);
        return;
    }
}

char *bc_cursor_encode(const bc_cursor *c)
{
    bc_buf b = {0};
    unsigned char head[3] = {
        CURSOR_VERSION, (unsigned char)c->kind,
        (unsigned char)((c->sort & 0x0f) | (c->ascending ? 0x10 : 0) | (c->backward ? 0x20 : 0))};
    bc_buf_append(&b, head, sizeof head);
    put_u(&b, c->filter, 4);
    put_value(&b, &c->key);
    put_value(&b, &c->id);
    put_u(&b, fnv_bytes((const unsigned char *)b.data, b.len), 4);
    char *text = bc_base64_encode((const unsigned char *)b.data, b.len, true);
    bc_buf_release(&b);
    return text;
}

typedef struct {
    const unsigned char *p;
    size_t n, at;
} reader;

static bool get_u(reader *r, int bytes, uint64_t *v)
{
    if (r->n - r->at < (size_t)bytes)
        return false;
    *v = 0;
    for (int i = 0; i < bytes; i++)
        *v |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
    r->at += (size_t)bytes;
    return true;
}

static bool get_value(reader *r, bc_value *v)
{
    uint64_t tag, x;
    if (!get_u(r, 1, &tag))
        return false;
    switch (tag) {
    case TAG_NULL:
        *v = bc_value_null();
        return true;
    case TAG_INT:
        if (!get_u(r, 8, &x))
            return false;
        *v = bc_value_int((int64_t)x);
        return true;
    case TAG_REAL: {
        if (!get_u(r, 8, &x))
            return false;
        double d;
        memcpy(&d, &x, sizeof d);
        *v = bc_value_real(d);
        return true;
    }
    case TAG_TEXT:
    case TAG_BLOB:
        if (!get_u(r, 2, &x) || r->n - r->at < x)
            return false;
        *v = bc_value_textn((const char *)r->p + r->at, (size_t)x);
        v->kind = tag == TAG_TEXT ? BC_V_TEXT : BC_V_BLOB;
        r->at += (size_t)x;
        return true;
    default:
        return false;
    }
}

bool bc_cursor_decode(const char *text, bc_cursor *out)
{
    *out = (bc_cursor){0};
    if (!text)
        return false;
    size_t len = strnlen(text, MAX_CURSOR_TEXT + 1);
    if (len == 0 || len > MAX_CURSOR_TEXT)
        return false;
    size_t n;
    unsigned char *raw = bc_base64_decode(text, len, &n);
    if (!raw)
        return false;
    /* Only the exact text we made is accepted: the decoder also takes padding, the standard
     * alphabet and stray low bits in the last character, which would let one cursor have many
     * spellings. */
    char *canonical = bc_base64_encode(raw, n, true);
    bool ok = strcmp(canonical, text) == 0;
    free(canonical);
    if (!ok) {
        free(raw);
        return false;
    }
    ok = false;
    reader r = {raw, n, 0};
    uint64_t filter, sum;
    if (n < 3 + 4 + 1 + 1 + 4 || raw[0] != CURSOR_VERSION || (raw[1] != 'U' && raw[1] != 'S') ||
        (raw[2] & 0xc0) || (raw[2] & 0x0f) > 3)
        goto done;
    if (fnv_bytes(raw, n - 4) !=
        (uint32_t)(raw[n - 4] | raw[n - 3] << 8 | raw[n - 2] << 16 | (uint32_t)raw[n - 1] << 24))
        goto done;
    out->kind = (char)raw[1];
    out->sort = raw[2] & 0x0f;
    out->ascending = raw[2] & 0x10;
    out->backward = raw[2] & 0x20;
    r.at = 3;
    if (!get_u(&r, 4, &filter) || !get_value(&r, &out->key) || !get_value(&r, &out->id))
        goto done;
    out->filter = (uint32_t)filter;
    ok = r.at == n - 4 && get_u(&r, 4, &sum);
done:
    free(raw);
    if (!ok)
        bc_cursor_release(out);
    return ok;
}

void bc_cursor_release(bc_cursor *c)
{
    bc_value_release(&c->key);
    bc_value_release(&c->id);
    *c = (bc_cursor){0};
}
