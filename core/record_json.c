/* record_json.c - conversion between records and jansson values. */
#include "record_json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "encoding.h"
#include "isotime.h"
#include "xalloc.h"

/* s[0..len) as valid UTF-8: jansson refuses anything else, so each bad byte becomes U+FFFD
 * rather than losing the whole value. Returns s itself when it is valid, else b's data. */
static const char *valid_utf8(const char *s, size_t len, bc_buf *b, size_t *out_len)
{
    *out_len = len;
    if (u8_check((const uint8_t *)s, len) == NULL)
        return s;
    size_t i = 0;
    bc_buf_append(b, "", 0);
    while (i < len) {
        ucs4_t c;
        int n = u8_mbtoucr(&c, (const uint8_t *)s + i, len - i);
        if (n <= 0) {
            bc_buf_puts(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        bc_buf_append(b, s + i, (size_t)n);
        i += (size_t)n;
    }
    *out_len = b->len;
    return b->data;
}

static json_t *json_text(const char *s, size_t len)
{
    bc_buf b = {0};
    size_t n;
    const char *ok = valid_utf8(s, len, &b, &n);
    json_t *j = json_stringn(ok, n);
    bc_buf_release(&b);
    return j;
}

json_t *bc_value_to_json(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_NULL:
        return json_null();
    case BC_V_TEXT:
        return json_text(v->u.text, v->len);
    case BC_V_INT:
        return json_integer(v->u.i);
    case BC_V_REAL:
        /* JSON has no NaN or infinity. */
        return isfinite(v->u.r) ? json_real(v->u.r) : json_null();
    case BC_V_BOOL:
        return json_boolean(v->u.b);
    case BC_V_DATE: {
        char iso[BC_ISO_LEN + 1];
        bc_iso_format(v->u.ms, iso);
        return json_string(iso);
    }
    case BC_V_BLOB: {
        char *b64 = bc_base64_encode((const unsigned char *)v->u.text, v->len, false);
        json_t *j = json_string(b64);
        free(b64);
        return j;
    }
    }
    return json_null();
}

json_t *bc_record_to_json(const bc_record *r)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < r->n; i++) {
        bc_buf b = {0};
        size_t n;
        const char *name = r->fields[i].name;
        const char *key = valid_utf8(name, strlen(name), &b, &n);
        json_object_set_new(obj, key, bc_value_to_json(&r->fields[i].value));
        bc_buf_release(&b);
    }
    return obj;
}

json_t *bc_rows_to_json(const bc_rows *rows)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < rows->n; i++)
        json_array_append_new(arr, bc_record_to_json(&rows->items[i]));
    return arr;
}

static const char *json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "something else";
}

/* A known field's value, decoded by its model type. */
static bc_status typed_value(const bc_field_def *f, const json_t *j, bc_value *out, bc_error *err)
{
    if (json_is_null(j)) {
        *out = bc_value_null();
        return BC_OK;
    }
    switch (f->type) {
    case BC_FT_TEXT:
        if (json_is_string(j)) {
            *out = bc_value_textn(json_string_value(j), json_string_length(j));
            return BC_OK;
        }
        break;
    case BC_FT_BOOL:
        if (json_is_boolean(j)) {
            *out = bc_value_bool(json_is_true(j));
            return BC_OK;
        }
        if (json_is_integer(j) && (json_integer_value(j) == 0 || json_integer_value(j) == 1)) {
            *out = bc_value_bool(json_integer_value(j) == 1);
            return BC_OK;
        }
        break;
    case BC_FT_DATE: {
        int64_t ms;
        if (json_is_string(j) && bc_iso_parse(json_string_value(j), json_string_length(j), &ms)) {
            *out = bc_value_date(ms);
            return BC_OK;
        }
        if (json_is_integer(j)) {
            *out = bc_value_date(json_integer_value(j));
            return BC_OK;
        }
        /* Convex numbers are float64: whole milliseconds arrive as reals. */
        if (json_is_real(j) && isfinite(json_real_value(j)) && fabs(json_real_value(j)) < 9.0e15 &&
            trunc(json_real_value(j)) == json_real_value(j)) {
            *out = bc_value_date((int64_t)json_real_value(j));
            return BC_OK;
        }
        break;
    }
    case BC_FT_INT:
        if (json_is_integer(j)) {
            *out = bc_value_int(json_integer_value(j));
            return BC_OK;
        }
        break;
    }
    static const char *const wanted[] = {
        [BC_FT_TEXT] = "a string",
        [BC_FT_BOOL] = "a boolean",
        [BC_FT_DATE] = "an ISO-8601 date or epoch milliseconds",
        [BC_FT_INT] = "an integer",
    };
    if (json_is_string(j))
        return bc_fail(err, BC_ERR, "field \"%s\" should be %s, got \"%.80s\"", f->name,
                       wanted[f->type], json_string_value(j));
    return bc_fail(err, BC_ERR, "field \"%s\" should be %s, got %s", f->name, wanted[f->type],
                   json_kind(j));
}

/* An extra column keeps its JSON type; nested values are kept as compact JSON text. */
static bc_value untyped_value(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_STRING:
        return bc_value_textn(json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return bc_value_int(json_integer_value(j));
    case JSON_REAL:
        return bc_value_real(json_real_value(j));
    case JSON_TRUE:
    case JSON_FALSE:
        return bc_value_bool(json_is_true(j));
    case JSON_NULL:
        return bc_value_null();
    case JSON_OBJECT:
    case JSON_ARRAY:
        break;
    }
    char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    bc_value v = bc_value_text(text);
    free(text);
    return v;
}

bc_status bc_record_from_json(bc_model m, const json_t *obj, bc_record *out, bc_error *err)
{
    *out = (bc_record){0};
    const bc_model_def *def = bc_model_get(m);
    if (!json_is_object(obj))
        return bc_fail(err, BC_ERR, "a %s row should be a JSON object, got %s", def->name,
                       json_kind(obj));
    for (size_t i = 0; i < def->n_fields; i++) {
        const json_t *j = json_object_get(obj, def->fields[i].name);
        if (!j)
            continue;
        bc_value v;
        bc_status st = typed_value(&def->fields[i], j, &v, err);
        if (st != BC_OK) {
            bc_record_release(out);
            return bc_error_prefix(err, "%s row", def->name);
        }
        bc_record_set(out, def->fields[i].name, v);
    }
    const char *key;
    json_t *j;
    json_object_foreach((json_t *)obj, key, j)
    {
        if (!bc_model_field(m, key))
            bc_record_set(out, key, untyped_value(j));
    }
    return BC_OK;
}

json_t *bc_record_json_parse(const char *text)
{
    return text ? json_loads(text, JSON_ALLOW_NUL, NULL) : NULL;
}
