/* Unit tests for the _creationTime range plan (convex_ranges.h), against a model of the stream
 * better-convex pages through: newest first by [_creationTime, _id], `cursor` exclusive and
 * `endCursor` inclusive, a prefix [t] standing for every row created at t, and a read stopping
 * after numItems + 1 rows with the key where it stopped (else answering the endCursor). The
 * real library is exercised by tests/integration/convex_rounds.sh; this checks the plan on
 * shapes that deployment cannot make cheaply: rows clumped in time, equal times, many rounds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "convex_ranges.h"

typedef struct {
    double t;
    int id;
} row;

/* newest first: t descending, then id descending */
static int cmp_key(double ta, int ia, double tb, int ib)
{
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return ia == ib ? 0 : ia > ib ? -1 : 1;
}

/* A cursor's bound: t and id, id -1 for a prefix [t]. */
static void parse(const char *c, double *t, int *id)
{
    *id = -1;
    char *end;
    *t = strtod(c + 1, &end);
    if (*end == ',')
        *id = atoi(end + 2);
}

/* Whether row r comes after cursor c (exclusive) in the order. */
static bool after(const row *r, const char *c)
{
    double t;
    int id;
    parse(c, &t, &id);
    if (id < 0)
        return r->t < t; /* every row created at t is part of the prefix */
    return cmp_key(r->t, r->id, t, id) > 0;
}

/* Whether row r comes before or at end (inclusive). */
static bool until(const row *r, const char *e)
{
    double t;
    int id;
    parse(e, &t, &id);
    if (id < 0)
        return r->t >= t;
    return cmp_key(r->t, r->id, t, id) <= 0;
}

static char *key_of(const row *r)
{
    char *s = malloc(64);
    snprintf(s, 64, "[%.17g,\"%06d\"]", r->t, r->id);
    return s;
}

/* One read: rows, their keys and the continueCursor (caller frees). */
static char *read_range(const row *rows, size_t n, const char *cursor, const char *end,
                        size_t per, bc_rows *out, char ***keys)
{
    *out = (bc_rows){0};
    *keys = calloc(per + 2, sizeof **keys);
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        if (!after(&rows[i], cursor) || !until(&rows[i], end))
            continue;
        bc_record r = {0};
        bc_record_set_date(&r, "n", rows[i].id);
        (*keys)[out->n] = key_of(&rows[i]);
        bc_rows_push(out, &r);
        if (++got == per + 1)
            return key_of(&rows[i]);
    }
    return strdup(end);
}

static int by_order(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return cmp_key(x->t, x->id, y->t, y->id);
}

typedef struct {
    size_t rounds, max_held, rows_out;
} outcome;

/* Take the rows the plan hands on and check they continue rows[*expect..] in order. */
static void take_in_order(bc_ranges *plan, const row *rows, size_t n, size_t *expect)
{
    bc_rows got = {0};
    char **keys = NULL;
    size_t moved = bc_ranges_take(plan, &got, &keys, 0);
    for (size_t i = 0; i < moved; i++) {
        int64_t v = 0;
        assert_true(*expect < n && bc_record_date(&got.items[i], "n", &v));
        if (v != rows[*expect].id)
            fail_msg("row %zu: got %lld, want %d", *expect, (long long)v, rows[*expect].id);
        (*expect)++;
        free(keys[i]);
    }
    free(keys);
    bc_rows_release(&got);
}

/* Read rows (first page of `per` rows taken as the start) through the plan; check every row comes
 * out once, in order. */
static outcome run(row *rows, size_t n, size_t per, size_t held, size_t in_flight)
{
    qsort(rows, n, sizeof *rows, by_order);
    outcome o = {0};
    size_t next = per < n ? per : n; /* the first page: rows[0..per) */
    if (next == n)
        return (outcome){1, 0, n};
    bc_ranges *plan = bc_ranges_new(per, held, in_flight);
    char *start = key_of(&rows[next - 1]);
    assert_true(bc_ranges_start(plan, start, rows[n - 1].t));
    free(start);
    o.rounds = 1;
    size_t expect = next;
    while (!bc_ranges_finished(plan)) {
        take_in_order(plan, rows, n, &expect);
        if (bc_ranges_finished(plan))
            break;
        bc_range_req req[16];
        size_t k = bc_ranges_plan(plan, req, in_flight);
        assert_true(k >= 1 && k <= in_flight);
        o.rounds++;
        bc_rows rs[16];
        char **ks[16], *nx[16];
        size_t ids[16];
        for (size_t i = 0; i < k; i++) {
            nx[i] = read_range(rows, n, req[i].cursor, req[i].end, per, &rs[i], &ks[i]);
            ids[i] = req[i].id;
        }
        for (size_t i = 0; i < k; i++) {
            assert_true(bc_ranges_answer(plan, ids[i], &rs[i], ks[i], nx[i]));
            free(ks[i]);
            free(nx[i]);
        }
        if (bc_ranges_held(plan) > o.max_held)
            o.max_held = bc_ranges_held(plan);
        assert_true(o.rounds < 10000);
    }
    assert_int_equal(expect, n);
    o.rows_out = expect;
    bc_ranges_free(plan);
    return o;
}

