/* bench_demo - how fast `bcadmin demo` builds a large database (default 1,000,000 users).
 *
 * usage: bench_demo [USERS] [DIR]   Prints the time and users/s; never asserts a time.
 * The database goes into a fresh temporary directory (under DIR or $TMPDIR) and is removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    unsigned long long users = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000ULL;
    const char *base = argc > 2 ? argv[2] : getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bench-demo-XXXXXX", base && *base ? base : "/tmp");
    if (users == 0 || mkdtemp(dir) == NULL) {
        fprintf(stderr, "usage: bench_demo [USERS>0] [DIR]\n");
        return 2;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/demo.db", dir);

    bc_demo_opts opts = {.users = users, .seed = 1, .now_ms = 0};
    bc_demo_report rep = {0};
    bc_error err = {0};
    double t0 = seconds();
    bc_status st = bc_demo_create(path, &opts, &rep, &err);
    double t = seconds() - t0;
    struct stat sb;
    long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
    unlink(path);
    rmdir(dir);
    if (st != BC_OK) {
        fprintf(stderr, "bench_demo: %s\n", err.msg);
        return 1;
    }
    printf("demo: %llu users, %llu sessions, %llu accounts in %.2f s = %.0f users/s "
           "(file %.0f MiB)\n",
           (unsigned long long)rep.users, (unsigned long long)rep.sessions,
           (unsigned long long)rep.accounts, t, (double)rep.users / t,
           (double)size / (1024.0 * 1024.0));
    return 0;
}
