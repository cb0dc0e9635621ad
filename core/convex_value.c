/* convex_value.c - the convex_encoded_json codec and Convex document <-> record conversion. */
#include "convex_value.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "xalloc.h"

/* --- values ------------------------------------------------------------------------------- */

static bc_cv *cv_new(bc_cv_kind kind)
{
    bc_cv *v = bc_xcalloc(1, sizeof *v);
    v->kind = kind;
    return v;
}

bc_cv *bc_cv_null(void)
{
    return cv_new(BC_CV_NULL);
}

bc_cv *bc_cv_bool(bool b)
{
    bc_cv *v = cv_new(BC_CV_BOOL);
    v->u.b = b;
    return v;
}

bc_cv *bc_cv_float(double f)
{
    bc_cv *v = cv_new(BC_CV_FLOAT);
    v->u.f = f;
    return v;
}

bc_cv *bc_cv_int64(int64_t i)
{
    bc_cv *v = cv_new(BC_CV_INT64);
    v->u.i = i;
    return v;
}

static bc_cv *cv_blob(bc_cv_kind kind, const void *data, size_t len)
{
    bc_cv *v = cv_new(kind);
    v->u.s.data = bc_xmalloc(len + 1);
    if (len)
        memcpy(v->u.s.data, data, len);
    v->u.s.data[len] = '\0';
    v->u.s.len = len;
    return v;
}

bc_cv *bc_cv_stringn(const char *s, size_t len)
{
    return cv_blob(BC_CV_STRING, s, len);
}

bc_cv *bc_cv_string(const char *s)
{
    return s ? bc_cv_stringn(s, strlen(s)) : bc_cv_null();
}

bc_cv *bc_cv_bytes(const void *data, size_t len)
{
    return cv_blob(BC_CV_BYTES, data, len);
}

bc_cv *bc_cv_array(void)
{
    return cv_new(BC_CV_ARRAY);
}

bc_cv *bc_cv_object(void)
{
    return cv_new(BC_CV_OBJECT);
}

void bc_cv_free(bc_cv *v)
{
    if (!v)
        return;
    switch (v->kind) {
    case BC_CV_STRING:
    case BC_CV_BYTES:
        free(v->u.s.data);
        break;
    case BC_CV_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            bc_cv_free(v->u.arr.items[i]);
        free(v->u.arr.items);
        break;
    case BC_CV_OBJECT:
        for (size_t i = 0; i < v->u.obj.n; i++) {
            free(v->u.obj.keys[i]);
            bc_cv_free(v->u.obj.vals[i]);
        }
        free(v->u.obj.keys);
        free(v->u.obj.vals);
        break;
    default:
        break;
    }
    free(v);
}

bc_cv *bc_cv_copy(const bc_cv *v)
{
    switch (v->kind) {
    case BC_CV_STRING:
    case BC_CV_BYTES:
        return cv_blob(v->kind, v->u.s.data, v->u.s.len);
    case BC_CV_ARRAY: {
        bc_cv *a = bc_cv_array();
        for (size_t i = 0; i < v->u.arr.n; i++)
            bc_cv_push(a, bc_cv_copy(v->u.arr.items[i]));
        return a;
    }
    case BC_CV_OBJECT: {
        bc_cv *o = bc_cv_object();
        for (size_t i = 0; i < v->u.obj.n; i++)
            bc_cv_set(o, v->u.obj.keys[i], bc_cv_copy(v->u.obj.vals[i]));
        return o;
    }
    default: {
        bc_cv *c = cv_new(v->kind);
        c->u = v->u;
        return c;
    }
    }
}

void bc_cv_push(bc_cv *array, bc_cv *item)
{
    if (array->u.arr.n == array->u.arr.cap) {
        array->u.arr.cap = array->u.arr.cap ? array->u.arr.cap * 2 : 8;
        array->u.arr.items =
            bc_xrealloc(array->u.arr.items, array->u.arr.cap * sizeof *array->u.arr.items);
    }
    array->u.arr.items[array->u.arr.n++] = item;
}

