/* model.h - the Better Auth tables bcadmin knows: names, fields, types and which are secret.
 *
 * One table of facts (BETTER_AUTH.md, 1.4.9 with the admin and jwt plugins) used by both drivers
 * to decode rows, by the output code to order fields, and by masking to hide secrets. Everything
 * returned points into static tables: never free it.
 */
#ifndef BC_MODEL_H
#define BC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

typedef enum {
    BC_MODEL_USER,
    BC_MODEL_SESSION,
    BC_MODEL_ACCOUNT,
    BC_MODEL_VERIFICATION,
    BC_MODEL_JWKS,
    BC_MODEL_COUNT
} bc_model;

typedef enum { BC_FT_TEXT, BC_FT_BOOL, BC_FT_DATE, BC_FT_INT } bc_ftype;

typedef struct {
    const char *name;  /* Better Auth field name, also the SQLite column name */
    bc_ftype type;
    bool required;     /* NOT NULL in the schema */
    bool secret;       /* masked unless the operator reveals it */
} bc_field_def;

typedef struct {
    const char *name; /* table / model name: "user", "session"... */
    const bc_field_def *fields;
    size_t n_fields;
} bc_model_def;

const bc_model_def *bc_model_get(bc_model m);
/* The model called name ("user"...); false when there is none. */
bool bc_model_by_name(const char *name, bc_model *out);
/* The definition of a known field, or NULL for an extra column. */
const bc_field_def *bc_model_field(bc_model m, const char *field);

/* Replace every secret text field of r with its masked form (see bc_mask_secret). */
void bc_record_mask(bc_model m, bc_record *r);
/* A masked stand-in for a secret: "****" and the last 4 characters when the secret is long
 * enough to spare them (>= 24 bytes), else "****". The caller frees the result. */
char *bc_mask_secret(const char *secret);

#endif
