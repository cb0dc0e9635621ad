/* Unit tests for core/stats: the overview's numbers at their edges (a day's first and last
 * millisecond, a ban or a session ending exactly now or exactly a week from now, roles that are
 * and are not admin, dates stored as epoch milliseconds, empty values), counted by the SQLite
 * driver's count ops; the same numbers read page by page where a driver cannot count (a driver
 * without count ops over the same file), and what a bounded read says about itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ba_fixture.h"
#include "driver.h"
#include "embedded.h"
#include "isotime.h"
#include "sqlite_driver.h"
#include "stats.h"
#include "xalloc.h"

#define NOW "2026-06-01T12:00:00.000Z"

/* Days run 2026-05-03 .. 2026-06-01 (30). */
static const char *const rows_sql =
    "INSERT INTO \"user\" VALUES"
    /* id, name, email, verified, image, created, updated, role, banned, reason, expires */
    " ('u1','A','a@x',1,NULL,'2026-05-03T00:00:00.000Z','2026-05-03T00:00:00.000Z','admin',0,NULL,NULL),"
    " ('u2','B','b@x',0,NULL,'2026-05-02T23:59:59.999Z','2026-05-02T23:59:59.999Z','user,admin',0,NULL,NULL),"
    " ('u3','C','c@x',1,NULL,'2026-06-01T11:59:59.999Z','2026-06-01T11:59:59.999Z','superadmin',1,'x',NULL),"
    " ('u4','D','d@x',1,NULL,1780315200000,1780315200000,NULL,1,'x','2026-06-01T12:00:00.000Z'),"
    " ('u5','E','e@x',0,NULL,'2026-05-31T00:00:00.000Z','2026-05-31T00:00:00.000Z','user',1,'x','2026-06-01T12:00:00.001Z'),"
    " ('u6','F','f@x',1,NULL,'2026-05-31T00:00:00.000Z','2026-05-31T00:00:00.000Z','user',1,'x',1780920000000),"
    " ('u7','G','g@x',1,NULL,'2026-05-31T00:00:00.000Z','2026-05-31T00:00:00.000Z','',1,'x','2026-06-08T12:00:00.001Z'),"
    " ('u8','H','h@x',1,NULL,'2026-06-02T00:00:00.000Z','2026-06-02T00:00:00.000Z','user',0,NULL,NULL);"
    "INSERT INTO session VALUES"
    /* id, expires, token, created, updated, ip, agent, user, impersonatedBy */
    " ('s1','2026-06-01T12:00:00.000Z','t1','2026-05-25T12:00:00.000Z','x','','',"
    "'u3',NULL),"
    " ('s2','2026-06-01T12:00:00.001Z','t2','2026-06-01T00:00:00.000Z','x','','','u3',NULL),"
    " ('s3',1780920000000,'t3','2026-06-01T10:00:00.000Z','x','','','u5','u1'),"
    " ('s4','2026-06-02T00:00:00.000Z','t4','2026-06-01T11:00:00.000Z','x','','','u6','u1'),"
    " ('s5','2026-06-02T00:00:00.000Z','t5','2026-06-01T11:00:00.000Z','x','','','u6','u2'),"
    " ('s6','2026-05-31T00:00:00.000Z','t6','2026-05-30T11:00:00.000Z','x','','','u7','u2'),"
    " ('s7','2026-06-02T00:00:00.000Z','t7',1780315200000,'x','','','u7','');"
    "INSERT INTO account VALUES"
    " ('a1','u1','credential','u1',NULL,NULL,NULL,NULL,NULL,NULL,'h','2026-05-03T00:00:00.000Z','x'),"
    " ('a2','u2','credential','u2',NULL,NULL,NULL,NULL,NULL,NULL,'h','2026-05-03T00:00:00.000Z','x'),"
    " ('a3','g3','google','u3',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-05-04T00:00:00.000Z','x'),"
    " ('a4','u4','credential','u4',NULL,NULL,NULL,NULL,NULL,NULL,'h','2026-05-05T00:00:00.000Z','x'),"
    " ('a5','x5','','u5',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-05-06T00:00:00.000Z','x');";

static int setup(void **state)
{
    setenv("BCADMIN_NOW", NOW, 1);
    *state = ba_fixture_open(rows_sql);
    return 0;
}