static ptrdiff_t obj_index(const bc_cv *object, const char *key)
{
    for (size_t i = 0; i < object->u.obj.n; i++)
        if (strcmp(object->u.obj.keys[i], key) == 0)
            return (ptrdiff_t)i;
    return -1;
}

void bc_cv_set(bc_cv *object, const char *key, bc_cv *val)
{
    ptrdiff_t at = obj_index(object, key);
    if (at >= 0) {
        bc_cv_free(object->u.obj.vals[at]);
        object->u.obj.vals[at] = val;
        return;
    }
    if (object->u.obj.n == object->u.obj.cap) {
        object->u.obj.cap = object->u.obj.cap ? object->u.obj.cap * 2 : 8;
        object->u.obj.keys =
            bc_xrealloc(object->u.obj.keys, object->u.obj.cap * sizeof *object->u.obj.keys);
        object->u.obj.vals =
            bc_xrealloc(object->u.obj.vals, object->u.obj.cap * sizeof *object->u.obj.vals);
    }
    object->u.obj.keys[object->u.obj.n] = bc_xstrdup(key);
    object->u.obj.vals[object->u.obj.n++] = val;
}

const bc_cv *bc_cv_get(const bc_cv *object, const char *key)
{
    if (!object || object->kind != BC_CV_OBJECT)
        return NULL;
    ptrdiff_t at = obj_index(object, key);
    return at >= 0 ? object->u.obj.vals[at] : NULL;
}

const char *bc_cv_get_string(const bc_cv *object, const char *key)
{
    const bc_cv *v = bc_cv_get(object, key);
    return v && v->kind == BC_CV_STRING ? v->u.s.data : NULL;
}

bool bc_cv_get_bool(const bc_cv *object, const char *key, bool *out)
{
    const bc_cv *v = bc_cv_get(object, key);
    if (!v || v->kind != BC_CV_BOOL)
        return false;
    *out = v->u.b;
    return true;
}

/* --- decoding ------------------------------------------------------------------------------ */

/* The special floats are the ones plain JSON cannot carry. */
static bool is_special_float(double f)
{
    return isnan(f) || isinf(f) || (f == 0 && signbit(f));
}