static row *table(size_t n, double (*time_of)(size_t i))
{
    row *r = calloc(n, sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = (row){time_of(i), (int)i};
    return r;
}

static double even(size_t i)
{
    return 1e12 + (double)i * 0.37;
}

/* three bursts far apart, one of them most of the table */
static double clumped(size_t i)
{
    return i < 100 ? 1e12 + i : i < 9000 ? 2e12 + (double)i * 1e-3 : 3e12 + (double)i;
}

/* many rows created at the same instant */
static double ties(size_t i)
{
    return 1e12 + (double)(i / 700);
}

static void evenly_spread(void **state)
{
    row *r = table(50000, even);
    outcome o = run(r, 50000, 4000, 64000, 8);
    assert_int_equal(o.rows_out, 50000);
    /* a first page, then 46,000 rows 8 x 4,000 at a time: a handful of rounds */
    assert_true(o.rounds <= 4);
    assert_true(o.max_held <= 64000 + 8 * 4001);
    free(r);
}

/* Uneven tables: every row once, in order, and never more held back than the buffer and one
 * round of reads. */
static void uneven(void **state)
{
    static const struct {
        size_t n, per, held, in_flight;
        double (*time_of)(size_t i);
    } cases[] = {{12000, 500, 4000, 8, clumped}, {7000, 300, 2400, 4, ties}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        row *r = table(cases[i].n, cases[i].time_of);
        outcome o = run(r, cases[i].n, cases[i].per, cases[i].held, cases[i].in_flight);
        assert_int_equal(o.rows_out, cases[i].n);
        assert_true(o.max_held <= cases[i].held + cases[i].in_flight * (cases[i].per + 1));
        free(r);
    }
}

static void one_instant(void **state)
{
    /* every row at one time: no range can be cut, the first range reads on alone */
    row *r = calloc(2000, sizeof *r);
    for (size_t i = 0; i < 2000; i++)
        r[i] = (row){5e12, (int)i};
    outcome o = run(r, 2000, 100, 800, 8);
    assert_int_equal(o.rows_out, 2000);
    free(r);
}

/* The driver's way since reads overlap writes: after each answer (taken in a shuffled order),
 * ask for more reads while others are still in flight. A range in flight is never asked for
 * twice, the reads in flight stay within in_flight, rows come out once and in order, and the
 * rows held plus those the reads in flight may bring stay within the buffer (the first open
 * range is always read: one read more). */
static void run_one_by_one(row *rows, size_t n, size_t per, size_t held, size_t in_flight)
{
    qsort(rows, n, sizeof *rows, by_order);
    bc_ranges *plan = bc_ranges_new(per, held, in_flight);
    char *start = key_of(&rows[per - 1]);
    assert_true(bc_ranges_start(plan, start, rows[n - 1].t));
    free(start);
    struct {
        size_t id;
        bc_rows rows;
        char **keys, *next;
    } out[16];
    size_t n_out = 0, expect = per;
    unsigned lcg = 12345;
    for (int steps = 0; !bc_ranges_finished(plan); steps++) {
        assert_true(steps < 100000);
        bc_range_req req[16];
        size_t k = bc_ranges_plan(plan, req, in_flight);
        for (size_t i = 0; i < k; i++) {
            for (size_t j = 0; j < n_out; j++)
                assert_true(out[j].id != req[i].id);
            out[n_out].id = req[i].id;
            out[n_out].next = read_range(rows, n, req[i].cursor, req[i].end, per, &out[n_out].rows,
                                         &out[n_out].keys);
            n_out++;
        }
        assert_true(n_out <= in_flight);
        assert_int_equal(bc_ranges_reading(plan), n_out);
        assert_true(bc_ranges_held(plan) + n_out * per <= held + 2 * (per + 1));
        assert_true(n_out > 0); /* rows taken below, so something is always asked for */
        lcg = lcg * 1103515245u + 12345u;
        size_t pick = (lcg >> 16) % n_out;
        assert_true(
            bc_ranges_answer(plan, out[pick].id, &out[pick].rows, out[pick].keys, out[pick].next));
        free(out[pick].keys);
        free(out[pick].next);
        out[pick] = out[--n_out];
        take_in_order(plan, rows, n, &expect);
    }
    assert_int_equal(expect, n);
    assert_int_equal(n_out, 0);
    bc_ranges_free(plan);
}

static void answers_one_by_one(void **state)
{
    row *r = table(30000, even);
    run_one_by_one(r, 30000, 1000, 16000, 8);
    free(r);
    r = table(12000, clumped);
    run_one_by_one(r, 12000, 500, 4000, 8);
    free(r);
    r = table(7000, ties);
    run_one_by_one(r, 7000, 300, 2400, 4);
    free(r);
}

static void refuses_no_progress(void **state)
{
    bc_ranges *plan = bc_ranges_new(10, 100, 2);
    assert_true(bc_ranges_start(plan, "[200,\"000009\"]", 100));
    bc_range_req req[2];
    size_t k = bc_ranges_plan(plan, req, 2);
    assert_int_equal(k, 2);
    /* the first range answers its own cursor again with no rows: never read it forever */
    bc_rows none = {0};
    char *same = strdup(req[0].cursor);
    size_t id = req[0].id;
    assert_false(bc_ranges_answer(plan, id, &none, NULL, same));
    free(same);
    /* and a cursor that is no key cannot start a plan */
    bc_ranges *other = bc_ranges_new(10, 100, 2);
    assert_false(bc_ranges_start(other, "opaque", 100));
    assert_false(bc_ranges_start(other, "[\"a\"]", 100));
    bc_ranges_free(other);
    bc_ranges_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evenly_spread),      cmocka_unit_test(uneven),
        cmocka_unit_test(one_instant),        cmocka_unit_test(refuses_no_progress),
        cmocka_unit_test(answers_one_by_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