static int teardown(void **state)
{
    ba_fixture_close(*state);
    return 0;
}

static void add_indexes(ba_fixture *f)
{
    bc_error err = {0};
    if (bc_sqlite_add_indexes(f->d, &err) != BC_OK)
        fail_msg("indexes: %s", err.msg);
}

static int day_of(const bc_stats *s, const char *date)
{
    for (int i = 0; i < s->days; i++) {
        char d[11];
        bc_stats_day(s, i, d);
        if (strcmp(d, date) == 0)
            return i;
    }
    fail_msg("%s is not one of the days", date);
    return -1;
}

/* What the fixture holds at NOW, whichever way it is counted. */
static void expect_numbers(const bc_stats *s)
{
    assert_int_equal(s->users, 8);
    assert_int_equal(s->verified, 6);
    assert_int_equal(s->admins, 2); /* admin, user,admin; not superadmin, NULL or "" */
    /* in force: u3 (no expiry), u5 (+1 ms), u6 (+7 d, epoch ms), u7 (+7 d +1 ms); not u4 (now) */
    assert_int_equal(s->banned, 4);
    assert_int_equal(s->bans_ending, 2); /* u5, u6: at or before now + 7 days */
    assert_int_equal(s->sessions, 7);
    assert_int_equal(s->active_sessions, 5); /* s2, s3 (epoch ms), s4, s5, s7; not s1 (now) */
    assert_int_equal(s->impersonation_sessions, 3); /* s3, s4 by u1, s5 by u2; s6 expired */
    assert_int_equal(s->n_impersonators, 2);
    assert_string_equal(s->impersonators[0].user_id, "u1");
    assert_string_equal(s->impersonators[0].email, "a@x");
    assert_int_equal(s->impersonators[0].sessions, 2);
    assert_string_equal(s->impersonators[1].user_id, "u2");
    assert_int_equal(s->impersonators[1].sessions, 1);
    assert_int_equal(s->accounts, 5);
    assert_int_equal(s->providers.n, 2); /* "" is not a provider */
    assert_string_equal(s->providers.items[0].value, "credential");
    assert_int_equal(s->providers.items[0].n, 3);
    assert_string_equal(s->providers.items[1].value, "google");
    assert_int_equal(s->providers.items[1].n, 1);
    /* per day: u1 on the first day, not u2 a millisecond before it; u3 and u4 (epoch ms, noon)
     * today; three on 05-31; u8 (tomorrow) nowhere */
    int64_t sum = 0;
    for (int i = 0; i < s->days; i++)
        sum += s->signups[i];
    assert_int_equal(sum, 6);
    assert_int_equal(s->signups[0], 1);
    assert_int_equal(s->signups[day_of(s, "2026-06-01")], 2);
    assert_int_equal(s->signups[day_of(s, "2026-05-31")], 3);
    assert_int_equal(s->sessions_per_day[day_of(s, "2026-06-01")], 5); /* s2 s3 s4 s5 s7 */
    assert_int_equal(s->sessions_per_day[day_of(s, "2026-05-25")], 1);
    assert_int_equal(s->sessions_per_day[day_of(s, "2026-05-30")], 1);
    assert_int_equal(bc_stats_busiest(s, s->sessions_per_day), day_of(s, "2026-06-01"));
}

static void run(bc_driver *d, bc_stats *s, size_t sample)
{
    bc_error err = {0};
    assert_int_equal(bc_stats_begin(s, 30, sample, 0, &err), BC_OK);
    if (bc_stats_run(d, s, &err) != BC_OK)
        fail_msg("stats: %s", err.msg);
}

static void counts_at_the_edges(void **state)
{
    ba_fixture *f = *state;
    for (int indexed = 0; indexed < 2; indexed++) {
        if (indexed)
            add_indexes(f);
        bc_stats s;
        run(f->d, &s, 0);
        expect_numbers(&s);
        for (int p = 0; p < BC_STATS_PARTS; p++) {
            assert_true(s.basis[p].exact && s.basis[p].done && s.basis[p].days_exact);
            assert_int_equal(s.basis[p].read, 0);
        }
        char day[11];
        bc_stats_day(&s, 0, day);
        assert_string_equal(day, "2026-05-03");
        bc_stats_release(&s);
    }
}

