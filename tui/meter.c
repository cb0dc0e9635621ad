/* meter.c - the progress line on a terminal's standard error (meter.h). */
#include "meter.h"

#include "xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FIRST_DRAW_MS 200 /* work that ends sooner shows nothing (BCADMIN_PROGRESS_DELAY_MS) */
#define REDRAW_MS 100

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void bc_meter_start(bc_meter *m, const char *label)
{
    *m = (bc_meter){.f = isatty(STDERR_FILENO) ? stderr : NULL, .label = label};
    const char *delay = getenv("BCADMIN_PROGRESS_DELAY_MS");
    m->delay_ms = delay && *delay ? atoll(delay) : FIRST_DRAW_MS;
    m->start_ms = m->phase_ms = mono_ms();
}

static void on_report(void *ctx, const char *what, uint64_t done, uint64_t total)
{
    bc_meter_update(ctx, what, done, total);
}

bc_progress bc_meter_progress(bc_meter *m)
{
    return (bc_progress){.report = on_report, .ctx = m};
}

/* 1234567 -> "1,234,567" */
static void grouped(char *out, size_t size, uint64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void bc_meter_update(bc_meter *m, const char *what, uint64_t done, uint64_t total)
{
    if (!m || !m->f)
        return;
    int64_t now = mono_ms();
    if (what != m->what && (!m->what || strcmp(what, m->what) != 0)) {
        m->what = what;
        m->phase_done = done;
        m->phase_ms = now;
    } else if (now - m->start_ms < m->delay_ms || now - m->last_ms < REDRAW_MS) {
        return;
    }
    if (now - m->start_ms < m->delay_ms)
        return;
    m->last_ms = now;
    char count[32], all[32];
    grouped(count, sizeof count, done);
    bc_buf line = {0};
    bc_buf_printf(&line, "%s: %s", m->label, what);
    if (done || total)
        bc_buf_printf(&line, " %s", count);
    if (total) {
        grouped(all, sizeof all, total);
        bc_buf_printf(&line, " of %s (%d%%)", all, (int)(done * 100 / total));
    }
    double secs = (double)(now - m->phase_ms) / 1000.0;
    double rate = secs > 0.2 ? (double)(done - m->phase_done) / secs : 0;
    if (rate >= 1) {
        char r[32];
        grouped(r, sizeof r, (uint64_t)rate);
        bc_buf_printf(&line, ", %s/s", r);
        if (total > done) {
            uint64_t left = (uint64_t)((double)(total - done) / rate);
            bc_buf_printf(&line, ", %" PRIu64 ":%02" PRIu64 " left", left / 60, left % 60);
        }
    }
    bc_buf_printf(&line, " [%.1f s]", (double)(now - m->start_ms) / 1e3);
    fprintf(m->f, "\r\033[K%s", line.data);
    bc_buf_release(&line);
    fflush(m->f);
    m->drawn = true;
}

void bc_meter_end(bc_meter *m)
{
    if (m && m->f && m->drawn) {
        fputs("\r\033[K", m->f);
        fflush(m->f);
    }
    if (m)
        m->drawn = false;
}
