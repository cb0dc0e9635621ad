/* cursor.h - the opaque keyset cursors of driver.h pages (private to the drivers).
 *
 * A cursor names a position in one query's order: the sort key and id of the row it stands
 * after (next) or before (prev), plus which query it belongs to (kind, sort, direction of the
 * sort and a fingerprint of the filter) so that a cursor from another query is refused. It is
 * base64url text of a small versioned binary encoding with a checksum (see cursor.c).
 */
#ifndef BC_CURSOR_H
#define BC_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

typedef struct {
    char kind;       /* 'U' users page, 'S' sessions page */
    uint8_t sort;    /* bc_sort_key (0 for sessions) */
    bool ascending;  /* the query's sort direction */
    bool backward;   /* true: rows before the key (a prev cursor); false: rows after it */
    uint32_t filter; /* bc_cursor_fingerprint of the query's filter */
    bc_value key;    /* the sort column's stored value: NULL, INT, REAL, TEXT or BLOB */
    bc_value id;     /* the row's id as stored (TEXT, or INT) */
} bc_cursor;

/* The cursor as opaque text; the caller frees it. */
char *bc_cursor_encode(const bc_cursor *c);

/* Parse text made by bc_cursor_encode into *out (the caller releases it with
 * bc_cursor_release). False, with *out empty, for anything malformed or tampered with. */
bool bc_cursor_decode(const char *text, bc_cursor *out);

void bc_cursor_release(bc_cursor *c);

/* FNV-1a of a canonical description of a filter: ties a cursor to its query. */
uint32_t bc_cursor_fingerprint(const char *canonical);

#endif
