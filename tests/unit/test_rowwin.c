/* Unit tests for the keyset row window (tui/rowwin.c) over a real Better Auth SQLite file. */
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

#include "embedded.h"
#include "rowwin.h"
#include "sqlite_driver.h"

#define USERS 250
#define PAGE 10

typedef struct {
    char path[64];
    bc_driver *d;
    const char *search;
    tui_rowwin w;
} fixture;

static bc_status fetch(void *ctx, bool flipped, const char *cursor, bool want_total, size_t limit,
                       bc_page *out, bc_error *err)
{
    fixture *f = ctx;
    bc_user_query q = {.search = f->search,
                       .ascending = flipped,
                       .limit = limit,
                       .cursor = cursor,
                       .want_total = want_total};
    return bc_driver_users_page(f->d, &q, out, err);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/bcadmin-rowwin-XXXXXX");
    close(mkstemp(f->path));
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, bc_embedded_find(bc_assets, "better-auth-schema.sql")->data,
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < USERS; i++) {
        char sql[512];
        /* created one minute apart: u249 is the newest */
        snprintf(sql, sizeof sql,
                 "INSERT INTO user VALUES('u%03d','User %d','u%03d@example.com',1,NULL,"
                 "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','2026-01-01', '+%d minutes'),"
                 "'2026-01-01T00:00:00.000Z','user',0,NULL,NULL)",
                 i, i, i, i);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    bc_error err = {0};
    if (bc_sqlite_open(f->path, &(bc_sqlite_opts){0}, &f->d, &err) != BC_OK)
        fail_msg("%s", err.msg);
    tui_rowwin_init(&f->w, fetch, f, true, PAGE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tui_rowwin_release(&f->w);
    bc_driver_close(f->d);
    unlink(f->path);
    free(f);
    return 0;
}

static int selected_index(const tui_rowwin *w)
{
    const bc_record *r = tui_rowwin_selected(w);
    assert_non_null(r);
    return atoi(bc_record_text(r, "id") + 1);
}

static void walks_every_row_forward_with_a_bounded_window(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_OK);
    assert_int_equal(f->w.total, USERS);
    for (int i = 0; i < USERS; i++) {
        assert_int_equal(selected_index(&f->w), USERS - 1 - i); /* newest first, none skipped */
        assert_int_equal(tui_rowwin_position(&f->w), i);
        assert_true(f->w.rows.n <= (TUI_ROWWIN_PAGES - 1) * PAGE);
        assert_int_equal(tui_rowwin_move(&f->w, 1, &err), BC_OK);
    }
    assert_int_equal(selected_index(&f->w), 0); /* stays on the last row */
    assert_int_equal(tui_rowwin_position(&f->w), USERS - 1);
}

static void jumps_to_the_end_and_walks_back(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(tui_rowwin_reset(&f->w, true, &err), BC_OK);
    assert_true(f->w.flipped);
    assert_int_equal(selected_index(&f->w), 0); /* the oldest user */
    assert_int_equal(tui_rowwin_position(&f->w), USERS - 1);
    for (int i = 0; i < USERS; i++) {
        assert_int_equal(selected_index(&f->w), i);
        assert_int_equal(tui_rowwin_position(&f->w), USERS - 1 - i);
        assert_true(f->w.rows.n <= (TUI_ROWWIN_PAGES - 1) * PAGE);
        assert_int_equal(tui_rowwin_move(&f->w, -1, &err), BC_OK);
    }
    assert_int_equal(selected_index(&f->w), USERS - 1);
}

