/* bench_users.c - times bcadmin's user browsing in process, through the driver seam.
 *
 * Opens a Better Auth SQLite file with the SQLite driver and times, with clock_gettime and several
 * repetitions, the operations the users screen performs: first page with total, a page far down
 * (reached by walking keyset cursors, which is also the "browse a million users" memory test),
 * email prefix search, substring search over email and name, banned filter, and one user's
 * detail with sessions and accounts. Prints medians (ms) and the process's peak resident memory
 * (VmHWM) as one JSON object on stdout; tests/bench/run.sh compares them with the real Better
 * Auth server and the sqlite3 shell.
 *
 * Usage: bench_users DB --user ID [--reps N] [--deep ROWS] [--prefix P] [--substring S]
 *                       [--limit N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "sqlite_driver.h"
#include "xalloc.h"

typedef struct {
    const char *db, *user_id, *prefix, *substring;
    int reps;
    long deep;
    size_t limit;
} bench_args;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Peak resident set of this process in KiB, from /proc/self/status; -1 when unreadable. */
static long vm_hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void die(const char *what, const bc_error *err)
{
    fprintf(stderr, "bench_users: %s: %s\n", what, err ? err->msg : strerror(errno));
    exit(1);
}

/* One timed users query: median over reps, plus what the last run returned. */
typedef struct {
    double median_ms;
    size_t rows;
    long long total;
} bench_result;

static bc_driver *open_db(const char *path)
{
    bc_driver *d = NULL;
    bc_error err = {0};
    bc_sqlite_opts opts = {.read_only = true};
    if (bc_sqlite_open(path, &opts, &d, &err) != BC_OK)
        die(path, &err);
    return d;
}

/* With db set, every repetition opens its own connection (not timed) so the driver's count
 * cache is empty and the total is really counted, as on the first screen of a session; with db
 * NULL the repetitions share d, as paging within one filter does. */
static bench_result time_query(bc_driver *d, const char *db, const bc_user_query *q, int reps,
                               const char *what)
{
    double *t = bc_xcalloc((size_t)reps, sizeof *t);
    bench_result r = {0};
    for (int i = -1; i < reps; i++) { /* run -1 warms the page cache and is not counted */
        bc_page page = {0};
        bc_error err = {0};
        bc_driver *conn = db ? open_db(db) : d;
        double t0 = now_ms();
        if (bc_driver_users_page(conn, q, &page, &err) != BC_OK)
            die(what, &err);
        double t1 = now_ms();
        if (i >= 0)
            t[i] = t1 - t0;
        r.rows = page.rows.n;
        r.total = page.total;
        bc_page_release(&page);
        if (db)
            bc_driver_close(conn);
    }
    r.median_ms = median(t, reps);
    free(t);
    return r;
}

/* Walk `rows` rows down the default order with full pages, return the cursor that continues
 * there (caller frees). *walk_ms gets the time the walk took. */
static char *walk(bc_driver *d, long rows, size_t limit, double *walk_ms)
{
    char *cursor = NULL;
    long seen = 0;
    double t0 = now_ms();
    while (seen < rows) {
        bc_user_query q = {.limit = limit, .cursor = cursor};
        bc_page page = {0};
        bc_error err = {0};
        if (bc_driver_users_page(d, &q, &page, &err) != BC_OK)
            die("walking pages", &err);
        seen += (long)page.rows.n;
        free(cursor);
        cursor = bc_xstrdup(page.next_cursor);
        bc_page_release(&page);
        if (!cursor)
            break;
    }
    *walk_ms = now_ms() - t0;
    if (seen != rows) {
        fprintf(stderr, "bench_users: walked %ld rows, wanted %ld (fewer users?)\n", seen, rows);
        exit(1);
    }
    return cursor;
}

/* One user's detail as the detail screen loads it: the user, their sessions, their accounts. */
static double time_detail(bc_driver *d, const char *user_id, int reps, size_t *n_sessions,
                          size_t *n_accounts)
{
    double *t = bc_xcalloc((size_t)reps, sizeof *t);
    const char *ids[] = {user_id};
    bc_match by_user = {.field = "userId", .values = ids, .n = 1};
    for (int i = -1; i < reps; i++) {
        bc_record user = {0};
        bc_rows sessions = {0}, accounts = {0};
        bc_error err = {0};
        double t0 = now_ms();
        if (bc_driver_row_get(d, BC_MODEL_USER, "id", user_id, &user, &err) != BC_OK)
            die("user detail: user", &err);
        if (bc_driver_rows_get(d, BC_MODEL_SESSION, &by_user, 0, &sessions, &err) != BC_OK)
            die("user detail: sessions", &err);
        if (bc_driver_rows_get(d, BC_MODEL_ACCOUNT, &by_user, 0, &accounts, &err) != BC_OK)
            die("user detail: accounts", &err);
        double t1 = now_ms();
        if (i >= 0)
            t[i] = t1 - t0;
        *n_sessions = sessions.n;
        *n_accounts = accounts.n;
        bc_record_release(&user);
        bc_rows_release(&sessions);
        bc_rows_release(&accounts);
    }
    double m = median(t, reps);
    free(t);
    return m;
}

