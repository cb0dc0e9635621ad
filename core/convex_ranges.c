/* convex_ranges.c - the plan for reading _creationTime ranges side by side (convex_ranges.h). */
#include "convex_ranges.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* One range of the order: from cursor (exclusive) to end (inclusive), rows read and not taken. */
typedef struct {
    size_t id;
    char *cursor, *end;
    double t_from, t_to; /* the times at cursor and end; t_from NAN when cursor has none */
    bool done;
    bool reading; /* a read of it is in flight: neither read again nor cut until it answers */
    bc_rows rows;
    char **keys; /* one per row (NULL entries allowed) */
    size_t taken;
} slice;

struct bc_ranges {
    size_t per_request, buffer_max, in_flight;
    slice *s; /* in order: s[0] is the range whose rows come next */
    size_t n, cap;
    size_t next_id;
    double span; /* the whole order's time span at the start, for the share read */
};

bc_ranges *bc_ranges_new(size_t per_request, size_t buffer_max, size_t in_flight)
{
    bc_ranges *r = bc_xcalloc(1, sizeof *r);
    r->per_request = per_request ? per_request : 1;
    r->buffer_max = buffer_max;
    r->in_flight = in_flight ? in_flight : 1;
    return r;
}

static void slice_release(slice *s)
{
    free(s->cursor);
    free(s->end);
    for (size_t i = s->taken; i < s->rows.n; i++)
        free(s->keys ? s->keys[i] : NULL);
    free(s->keys);
    bc_rows_release(&s->rows);
}

void bc_ranges_free(bc_ranges *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        slice_release(&r->s[i]);
    free(r->s);
    free(r);
}

bool bc_ranges_cursor_time(const char *cursor, double *t)
{
    json_t *j = cursor ? json_loads(cursor, JSON_DECODE_ANY, NULL) : NULL;
    json_t *first = json_array_get(j, 0);
    bool ok = json_is_number(first);
    if (ok)
        *t = json_number_value(first);
    json_decref(j);
    return ok && isfinite(*t);
}

/* "[t]": the prefix cursor of every row created at t (17 digits: the double exactly). */
static char *time_cursor(double t)
{
    return bc_xasprintf("[%.17g]", t);
}

static slice *insert_at(bc_ranges *r, size_t at)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->s = bc_xrealloc(r->s, r->cap * sizeof *r->s);
    }
    memmove(&r->s[at + 1], &r->s[at], (r->n - at) * sizeof *r->s);
    r->n++;
    r->s[at] = (slice){.id = r->next_id++};
    return &r->s[at];
}

bool bc_ranges_start(bc_ranges *r, const char *cursor, double t_end)
{
    double t;
    if (!bc_ranges_cursor_time(cursor, &t) || !isfinite(t_end))
        return false;
    slice *s = insert_at(r, r->n);
    s->cursor = bc_xstrdup(cursor);
    s->end = time_cursor(t_end);
    s->t_from = t;
    s->t_to = t_end;
    r->span = fabs(t - t_end);
    return true;
}

static double width(const slice *s)
{
    return s->done || s->reading || isnan(s->t_from) ? 0 : fabs(s->t_from - s->t_to);
}

/* Cut the widest open range in two at its middle time; false when none can be cut. */
static bool split_widest(bc_ranges *r)
{
    size_t best = r->n;
    for (size_t i = 0; i < r->n; i++)
        if (width(&r->s[i]) > 0 && (best == r->n || width(&r->s[i]) > width(&r->s[best])))
            best = i;
    if (best == r->n)
        return false;
    double from = r->s[best].t_from, to = r->s[best].t_to;
    double mid = to + (from - to) / 2;
    if (!(mid != from && mid != to && (mid - from) * (mid - to) < 0))
        return false; /* no time strictly between: a range of one instant */
    slice *b = insert_at(r, best + 1);
    slice *a = &r->s[best]; /* after the insert: the array may have moved */
    /* a: up to and including the rows created at mid; b: after them, to a's old end. */
    b->cursor = time_cursor(mid);
    b->end = a->end;
    b->t_from = mid;
    b->t_to = a->t_to;
    a->end = time_cursor(mid);
    a->t_to = mid;
    return true;
}

size_t bc_ranges_held(const bc_ranges *r)
{
    size_t held = 0;
    for (size_t i = 0; i < r->n; i++)
        held += r->s[i].rows.n - r->s[i].taken;
    return held;
}

