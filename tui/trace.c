/* trace.c - per-frame timings for BCADMIN_TRACE. */
#include "trace.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "keymap.h"

static FILE *trace_file;
static uint64_t frame_no;
static int64_t fetch_us;
static unsigned fetches;
static int64_t rows_since_us, count_since_us; /* 0: the frame shows neither */

bool tui_trace_open(const char **why)
{
    const char *path = getenv("BCADMIN_TRACE");
    *why = NULL;
    if (!path || !*path)
        return false;
    /* Private from the start: a trace says when and how much the operator typed. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat sb;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077) &&
        fchmod(fd, 0600) != 0) {
        close(fd);
        fd = -1;
    }
    trace_file = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!trace_file) {
        if (fd >= 0)
            close(fd);
        *why = "cannot open the BCADMIN_TRACE file: tracing is off";
        return false;
    }
    return true;
}

void tui_trace_key_label(int key, bool in_text, char *out, size_t size)
{
    bool types = key >= ' ' && key != 0x7f && key < TUI_KEY_BASE;
    if (in_text && types)
        snprintf(out, size, "char");
    else
        tui_key_name(key, out, size);
}

void tui_trace_close(void)
{
    if (trace_file)
        fclose(trace_file);
    trace_file = NULL;
}

int64_t tui_trace_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void tui_trace_fetch(int64_t us)
{
    fetch_us += us;
    fetches++;
}

void tui_trace_frame(const char *event, const char *action, int64_t handle_us, int64_t draw_us,
                     int64_t first_us)
{
    if (trace_file) {
        int64_t total = handle_us + draw_us, now = tui_trace_now_us();
        fprintf(trace_file,
                "frame=%llu event=%s action=%s fetch_ms=%.3f fetches=%u handle_ms=%.3f "
                "draw_ms=%.3f total_ms=%.3f first_ms=%.3f",
                (unsigned long long)++frame_no, event, action, fetch_us / 1000.0, fetches,
                handle_us / 1000.0, draw_us / 1000.0, total / 1000.0,
                (first_us ? first_us : total) / 1000.0);
        if (rows_since_us)
            fprintf(trace_file, " rows_ms=%.3f", (now - rows_since_us) / 1000.0);
        if (count_since_us)
            fprintf(trace_file, " count_ms=%.3f", (now - count_since_us) / 1000.0);
        fputc('\n', trace_file);
        fflush(trace_file);
    }
    fetch_us = 0;
    fetches = 0;
    rows_since_us = count_since_us = 0;
}

void tui_trace_rows_since(int64_t since_us)
{
    rows_since_us = since_us;
}

void tui_trace_count_since(int64_t since_us)
{
    count_since_us = since_us;
}

void tui_trace_startup(int64_t us)
{
    if (trace_file) {
        fprintf(trace_file, "startup_ms=%.3f\n", us / 1000.0);
        fflush(trace_file);
    }
}