/* Base64 of exactly 8 bytes, little-endian, into a uint64. */
static bc_status decode8(const char *where, const char *tag, const json_t *j, uint64_t *out,
                         bc_error *err)
{
    if (!json_is_string(j))
        return bc_fail(err, BC_ERR, "%s: %s must hold a base64 string", where, tag);
    size_t n = 0;
    unsigned char *b = bc_base64_decode(json_string_value(j), json_string_length(j), &n);
    if (!b)
        return bc_fail(err, BC_ERR, "%s: %s holds malformed base64 \"%s\"", where, tag,
                       json_string_value(j));
    if (n != 8) {
        free(b);
        return bc_fail(err, BC_ERR, "%s: %s holds %zu bytes, expected 8", where, tag, n);
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | b[i];
    free(b);
    *out = u;
    return BC_OK;
}

static bc_status decode(const json_t *j, const char *where, bc_cv **out, bc_error *err);

static bc_status decode_tagged(const char *key, const json_t *val, const char *where, bc_cv **out,
                               bc_error *err)
{
    if (strcmp(key, "$integer") == 0) {
        uint64_t u;
        if (decode8(where, key, val, &u, err) != BC_OK)
            return err->status;
        int64_t i;
        memcpy(&i, &u, sizeof i);
        *out = bc_cv_int64(i);
        return BC_OK;
    }
    if (strcmp(key, "$float") == 0) {
        uint64_t u;
        if (decode8(where, key, val, &u, err) != BC_OK)
            return err->status;
        double f;
        memcpy(&f, &u, sizeof f);
        if (!is_special_float(f))
            return bc_fail(err, BC_ERR, "%s: $float %.17g should be encoded as a number", where, f);
        *out = bc_cv_float(f);
        return BC_OK;
    }
    if (strcmp(key, "$bytes") == 0) {
        if (!json_is_string(val))
            return bc_fail(err, BC_ERR, "%s: $bytes must hold a base64 string", where);
        size_t n = 0;
        unsigned char *b = bc_base64_decode(json_string_value(val), json_string_length(val), &n);
        if (!b)
            return bc_fail(err, BC_ERR, "%s: $bytes holds malformed base64 \"%s\"", where,
                           json_string_value(val));
        *out = bc_cv_bytes(b, n);
        free(b);
        return BC_OK;
    }
    return bc_fail(err, BC_ERR,
                   "%s: unknown or reserved key \"%s\" (Convex keys never start with '$')", where,
                   key);
}

static bc_status decode_object(const json_t *j, const char *where, bc_cv **out, bc_error *err)
{
    const char *key;
    json_t *val;
    if (json_object_size(j) == 1) {
        json_object_foreach((json_t *)j, key, val)
        {
            if (key[0] == '$')
                return decode_tagged(key, val, where, out, err);
        }
    }
    bc_cv *o = bc_cv_object();
    json_object_foreach((json_t *)j, key, val)
    {
        if (key[0] == '$') {
            bc_cv_free(o);
            return bc_fail(err, BC_ERR, "%s: field name \"%s\" starts with '$', which is reserved",
                           where, key);
        }
        char *sub = bc_xasprintf("%s.%s", where, key);
        bc_cv *item = NULL;
        bc_status st = decode(val, sub, &item, err);
        free(sub);
        if (st != BC_OK) {
            bc_cv_free(o);
            return st;
        }
        bc_cv_set(o, key, item);
    }
    *out = o;
    return BC_OK;
}

static bc_status decode(const json_t *j, const char *where, bc_cv **out, bc_error *err)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        *out = bc_cv_null();
        return BC_OK;
    case JSON_TRUE:
    case JSON_FALSE:
        *out = bc_cv_bool(json_is_true(j));
        return BC_OK;
    case JSON_INTEGER: /* not produced with JSON_DECODE_INT_AS_REAL, kept for json_t callers */
        *out = bc_cv_float((double)json_integer_value(j));
        return BC_OK;
    case JSON_REAL:
        *out = bc_cv_float(json_real_value(j));
        return BC_OK;
    case JSON_STRING:
        *out = bc_cv_stringn(json_string_value(j), json_string_length(j));
        return BC_OK;
    case JSON_ARRAY: {
        bc_cv *a = bc_cv_array();
        for (size_t i = 0; i < json_array_size(j); i++) {
            char *sub = bc_xasprintf("%s[%zu]", where, i);
            bc_cv *item = NULL;
            bc_status st = decode(json_array_get(j, i), sub, &item, err);
            free(sub);
            if (st != BC_OK) {
                bc_cv_free(a);
                return st;
            }
            bc_cv_push(a, item);
        }
        *out = a;
        return BC_OK;
    }
    case JSON_OBJECT:
        return decode_object(j, where, out, err);
    }
    return bc_fail(err, BC_ERR, "%s: unexpected JSON value", where);
}

bc_status bc_cv_parse(const char *text, size_t len, const char *what, bc_cv **out, bc_error *err)
{
    json_error_t jerr;
    json_t *j =
        json_loadb(text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
    if (!j)
        return bc_fail(err, BC_ERR, "%s: malformed JSON at line %d column %d: %s", what, jerr.line,
                       jerr.column, jerr.text);
    bc_status st = decode(j, what, out, err);
    json_decref(j);
    return st;
}

/* --- encoding ------------------------------------------------------------------------------ */

static json_t *tagged8(const char *tag, uint64_t u)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (8 * i));
    char *s = bc_base64_encode(b, 8, false);
    json_t *o = json_pack("{s:s}", tag, s);
    free(s);
    return o;
}