static void print_result(const char *name, bench_result fresh, bench_result reused)
{
    printf("  \"%s\": {\"median_ms\": %.4f, \"reused_ms\": %.4f, \"rows\": %zu, "
           "\"total\": %lld},\n",
           name, fresh.median_ms, reused.median_ms, fresh.rows, fresh.total);
}

/* Time q both ways (see time_query) and print it. */
static void bench_list(bc_driver *d, const char *db, const char *name, const bc_user_query *q,
                       int reps)
{
    bench_result fresh = time_query(d, db, q, reps, name);
    bench_result reused = time_query(d, NULL, q, reps, name);
    print_result(name, fresh, reused);
}

static void usage(void)
{
    fputs("usage: bench_users DB --user ID [--reps N] [--deep ROWS] [--prefix P] "
          "[--substring S] [--limit N]\n",
          stderr);
    exit(2);
}

static bench_args parse_args(int argc, char **argv)
{
    bench_args a = {.reps = 9, .deep = 500000, .prefix = "user1", .substring = "mart", .limit = 50};
    if (argc < 2)
        usage();
    a.db = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (strcmp(argv[i], "--user") == 0)
            a.user_id = v;
        else if (strcmp(argv[i], "--reps") == 0)
            a.reps = atoi(v);
        else if (strcmp(argv[i], "--deep") == 0)
            a.deep = atol(v);
        else if (strcmp(argv[i], "--prefix") == 0)
            a.prefix = v;
        else if (strcmp(argv[i], "--substring") == 0)
            a.substring = v;
        else if (strcmp(argv[i], "--limit") == 0)
            a.limit = (size_t)atol(v);
        else
            usage();
        i++;
    }
    if (!a.user_id || a.reps < 1 || a.deep < 0 || a.limit < 1)
        usage();
    return a;
}

int main(int argc, char **argv)
{
    bench_args a = parse_args(argc, argv);
    double t0 = now_ms();
    bc_driver *d = open_db(a.db);
    double open_ms = now_ms() - t0;

    printf("{\n  \"reps\": %d,\n  \"open_ms\": %.3f,\n", a.reps, open_ms);
    bc_user_query first = {.limit = a.limit, .want_total = true};
    bench_list(d, a.db, "first_page", &first, a.reps);
    bc_user_query first_nototal = {.limit = a.limit};
    bench_list(d, a.db, "first_page_no_total", &first_nototal, a.reps);

    double walk_ms = 0;
    char *cursor = walk(d, a.deep, a.limit, &walk_ms);
    printf("  \"walk\": {\"rows\": %ld, \"ms\": %.1f},\n", a.deep, walk_ms);
    bc_user_query deep = {.limit = a.limit, .cursor = cursor, .want_total = true};
    bench_list(d, a.db, "deep_page", &deep, a.reps);

    bc_user_query prefix = {
        .search = a.prefix, .search_mode = BC_SEARCH_PREFIX, .limit = a.limit, .want_total = true};
    bench_list(d, a.db, "prefix", &prefix, a.reps);
    bc_user_query substr = {.search = a.substring,
                            .search_mode = BC_SEARCH_CONTAINS,
                            .limit = a.limit,
                            .want_total = true};
    bench_list(d, a.db, "substring", &substr, a.reps);
    bc_user_query banned = {.ban = BC_BAN_BANNED, .limit = a.limit, .want_total = true};
    bench_list(d, a.db, "banned", &banned, a.reps);

    size_t n_sessions = 0, n_accounts = 0;
    double detail_ms = time_detail(d, a.user_id, a.reps, &n_sessions, &n_accounts);
    printf("  \"detail\": {\"median_ms\": %.4f, \"sessions\": %zu, \"accounts\": %zu},\n",
           detail_ms, n_sessions, n_accounts);
    /* Peak memory of the whole run: every query above plus the walk through half the users. */
    printf("  \"vmhwm_kb\": %ld\n}\n", vm_hwm_kb());
    free(cursor);
    bc_driver_close(d);
    return 0;
}
