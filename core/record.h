/* record.h - one row of a Better Auth table as an ordered list of named, typed values.
 *
 * Both drivers hand rows up as records with Better Auth field names ("emailVerified",
 * "createdAt"...), known fields first in schema order, then any extra columns a real app has, in
 * the order the store gives them: nothing is dropped. Dates are milliseconds since the epoch
 * (UTC); booleans are real booleans; text is UTF-8 as stored (never sanitised here).
 *
 * Ownership: a record owns its names and values. bc_record_free / bc_rows_free accept NULL.
 * Getters return pointers into the record, valid until it is changed or freed.
 */
#ifndef BC_RECORD_H
#define BC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xalloc.h"

typedef enum {
    BC_V_NULL = 0,
    BC_V_TEXT,
    BC_V_INT,
    BC_V_REAL,
    BC_V_BOOL,
    BC_V_DATE, /* milliseconds since 1970-01-01T00:00:00Z */
    BC_V_BLOB,
} bc_vkind;

typedef struct {
    bc_vkind kind;
    union {
        char *text; /* BC_V_TEXT, BC_V_BLOB (len bytes, NUL-terminated too) */
        int64_t i;  /* BC_V_INT */
        double r;   /* BC_V_REAL */
        bool b;     /* BC_V_BOOL */
        int64_t ms; /* BC_V_DATE */
    } u;
    size_t len; /* bytes of text/blob */
} bc_value;

typedef struct {
    char *name;
    bc_value value;
} bc_field;

typedef struct {
    bc_field *fields;
    size_t n, cap;
} bc_record;

/* A list of records (a page of users, a user's sessions). Owns its records. */
typedef struct {
    bc_record *items;
    size_t n, cap;
} bc_rows;

/* Value constructors: the text ones copy their argument (NULL text gives BC_V_NULL). */
bc_value bc_value_null(void);
bc_value bc_value_text(const char *s);
bc_value bc_value_textn(const char *s, size_t len);
bc_value bc_value_int(int64_t i);
bc_value bc_value_real(double r);
bc_value bc_value_bool(bool b);
bc_value bc_value_date(int64_t ms);
bc_value bc_value_copy(const bc_value *v);
void bc_value_release(bc_value *v);
bool bc_value_equal(const bc_value *a, const bc_value *b);

/* Set (replace or append) a field; the record takes ownership of value. */
void bc_record_set(bc_record *r, const char *name, bc_value value);
void bc_record_set_text(bc_record *r, const char *name, const char *text);
void bc_record_set_bool(bc_record *r, const char *name, bool b);
void bc_record_set_date(bc_record *r, const char *name, int64_t ms);
void bc_record_set_null(bc_record *r, const char *name);
/* Remove a field; returns false when absent. */
bool bc_record_unset(bc_record *r, const char *name);

/* Field lookup: NULL when the record has no such field. */
const bc_value *bc_record_get(const bc_record *r, const char *name);
/* Text of a field, or NULL when absent, NULL-valued or not text. */
const char *bc_record_text(const bc_record *r, const char *name);
/* Boolean of a field (BC_V_BOOL, or BC_V_INT non-zero); false when absent or NULL. */
bool bc_record_bool(const bc_record *r, const char *name);
/* Date of a field in ms; returns false (and leaves *ms) when absent, NULL or not a date. */
bool bc_record_date(const bc_record *r, const char *name, int64_t *ms);

/* Whether row holds every value of fields (a field absent from row counts as null). */
bool bc_record_holds(const bc_record *row, const bc_record *fields);

bc_record bc_record_copy(const bc_record *r);
void bc_record_release(bc_record *r); /* frees contents, leaves an empty record */

/* Append a record to rows, taking ownership of its contents (*r is left empty). */
void bc_rows_push(bc_rows *rows, bc_record *r);
void bc_rows_release(bc_rows *rows);

#endif
