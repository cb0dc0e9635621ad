/* crypto_vectors.h - test helper: the better-auth vectors files (tests/vectors), loaded with
 * jansson, and lookups by dotted path ("jwks_rows.eddsa.row.id"). Test-only; failures abort the
 * test through cmocka. */
#ifndef BC_TEST_CRYPTO_VECTORS_H
#define BC_TEST_CRYPTO_VECTORS_H

#include <string.h>

#include <jansson.h>

static inline json_t *vectors_load(void)
{
    json_error_t jerr;
    json_t *root = json_load_file(BC_VECTORS_FILE, 0, &jerr);
    if (!root)
        fail_msg("cannot read %s: %s", BC_VECTORS_FILE, jerr.text);
    return root;
}

/* The member at a dotted path of object keys; fails the test when it is missing. */
static inline json_t *vget(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = root;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); part;
         part = strtok_r(NULL, ".", &save)) {
        v = json_object_get(v, part);
        if (!v)
            fail_msg("vectors have no %s (at %s)", path, part);
    }
    return v;
}

static inline const char *vstr(json_t *root, const char *path)
{
    const char *s = json_string_value(vget(root, path));
    if (!s)
        fail_msg("vectors %s is not a string", path);
    return s;
}

static inline json_int_t vint(json_t *root, const char *path)
{
    json_t *v = vget(root, path);
    if (!json_is_integer(v))
        fail_msg("vectors %s is not an integer", path);
    return json_integer_value(v);
}

/* A vector's JSON value as compact text, for the parsers that take text. The caller frees. */
static inline char *vdump(json_t *root, const char *path)
{
    return json_dumps(vget(root, path), JSON_COMPACT | JSON_PRESERVE_ORDER);
}

#endif