static json_t *encode(const bc_cv *v)
{
    switch (v->kind) {
    case BC_CV_NULL:
        return json_null();
    case BC_CV_BOOL:
        return json_boolean(v->u.b);
    case BC_CV_FLOAT: {
        if (!is_special_float(v->u.f))
            return json_real(v->u.f);
        uint64_t u;
        memcpy(&u, &v->u.f, sizeof u);
        return tagged8("$float", u);
    }
    case BC_CV_INT64: {
        uint64_t u;
        memcpy(&u, &v->u.i, sizeof u);
        return tagged8("$integer", u);
    }
    case BC_CV_STRING:
        return json_stringn(v->u.s.data, v->u.s.len);
    case BC_CV_BYTES: {
        char *s = bc_base64_encode((const unsigned char *)v->u.s.data, v->u.s.len, false);
        json_t *o = json_pack("{s:s}", "$bytes", s);
        free(s);
        return o;
    }
    case BC_CV_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; i < v->u.arr.n; i++)
            json_array_append_new(a, encode(v->u.arr.items[i]));
        return a;
    }
    case BC_CV_OBJECT: {
        json_t *o = json_object();
        for (size_t i = 0; i < v->u.obj.n; i++)
            json_object_set_new(o, v->u.obj.keys[i], encode(v->u.obj.vals[i]));
        return o;
    }
    }
    return json_null();
}

char *bc_cv_dump(const bc_cv *v)
{
    json_t *j = encode(v);
    /* 17 significant digits: every float64 reads back as the same number. */
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    json_decref(j);
    char *out = bc_xstrdup(s);
    free(s);
    return out;
}

/* --- documents and records ----------------------------------------------------------------- */

static const char *kind_name(bc_cv_kind k)
{
    static const char *names[] = {"null",   "boolean", "number", "int64",
                                  "string", "bytes",   "array",  "object"};
    return names[k];
}

/* Epoch milliseconds from a float64, refusing what no Date holds. */
static bool float_to_ms(double f, int64_t *ms)
{
    if (!isfinite(f) || fabs(f) > 8.64e15)
        return false;
    *ms = (int64_t)llround(f);
    return true;
}

static bc_status model_value(bc_model m, const bc_field_def *def, const bc_cv *v, bc_value *out,
                             bc_error *err)
{
    const char *model = bc_model_get(m)->name;
    if (v->kind == BC_CV_NULL) {
        *out = bc_value_null();
        return BC_OK;
    }
    switch (def->type) {
    case BC_FT_DATE: {
        int64_t ms;
        if (v->kind == BC_CV_FLOAT && float_to_ms(v->u.f, &ms)) {
            *out = bc_value_date(ms);
            return BC_OK;
        }
        if (v->kind == BC_CV_INT64) {
            *out = bc_value_date(v->u.i);
            return BC_OK;
        }
        break;
    }
    case BC_FT_BOOL:
        if (v->kind == BC_CV_BOOL) {
            *out = bc_value_bool(v->u.b);
            return BC_OK;
        }
        break;
    case BC_FT_INT:
        if (v->kind == BC_CV_INT64) {
            *out = bc_value_int(v->u.i);
            return BC_OK;
        }
        if (v->kind == BC_CV_FLOAT && isfinite(v->u.f) && v->u.f == (double)(int64_t)v->u.f) {
            *out = bc_value_int((int64_t)v->u.f);
            return BC_OK;
        }
        break;
    case BC_FT_TEXT:
        if (v->kind == BC_CV_STRING) {
            *out = bc_value_textn(v->u.s.data, v->u.s.len);
            return BC_OK;
        }
        break;
    }
    char *shown = bc_cv_dump(v);
    bc_fail(err, BC_ERR, "%s.%s: expected %s, got %s %.200s", model, def->name,
            def->type == BC_FT_DATE   ? "a date (epoch milliseconds)"
            : def->type == BC_FT_BOOL ? "a boolean"
            : def->type == BC_FT_INT  ? "an integer"
                                      : "a string",
            kind_name(v->kind), shown);
    free(shown);
    return BC_ERR;
}