static void big_moves_land_on_the_right_row(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_OK);
    assert_int_equal(tui_rowwin_move(&f->w, 95, &err), BC_OK);
    assert_int_equal(tui_rowwin_position(&f->w), 95);
    assert_int_equal(selected_index(&f->w), USERS - 1 - 95);
    assert_int_equal(tui_rowwin_move(&f->w, -57, &err), BC_OK);
    assert_int_equal(selected_index(&f->w), USERS - 1 - 38);
    assert_int_equal(tui_rowwin_move(&f->w, 100000, &err), BC_OK); /* clamps at the end */
    assert_int_equal(selected_index(&f->w), 0);
    assert_int_equal(tui_rowwin_move(&f->w, -100000, &err), BC_OK);
    assert_int_equal(selected_index(&f->w), USERS - 1);
}

static void refresh_keeps_the_selected_row(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_OK);
    assert_int_equal(tui_rowwin_move(&f->w, 42, &err), BC_OK);
    assert_int_equal(selected_index(&f->w), 207);
    assert_int_equal(tui_rowwin_refresh(&f->w, "id", &err), BC_OK);
    assert_int_equal(selected_index(&f->w), 207);
    /* The selected user disappears: the row now in its place is selected. */
    const char *gone = "u207";
    size_t deleted = 0;
    bc_match m = {"id", &gone, 1};
    assert_int_equal(bc_driver_rows_delete(f->d, BC_MODEL_USER, &m, &deleted, &err), BC_OK);
    assert_int_equal(deleted, 1);
    assert_int_equal(tui_rowwin_refresh(&f->w, "id", &err), BC_OK);
    assert_int_equal(selected_index(&f->w), 206);
    assert_int_equal(f->w.total, USERS - 1);
    assert_int_equal(tui_rowwin_move(&f->w, -1, &err), BC_OK);
    assert_int_equal(selected_index(&f->w), 208);
}

static void empty_results_are_quiet(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    f->search = "no such user";
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_OK);
    assert_int_equal(f->w.rows.n, 0);
    assert_int_equal(f->w.total, 0);
    assert_null(tui_rowwin_selected(&f->w));
    assert_int_equal(tui_rowwin_move(&f->w, 5, &err), BC_OK);
    assert_int_equal(tui_rowwin_refresh(&f->w, "id", &err), BC_OK);
    assert_int_equal(tui_rowwin_reset(&f->w, true, &err), BC_OK);
    assert_int_equal(f->w.rows.n, 0);
    tui_list_place(&f->w.pos, 0, 10);
    assert_int_equal(f->w.pos.top, 0);
}

/* A fetch that fails or is stopped (the console's Esc) leaves the rows, selection and total
 * that were there: the screen never goes blank for a request that did not come back. */
static void a_failed_fetch_keeps_the_rows(void **state)
{
    fixture *f = *state;
    bc_error err = {0};
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_OK);
    assert_int_equal(tui_rowwin_move(&f->w, 23, &err), BC_OK);
    size_t n = f->w.rows.n;
    bc_driver_interrupt(f->d);
    f->search = "u1";
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_CANCELLED);
    assert_int_equal(f->w.rows.n, n);
    assert_int_equal(f->w.total, USERS);
    assert_int_equal(selected_index(&f->w), 226);
    f->search = NULL; /* the rows' own query, for refresh */
    assert_int_equal(tui_rowwin_refresh(&f->w, "id", &err), BC_CANCELLED);
    assert_int_equal(selected_index(&f->w), 226);
    assert_int_equal(tui_rowwin_reset(&f->w, true, &err), BC_CANCELLED);
    assert_int_equal(selected_index(&f->w), 226);
    bc_driver_interrupt_clear(f->d);
    f->search = "u1";
    assert_int_equal(tui_rowwin_reset(&f->w, false, &err), BC_OK);
    assert_int_equal(f->w.total, 100); /* u100-u199 */
    assert_int_equal(selected_index(&f->w), 199);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(walks_every_row_forward_with_a_bounded_window, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(jumps_to_the_end_and_walks_back, setup, teardown),
        cmocka_unit_test_setup_teardown(big_moves_land_on_the_right_row, setup, teardown),
        cmocka_unit_test_setup_teardown(refresh_keeps_the_selected_row, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_results_are_quiet, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_fetch_keeps_the_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
