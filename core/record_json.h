/* record_json.h - records (record.h) to and from JSON with Better Auth's field names.
 *
 * To JSON: fields in record order; dates as ISO-8601 strings ("2026-11-27T05:31:35.107Z"),
 * booleans as true/false, NULL as null, integers as integers, blobs as base64 text. Text that is
 * not valid UTF-8 has each bad byte replaced by U+FFFD, since JSON cannot carry it. Masking is
 * the caller's job (bc_record_mask) before conversion.
 * From JSON: a known field takes its model type (a date may be an ISO string or epoch
 * milliseconds, as Convex sends them; a boolean may be 0/1); extra fields keep their JSON type.
 *
 * Every json_t * returned is a new reference: the caller json_decref()s it.
 */
#ifndef BC_RECORD_JSON_H
#define BC_RECORD_JSON_H

#include <jansson.h>

#include "model.h"
#include "record.h"
#include "status.h"

json_t *bc_value_to_json(const bc_value *v);
json_t *bc_record_to_json(const bc_record *r);
/* A JSON array of the rows' objects. */
json_t *bc_rows_to_json(const bc_rows *rows);

/* Decode a JSON object into *out (the caller's: bc_record_release) as a row of model m: known
 * fields first in schema order, then extras in the object's order. Errors name the field and
 * what was wrong with its value (BC_ERR). */
bc_status bc_record_from_json(bc_model m, const json_t *obj, bc_record *out, bc_error *err);

/* JSON text bcadmin saved in the state database (an audit entry's before/after, a checklist run's
 * facts), decoded with NULs allowed in its strings (a record's text may hold them, written
 * \u0000), or NULL when text is NULL or not JSON. The one reader of saved JSON: a NUL must not
 * turn a value into null. */
json_t *bc_record_json_parse(const char *text);

#endif
