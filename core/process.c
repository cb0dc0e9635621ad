/* process.c - process identity from /proc (process.h). */
#include "process.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The first line of a small file, without its line end, or false. */
static bool read_line(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(out, (int)size, f) != NULL;
    fclose(f);
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok && *out;
}

/* Field 22 (starttime) of /proc/PID/stat: counted after the command name, which is in
 * parentheses and may itself hold spaces and parentheses (so from the last ')'). */
static bool start_ticks(int64_t pid, unsigned long long *ticks)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return false;
    p++;
    /* fields 3.. follow: field 22 is the 20th after the ')' */
    for (int field = 3; field < 22; field++) {
        p += strspn(p, " ");
        p += strcspn(p, " ");
        if (!*p)
            return false;
    }
    p += strspn(p, " ");
    char *end;
    errno = 0;
    *ticks = strtoull(p, &end, 10);
    return errno == 0 && end != p;
}

bool bc_process_start_of(int64_t pid, char *out, size_t size)
{
    char boot[64];
    unsigned long long ticks;
    if (pid <= 0 || !read_line("/proc/sys/kernel/random/boot_id", boot, sizeof boot) ||
        !start_ticks(pid, &ticks))
        return false;
    int n = snprintf(out, size, "%s:%llu", boot, ticks);
    return n > 0 && (size_t)n < size;
}

static pthread_once_t self_once = PTHREAD_ONCE_INIT;
static char self_start[BC_PROCESS_START_LEN];
static bool self_known;

static void self_init(void)
{
    self_known = bc_process_start_of((int64_t)getpid(), self_start, sizeof self_start);
}

int64_t bc_process_self_pid(void)
{
    return (int64_t)getpid();
}

const char *bc_process_self_start(void)
{
    pthread_once(&self_once, self_init);
    return self_known ? self_start : NULL;
}

bool bc_process_running(int64_t pid, const char *start)
{
    if (pid <= 0 || (pid_t)pid != pid)
        return false;
    if (start && *start) {
        char now[BC_PROCESS_START_LEN];
        if (bc_process_start_of(pid, now, sizeof now))
            return strcmp(now, start) == 0;
        /* /proc says nothing: gone if kill agrees, else (no /proc at all) trust the pid */
    }
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}
