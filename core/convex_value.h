/* convex_value.h - Convex values in the `convex_encoded_json` wire format, and Convex documents
 * as core records.
 *
 * The wire format (what convex/values' convexToJson and jsonToConvex write and read): plain JSON
 * numbers are float64; int64 is {"$integer": base64 of 8 bytes little-endian}; bytes are
 * {"$bytes": base64}; NaN, +-Infinity and -0 are {"$float": base64 of 8 bytes LE}; object keys
 * never start with '$'. Decoding is strict and every error names the place ("value.page[3].x").
 *
 * Ownership: every bc_cv * returned is the caller's (bc_cv_free, which accepts NULL); the
 * containers own what is pushed or set into them. char * results are freed with free().
 */
#ifndef BC_CONVEX_VALUE_H
#define BC_CONVEX_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "record.h"
#include "status.h"

typedef enum {
    BC_CV_NULL,
    BC_CV_BOOL,
    BC_CV_FLOAT, /* float64: every plain JSON number, and the special floats */
    BC_CV_INT64,
    BC_CV_STRING,
    BC_CV_BYTES,
    BC_CV_ARRAY,
    BC_CV_OBJECT,
} bc_cv_kind;

typedef struct bc_cv bc_cv;

struct bc_cv {
    bc_cv_kind kind;
    union {
        bool b;
        double f;
        int64_t i;
        struct {
            char *data; /* NUL-terminated too; may hold NULs (len counts bytes) */
            size_t len;
        } s; /* BC_CV_STRING, BC_CV_BYTES */
        struct {
            bc_cv **items;
            size_t n, cap;
        } arr;
        struct {
            char **keys; /* in insertion order */
            bc_cv **vals;
            size_t n, cap;
        } obj;
    } u;
};

bc_cv *bc_cv_null(void);
bc_cv *bc_cv_bool(bool b);
bc_cv *bc_cv_float(double f);
bc_cv *bc_cv_int64(int64_t i);
bc_cv *bc_cv_string(const char *s); /* NULL gives a BC_CV_NULL */
bc_cv *bc_cv_stringn(const char *s, size_t len);
bc_cv *bc_cv_bytes(const void *data, size_t len);
bc_cv *bc_cv_array(void);
bc_cv *bc_cv_object(void);
void bc_cv_free(bc_cv *v);
bc_cv *bc_cv_copy(const bc_cv *v);

/* Append item to an array (taking ownership). */
void bc_cv_push(bc_cv *array, bc_cv *item);
/* Set key in an object (taking ownership of val, replacing an earlier value). */
void bc_cv_set(bc_cv *object, const char *key, bc_cv *val);
/* The value of key, or NULL when object is not an object or has no such key. */
const bc_cv *bc_cv_get(const bc_cv *object, const char *key);
/* Convenience getters: NULL / false when absent or of another kind. */
const char *bc_cv_get_string(const bc_cv *object, const char *key);
bool bc_cv_get_bool(const bc_cv *object, const char *key, bool *out);

/* Decode convex_encoded_json text. `what` names the value in error messages ("value"). */
bc_status bc_cv_parse(const char *text, size_t len, const char *what, bc_cv **out, bc_error *err);
/* Encode as compact convex_encoded_json text (never NULL). */
char *bc_cv_dump(const bc_cv *v);

/* A Convex document as a record of model m: "_id" becomes "id"; the model's fields come first in
 * schema order (absent optional fields as NULL), date fields as BC_V_DATE from epoch-ms numbers,
 * boolean fields as BC_V_BOOL; then every other field in document order: "_creationTime" as
 * BC_V_REAL (it has a fractional part), strings as text, booleans, float64 as BC_V_REAL, int64
 * as BC_V_INT, bytes as BC_V_BLOB, arrays and objects as their convex_encoded_json text.
 * A model field of the wrong type is an error naming model, field and value. *out is the
 * caller's (bc_record_release). */
bc_status bc_cv_doc_to_record(bc_model m, const bc_cv *doc, bc_record *out, bc_error *err);

/* A record as document fields for create/update: dates as float64 ms, booleans, text, NULL as
 * null, BC_V_INT and BC_V_REAL as float64 (Convex numbers), blobs as bytes. The system fields
 * "id", "_id" and "_creationTime" are left out: Convex refuses writes to them. */
bc_cv *bc_cv_record_to_doc(bc_model m, const bc_record *r);

#endif