size_t bc_ranges_reading(const bc_ranges *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += r->s[i].reading;
    return n;
}

size_t bc_ranges_plan(bc_ranges *r, bc_range_req *reqs, size_t max)
{
    size_t reading = bc_ranges_reading(r);
    if (reading >= r->in_flight)
        return 0;
    if (max > r->in_flight - reading)
        max = r->in_flight - reading;
    size_t idle = 0;
    for (size_t i = 0; i < r->n; i++)
        idle += !r->s[i].done && !r->s[i].reading;
    while (idle < max && split_widest(r))
        idle++;
    /* Rows held back and rows the reads in flight may bring count against the buffer. */
    size_t held = bc_ranges_held(r) + reading * r->per_request, k = 0;
    bool first = true;
    for (size_t i = 0; i < r->n && k < max; i++) {
        slice *s = &r->s[i];
        if (s->done)
            continue;
        bool next_rows = first; /* the first open range: its rows come next */
        first = false;
        if (s->reading)
            continue;
        /* The first open range is always read; the others while the rows held back and those
         * asked for stay within the buffer. */
        if (!next_rows && held + (k + 1) * r->per_request > r->buffer_max)
            break;
        s->reading = true;
        reqs[k++] = (bc_range_req){s->id, s->cursor, s->end};
    }
    return k;
}

bool bc_ranges_answer(bc_ranges *r, size_t id, bc_rows *rows, char **keys, const char *next)
{
    slice *s = NULL;
    for (size_t i = 0; i < r->n && !s; i++)
        if (r->s[i].id == id)
            s = &r->s[i];
    size_t n = rows->n;
    bool ok = s && next && *next && !s->done;
    if (s)
        s->reading = false;
    /* No rows and no step forward would read the same range forever. */
    if (ok && n == 0 && strcmp(next, s->cursor) == 0 && strcmp(next, s->end) != 0)
        ok = false;
    if (!ok) {
        for (size_t i = 0; keys && i < n; i++)
            free(keys[i]);
        bc_rows_release(rows);
        return false;
    }
    s->keys = bc_xrealloc(s->keys, (s->rows.n + n + 1) * sizeof *s->keys);
    for (size_t i = 0; i < n; i++) {
        s->keys[s->rows.n] = keys ? keys[i] : NULL;
        bc_rows_push(&s->rows, &rows->items[i]);
    }
    bc_rows_release(rows);
    if (strcmp(next, s->end) == 0) {
        s->done = true;
    } else {
        free(s->cursor);
        s->cursor = bc_xstrdup(next);
        if (!bc_ranges_cursor_time(next, &s->t_from))
            s->t_from = NAN; /* read on, but never cut */
    }
    return true;
}

size_t bc_ranges_take(bc_ranges *r, bc_rows *out, char ***keys, size_t max)
{
    size_t moved = 0;
    size_t have = out->n;
    while (r->n > 0 && (!max || moved < max)) {
        slice *s = &r->s[0];
        while (s->taken < s->rows.n && (!max || moved < max)) {
            if (keys) {
                *keys = bc_xrealloc(*keys, (have + moved + 1) * sizeof **keys);
                (*keys)[have + moved] = s->keys[s->taken];
            } else {
                free(s->keys[s->taken]);
            }
            s->keys[s->taken] = NULL;
            bc_rows_push(out, &s->rows.items[s->taken++]);
            moved++;
        }
        if (!s->done || s->taken < s->rows.n)
            break;
        slice_release(s);
        memmove(&r->s[0], &r->s[1], (r->n - 1) * sizeof *r->s);
        r->n--;
    }
    return moved;
}

const char *bc_ranges_position(const bc_ranges *r)
{
    if (r->n == 0 || r->s[0].taken < r->s[0].rows.n || r->s[0].done)
        return NULL;
    return r->s[0].cursor;
}

bool bc_ranges_finished(const bc_ranges *r)
{
    return r->n == 0;
}

double bc_ranges_share(const bc_ranges *r)
{
    if (r->span <= 0)
        return bc_ranges_finished(r) ? 1 : 0;
    double left = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!r->s[i].done)
            left += isnan(r->s[i].t_from) ? 0 : fabs(r->s[i].t_from - r->s[i].t_to);
    double share = 1 - left / r->span;
    return share < 0 ? 0 : share > 1 ? 1 : share;
}
