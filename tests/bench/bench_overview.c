/* bench_overview.c - times the Overview's numbers (core/stats.h) in process on a SQLite file:
 * each repetition opens the file read-only (not timed), then times bc_stats_run (every panel)
 * and its first step alone (the users panel). Prints the medians (ms) as one JSON object;
 * tests/bench/overview_bench.sh compares them with the sqlite3 shell's best SQL for the same
 * numbers in the same run. Usage: bench_overview DB [--reps N] [--days N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "sqlite_driver.h"
#include "stats.h"

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
    struct timespec ts;
    if (getenv("BENCH_CPU"))
        return cpu_ms();
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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_overview DB [--reps N] [--days N]\n");
        return 2;
    }
    int reps = 9, days = BC_STATS_DAYS_DEFAULT;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--days") == 0)
            days = atoi(argv[i + 1]);
    }
    if (reps < 1 || reps > 100)
        reps = 9;
    double *all = calloc((size_t)reps, sizeof *all), *first = calloc((size_t)reps, sizeof *first);
    long long users = 0, active = 0;
    for (int r = -1; r < reps; r++) { /* r = -1 warms the page cache */
        bc_driver *d = NULL;
        bc_error err = {0};
        bc_sqlite_opts o = {.read_only = true};
        if (bc_sqlite_open(argv[1], &o, &d, &err) != BC_OK) {
            fprintf(stderr, "bench_overview: %s\n", err.msg);
            return 1;
        }
        bc_stats s;
        double t0 = now_ms();
        bc_status st = bc_stats_begin(&s, days, 0, 0, &err);
        if (st == BC_OK)
            st = bc_stats_step(d, &s, &err);
        double t1 = now_ms();
        double steps[8] = {t1 - t0};
        int n = 1;
        while (st == BC_OK && !bc_stats_done(&s)) {
            double a = now_ms();
            st = bc_stats_step(d, &s, &err);
            if (n < 8)
                steps[n++] = now_ms() - a;
        }
        double t2 = now_ms();
        if (getenv("BENCH_STEPS")) {
            for (int i = 0; i < n; i++)
                fprintf(stderr, "%.1f ", steps[i]);
            fprintf(stderr, "\n");
        }
        if (st != BC_OK) {
            fprintf(stderr, "bench_overview: %s\n", err.msg);
            return 1;
        }
        if (r >= 0) {
            first[r] = t1 - t0;
            all[r] = t2 - t0;
        }
        users = s.users;
        active = s.active_sessions;
        bc_stats_release(&s);
        bc_driver_close(d);
    }
    printf("{\"reps\":%d,\"days\":%d,\"users\":%lld,\"activeSessions\":%lld,"
           "\"overview_ms\":%.3f,\"users_panel_ms\":%.3f}\n",
           reps, days, users, active, median(all, reps), median(first, reps));
    free(all);
    free(first);
    return 0;
}
