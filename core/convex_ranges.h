/* convex_ranges.h - reading a Convex table in concurrent _creationTime ranges, rows kept in order.
 *
 * better-convex's findMany (and @convex-dev/better-auth's adapter) page through a stream over the
 * by_creation_time index when a query sorts by createdAt. That stream reads between two of its
 * own cursors: `cursor` (exclusive) and `paginationOpts.endCursor` (inclusive), and a cursor is
 * the JSON of an index key, whose prefix `[t]` stands for every row created at t. So a client may
 * cut the order into ranges [t_a, t_b] by _creationTime and read them side by side: with an
 * endCursor the page ignores numItems and stops at the end or after maxScan rows read
 * (max(numItems + 1, maximumRowsRead, 200)), answering continueCursor = the endCursor when the
 * range is done, else the key where it stopped.
 *
 * This module is the plan, not the calls: it keeps the ranges in order, says which to read next
 * (at most `in_flight` at once, splitting the widest range in two while fewer are open), takes
 * the answers in any order and hands the rows back in order. A range asked for is marked being
 * read until its answer comes: it is neither asked for again nor cut meanwhile, so the driver may
 * ask for more reads whenever one answer arrives. Rows of later ranges wait in memory until every
 * earlier range is done; the rows held plus a full read's worth for each read in flight stay
 * within `buffer_max` (the first open range is always read), so memory is bounded whatever the
 * table's size. The driver sends the calls.
 *
 * Ownership: bc_ranges_new's result is the caller's (bc_ranges_free). Strings in a bc_range_req
 * point into the plan and stay valid until the next bc_ranges_answer or bc_ranges_free.
 */
#ifndef BC_CONVEX_RANGES_H
#define BC_CONVEX_RANGES_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

typedef struct bc_ranges bc_ranges;

/* per_request: rows a request may read (its numItems); buffer_max: rows held back at most
 * before reads of later ranges wait; in_flight: reads per round at most. The order may run
 * either way (newest or oldest first): the times at each range's two ends say which. */
bc_ranges *bc_ranges_new(size_t per_request, size_t buffer_max, size_t in_flight);
void bc_ranges_free(bc_ranges *r);

/* The rest of the order after a first page: from cursor (the page's continueCursor, exclusive)
 * to the far end, whose row was created at t_end (inclusive). False when cursor is not a key
 * this module can read (then the caller reads on page by page). */
bool bc_ranges_start(bc_ranges *r, const char *cursor, double t_end);

/* One read of the next round: findMany from cursor (exclusive) to end (inclusive). */
typedef struct {
    size_t id; /* hand back to bc_ranges_answer */
    const char *cursor;
    const char *end;
} bc_range_req;

/* The reads to send now, at most max and at most in_flight with those still in flight; each is
 * marked being read until bc_ranges_answer. 0 when every range is read or being read, or the
 * rows held must be taken first. */
size_t bc_ranges_plan(bc_ranges *r, bc_range_req *reqs, size_t max);
/* Reads in flight (asked for by bc_ranges_plan, not yet answered). */
size_t bc_ranges_reading(const bc_ranges *r);

/* A read's answer: the rows it matched (taken over: *rows is left empty), each row's own cursor
 * (its index key's JSON, taken over; may be NULL) and the answer's continueCursor. False when the
 * answer makes no sense for the range (no continueCursor): the caller fails the read. */
bool bc_ranges_answer(bc_ranges *r, size_t id, bc_rows *rows, char **keys, const char *next);

/* Rows ready in order: moved to the end of *out (at most max of them, 0: all), with their keys in
 * *keys when keys is not NULL (the caller frees each). Returns how many were moved. */
size_t bc_ranges_take(bc_ranges *r, bc_rows *out, char ***keys, size_t max);

/* Where the order can be taken up again when the rows taken so far are all there is to keep:
 * the first open range's cursor once its rows were taken (points into the plan), else NULL. */
const char *bc_ranges_position(const bc_ranges *r);

/* Whether every range was read and every row taken. */
bool bc_ranges_finished(const bc_ranges *r);

/* Share of the order's time span read so far, 0..1 (progress), and rows held back now. */
double bc_ranges_share(const bc_ranges *r);
size_t bc_ranges_held(const bc_ranges *r);

/* The time an index-key cursor starts with ("[t, ...]" or "[t]"), for the caller's own ranges;
 * false when it is not such a cursor. */
bool bc_ranges_cursor_time(const char *cursor, double *t);

#endif
