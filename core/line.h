/* line.h - which release line of Better Auth and of its Convex integration a target runs, as
 * its schema and functions show it (never assumed): the doctor, `db check` and the console's
 * top bar name it, and the per-line rules (jwks_doctor.h's signing key choice) take it.
 *
 * SQLite: Better Auth 1.7 adds jwks."alg" and jwks."crv"; 1.4.9, 1.5 and 1.6 have identical
 * schemas, so a file shows only "1.4.9 to 1.6". Convex: where the auth functions answer -
 * `auth:*` (better-convex up to 0.6), `generated/auth:*` (better-convex 0.11, Better Auth 1.5)
 * or component betterAuth `adapter:*` (@convex-dev/better-auth). The strings are static.
 */
#ifndef BC_LINE_H
#define BC_LINE_H

#include <stdbool.h>

#include "driver.h"

typedef enum {
    BC_LINE_UNKNOWN,    /* nothing in the file shows it (no jwks table) */
    BC_LINE_1_4_TO_1_6, /* jwks without alg/crv */
    BC_LINE_1_7,        /* jwks with alg and crv */
} bc_ba_line;

/* "Better Auth 1.7 (jwks has alg and crv)", "Better Auth 1.4.9 to 1.6 (...)", or "Better Auth
 * (line not shown: no jwks table)". */
const char *bc_ba_line_describe(bc_ba_line line);
/* A short form for the top bar: "BA 1.7", "BA 1.4-1.6", "BA ?". */
const char *bc_ba_line_short(bc_ba_line line);

/* What the driver's target shows: a SQLite file's schema line, or a Convex deployment's
 * integration ("better-convex 0.11 (generated/auth:*)"). short_form picks the top bar's form. */
const char *bc_line_of_driver(bc_driver *d, bool short_form);

#endif
