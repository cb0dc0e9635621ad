/* Unit tests for bc_driver_interrupt on the SQLite driver: a call made while the stop flag is set
 * fails with BC_CANCELLED naming the file, from the calling thread or another one; a call waiting
 * for another process's lock stops waiting; the driver works normally once the flag is cleared.
 * (The Convex driver's stop is tested against the test deployment by tests/screen/busy.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "demo.h"
#include "driver.h"
#include "sqlite_driver.h"
#include "xalloc.h"

typedef struct {
    char dir[64];
    char *path;
    bc_driver *d;
} fixture;

static int setup(void **state)
{
    fixture *f = bc_xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/bc_interrupt_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    f->path = bc_xasprintf("%s/demo.db", f->dir);
    bc_error err = {0};
    bc_demo_opts o = {.users = 3000, .seed = 7};
    if (bc_demo_create(f->path, &o, NULL, &err) != BC_OK)
        fail_msg("demo: %s", err.msg);
    if (bc_sqlite_open(f->path, &(bc_sqlite_opts){.read_only = true}, &f->d, &err) != BC_OK)
        fail_msg("open: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_driver_close(f->d);
    unlink(f->path);
    rmdir(f->dir);
    free(f->path);
    free(f);
    return 0;
}

/* A substring search over every user: a scan of the whole table. */
static bc_status search(bc_driver *d, bc_page *out, bc_error *err)
{
    bc_user_query q = {.search = "example", .want_total = true};
    return bc_driver_users_page(d, &q, out, err);
}

static void test_stopped_before_it_starts(void **state)
{
    fixture *f = *state;
    bc_page p = {0};
    bc_error err = {0};
    bc_driver_interrupt(f->d);
    assert_int_equal(search(f->d, &p, &err), BC_CANCELLED);
    assert_int_equal(err.status, BC_CANCELLED);
    assert_non_null(strstr(err.msg, f->path));
    bc_page_release(&p);
    /* still stopped: the flag stays until the caller clears it */
    assert_int_equal(search(f->d, &p, &err), BC_CANCELLED);
    bc_page_release(&p);

    bc_driver_interrupt_clear(f->d);
    memset(&err, 0, sizeof err);
    assert_int_equal(search(f->d, &p, &err), BC_OK);
    /* the same answer as a connection that was never stopped */
    bc_driver *fresh = NULL;
    bc_page q = {0};
    assert_int_equal(bc_sqlite_open(f->path, NULL, &fresh, &err), BC_OK);
    assert_int_equal(search(fresh, &q, &err), BC_OK);
    assert_true(q.total > 2000);
    assert_int_equal(p.total, q.total);
    assert_int_equal(p.rows.n, q.rows.n);
    bc_page_release(&q);
    bc_driver_close(fresh);
    bc_page_release(&p);
}

typedef struct {
    bc_driver *d;
    bc_status st;
    bc_error err;
} worker;

static void *stop_then_search(void *arg)
{
    worker *w = arg;
    bc_page p = {0};
    w->st = search(w->d, &p, &w->err);
    bc_page_release(&p);
    return NULL;
}

/* The flag is set on one thread and seen by a call on another (the console's worker). */
static void test_stopped_from_another_thread(void **state)
{
    fixture *f = *state;
    bc_driver_interrupt(f->d);
    worker w = {.d = f->d};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_then_search, &w), 0);
    pthread_join(t, NULL);
    assert_int_equal(w.st, BC_CANCELLED);
    bc_driver_interrupt_clear(f->d);
    assert_int_equal(pthread_create(&t, NULL, stop_then_search, &w), 0);
    pthread_join(t, NULL);
    assert_int_equal(w.st, BC_OK);
}

/* A stop that comes while nothing runs, then cleared, leaves every kind of call working. */
static void test_cleared_stop_leaves_no_trace(void **state)
{
    fixture *f = *state;
    bc_driver_interrupt(f->d);
    bc_driver_interrupt_clear(f->d);
    bc_error err = {0};
    bc_page p = {0};
    bc_session_query sq = {.want_total = true};
    assert_int_equal(bc_driver_sessions_page(f->d, &sq, &p, &err), BC_OK);
    assert_true(p.total > 0);
    bc_page_release(&p);
    bc_driver_interrupt(NULL); /* NULL is fine, as everywhere */
    bc_driver_interrupt_clear(NULL);
}

static void *stop_soon(void *arg)
{
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
    bc_driver_interrupt(arg);
    return NULL;
}

/* A write waiting out another connection's lock (10 s allowed) stops when asked, as stopped,
 * not as "locked"; once the lock is gone and the flag cleared, the same write goes through. */
static void test_a_wait_for_a_lock_stops(void **state)
{
    fixture *f = *state;
    sqlite3 *app = NULL;
    assert_int_equal(sqlite3_open(f->path, &app), SQLITE_OK);
    assert_int_equal(sqlite3_exec(app, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    bc_driver *w = NULL;
    bc_error err = {0};
    bc_sqlite_opts o = {.busy_timeout_ms = 10000};
    assert_int_equal(bc_sqlite_open(f->path, &o, &w, &err), BC_OK);
    const char *id = NULL;
    bc_page p = {0};
    bc_user_query q = {.limit = 1};
    assert_int_equal(bc_driver_users_page(w, &q, &p, &err), BC_OK);
    id = bc_record_text(&p.rows.items[0], "id");
    bc_match m = {"id", &id, 1};
    bc_record patch = {0};
    bc_record_set_text(&patch, "name", "Stopped");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_soon, w), 0);
    size_t changed = 0;
    assert_int_equal(bc_driver_rows_update(w, BC_MODEL_USER, &m, &patch, &changed, &err),
                     BC_CANCELLED);
    pthread_join(t, NULL);
    assert_non_null(strstr(err.msg, f->path));
    assert_null(strstr(err.msg, "locked"));

    assert_int_equal(sqlite3_exec(app, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(app);
    bc_driver_interrupt_clear(w);
    assert_int_equal(bc_driver_rows_update(w, BC_MODEL_USER, &m, &patch, &changed, &err), BC_OK);
    assert_int_equal(changed, 1);
    bc_record_release(&patch);
    bc_page_release(&p);
    bc_driver_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stopped_before_it_starts),
        cmocka_unit_test(test_stopped_from_another_thread),
        cmocka_unit_test(test_cleared_stop_leaves_no_trace),
        cmocka_unit_test(test_a_wait_for_a_lock_stops),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