/* --- a driver that cannot count: the SQLite file read page by page ----------------------------- */

typedef struct {
    bc_driver base;
    bc_driver *inner;
} pager;

static bc_status pager_rows_page(bc_driver *d, bc_model m, size_t limit, const char *cursor,
                                 bc_page *out, bc_error *err)
{
    pager *p = (pager *)d;
    if (m == BC_MODEL_USER)
        return bc_driver_users_page(p->inner, &(bc_user_query){.limit = limit, .cursor = cursor},
                                    out, err);
    if (m == BC_MODEL_SESSION)
        return bc_driver_sessions_page(p->inner,
                                       &(bc_session_query){.limit = limit, .cursor = cursor}, out,
                                       err);
    return bc_driver_rows_get(p->inner, m, NULL, limit, &out->rows, err); /* one page */
}

static bc_status pager_rows_get(bc_driver *d, bc_model m, const bc_match *mt, size_t limit,
                                bc_rows *out, bc_error *err)
{
    return bc_driver_rows_get(((pager *)d)->inner, m, mt, limit, out, err);
}

static const bc_driver_ops pager_ops = {
    .kind = "pager", .rows_get = pager_rows_get, .rows_page = pager_rows_page};

static void reading_every_row_agrees(void **state)
{
    ba_fixture *f = *state;
    pager p = {.base = {.ops = &pager_ops}, .inner = f->d};
    assert_false(bc_driver_counts(&p.base));
    bc_stats s;
    run(&p.base, &s, 1000);
    expect_numbers(&s);
    assert_int_equal(s.basis[BC_STATS_USERS].read, 8);
    assert_true(s.basis[BC_STATS_USERS].exact && s.basis[BC_STATS_USERS].days_exact);
    char *text = bc_stats_basis_text(&s, BC_STATS_USERS);
    assert_string_equal(text, "every user (all 8 read)");
    free(text);
    bc_stats_release(&s);
}

static void a_bounded_read_says_so(void **state)
{
    ba_fixture *f = *state;
    pager p = {.base = {.ops = &pager_ops}, .inner = f->d};
    bc_stats s;
    /* the newest three users in the store's order: u8 (tomorrow), u3, u7 (SQLite sorts text
     * dates after epoch-ms numbers, so u4 comes last) */
    run(&p.base, &s, 3);
    const bc_stats_basis *b = &s.basis[BC_STATS_USERS];
    assert_true(b->done);
    assert_false(b->exact);
    assert_int_equal(b->read, 3);
    assert_false(b->days_exact); /* nothing read from before the first day */
    assert_int_equal(s.users, 3);
    assert_int_equal(s.banned, 2); /* u3, u7 */
    char *text = bc_stats_basis_text(&s, BC_STATS_USERS);
    assert_string_equal(text, "newest 3 users (lower bounds)");
    free(text);
    json_t *j = bc_stats_to_json(&s);
    assert_false(json_is_true(json_object_get(j, "exact")));
    json_t *basis = json_object_get(json_object_get(j, "basis"), "users");
    assert_int_equal(json_integer_value(json_object_get(basis, "rowsRead")), 3);
    assert_int_equal(json_array_size(json_object_get(j, "signupsPerDay")), 30);
    json_decref(j);
    bc_stats_release(&s);
}

static void refuses_bad_days(void **state)
{
    (void)state;
    bc_stats s;
    bc_error err = {0};
    assert_int_equal(bc_stats_begin(&s, 0, 0, 0, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "days: 0 is not from 1 to 366"));
    assert_int_equal(bc_stats_begin(&s, BC_STATS_DAYS_MAX + 1, 0, 0, &err), BC_USAGE);
    bc_stats_release(&s);
    /* a driver that neither counts nor pages says what it cannot do */
    static const bc_driver_ops none = {.kind = "none"};
    bc_driver d = {.ops = &none};
    assert_int_equal(bc_stats_begin(&s, 30, 0, 0, &err), BC_OK);
    assert_int_equal(bc_stats_run(&d, &s, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "a none target cannot page through every row"));
    bc_stats_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(counts_at_the_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(reading_every_row_agrees, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bounded_read_says_so, setup, teardown),
        cmocka_unit_test(refuses_bad_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