/* An extra field keeps its type where a record can hold it, else its encoded JSON text. */
static bc_value extra_value(const bc_cv *v)
{
    switch (v->kind) {
    case BC_CV_NULL:
        return bc_value_null();
    case BC_CV_BOOL:
        return bc_value_bool(v->u.b);
    case BC_CV_FLOAT:
        return bc_value_real(v->u.f);
    case BC_CV_INT64:
        return bc_value_int(v->u.i);
    case BC_CV_STRING:
        return bc_value_textn(v->u.s.data, v->u.s.len);
    case BC_CV_BYTES: {
        bc_value b = bc_value_textn(v->u.s.data, v->u.s.len);
        b.kind = BC_V_BLOB;
        return b;
    }
    default: {
        char *s = bc_cv_dump(v);
        bc_value t = bc_value_text(s);
        free(s);
        return t;
    }
    }
}

bc_status bc_cv_doc_to_record(bc_model m, const bc_cv *doc, bc_record *out, bc_error *err)
{
    const bc_model_def *def = bc_model_get(m);
    if (!doc || doc->kind != BC_CV_OBJECT)
        return bc_fail(err, BC_ERR, "%s document: expected an object, got %s", def->name,
                       doc ? kind_name(doc->kind) : "nothing");
    const char *id = bc_cv_get_string(doc, "_id");
    if (!id)
        return bc_fail(err, BC_ERR, "%s document: no string \"_id\"", def->name);

    bc_record r = {0};
    for (size_t i = 0; i < def->n_fields; i++) {
        const bc_field_def *f = &def->fields[i];
        if (strcmp(f->name, "id") == 0) {
            bc_record_set_text(&r, "id", id);
            continue;
        }
        const bc_cv *v = bc_cv_get(doc, f->name);
        bc_value val = bc_value_null();
        if (v && model_value(m, f, v, &val, err) != BC_OK) {
            bc_error_prefix(err, "%s %s", def->name, id);
            bc_record_release(&r);
            return BC_ERR;
        }
        bc_record_set(&r, f->name, val);
    }
    for (size_t i = 0; i < doc->u.obj.n; i++) {
        const char *key = doc->u.obj.keys[i];
        if (strcmp(key, "_id") == 0 || bc_model_field(m, key))
            continue;
        bc_record_set(&r, key, extra_value(doc->u.obj.vals[i]));
    }
    *out = r;
    return BC_OK;
}

static bc_cv *value_to_cv(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_NULL:
        return bc_cv_null();
    case BC_V_TEXT:
        return bc_cv_stringn(v->u.text, v->len);
    case BC_V_INT:
        return bc_cv_float((double)v->u.i);
    case BC_V_REAL:
        return bc_cv_float(v->u.r);
    case BC_V_BOOL:
        return bc_cv_bool(v->u.b);
    case BC_V_DATE:
        return bc_cv_float((double)v->u.ms);
    case BC_V_BLOB:
        return bc_cv_bytes(v->u.text, v->len);
    }
    return bc_cv_null();
}

bc_cv *bc_cv_record_to_doc(bc_model m, const bc_record *r)
{
    (void)m;
    bc_cv *doc = bc_cv_object();
    for (size_t i = 0; i < r->n; i++) {
        const char *name = r->fields[i].name;
        if (strcmp(name, "id") == 0 || strcmp(name, "_id") == 0 ||
            strcmp(name, "_creationTime") == 0)
            continue;
        bc_cv_set(doc, name, value_to_cv(&r->fields[i].value));
    }
    return doc;
}
