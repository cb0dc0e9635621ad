/* timefmt.c - times in the console's one format (timefmt.h). */
#include "timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "isotime.h"

static tui_time_mode mode = TUI_TIME_LOCAL;
static const char *const names[TUI_TIME_MODES] = {"local", "utc", "relative"};

void tui_time_set_mode(tui_time_mode m)
{
    mode = m < TUI_TIME_MODES ? m : TUI_TIME_LOCAL;
}

tui_time_mode tui_time_get_mode(void)
{
    return mode;
}

const char *tui_time_mode_name(tui_time_mode m)
{
    return m < TUI_TIME_MODES ? names[m] : "?";
}

bc_status tui_time_parse_mode(const char *text, const char *from, tui_time_mode *m, bc_error *err)
{
    for (int i = 0; i < TUI_TIME_MODES; i++)
        if (strcmp(text, names[i]) == 0) {
            *m = (tui_time_mode)i;
            return BC_OK;
        }
    return bc_fail(err, BC_USAGE, "%s: \"%s\" is not a time mode (local, utc or relative)", from,
                   text);
}

/* "3 min ago", "in 12 days": the largest unit that is at least one. */
static void relative(int64_t ms, unsigned flags, char *out, size_t size)
{
    int64_t d = bc_now_ms() - ms;
    bool past = d >= 0;
    int64_t s = (past ? d : -d) / 1000;
    static const struct {
        int64_t secs;
        const char *unit;
    } units[] = {{86400 * 365, "year"}, {86400 * 30, "month"}, {86400, "day"},
                 {3600, "h"},           {60, "min"},           {1, "s"}};
    if (s < 60 && !(flags & TUI_TIME_SECONDS)) {
        snprintf(out, size, "%s", "just now");
        return;
    }
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof *units && s < units[i].secs)
        i++;
    int64_t n = s / units[i].secs;
    bool word = strlen(units[i].unit) > 3;
    snprintf(out, size, "%s%lld %s%s%s", past ? "" : "in ", (long long)n, units[i].unit,
             word && n != 1 ? "s" : "", past ? " ago" : "");
}

void tui_time_text(int64_t ms, unsigned flags, char *out, size_t size)
{
    if (mode == TUI_TIME_RELATIVE) {
        relative(ms, flags, out, size);
        return;
    }
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    if (mode == TUI_TIME_UTC)
        gmtime_r(&t, &tm);
    else
        localtime_r(&t, &tm);
    char zone[16] = "";
    if (flags & TUI_TIME_ZONE) {
        if (mode == TUI_TIME_UTC)
            snprintf(zone, sizeof zone, " UTC");
        else
            strftime(zone, sizeof zone, " %Z", &tm);
    }
    char when[32];
    strftime(when, sizeof when, flags & TUI_TIME_SECONDS ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M",
             &tm);
    snprintf(out, size, "%s%s", when, zone);
}

void tui_time_iso(const char *iso, unsigned flags, char *out, size_t size)
{
    int64_t ms;
    if (!iso)
        snprintf(out, size, "-");
    else if (bc_iso_parse(iso, strlen(iso), &ms))
        tui_time_text(ms, flags, out, size);
    else
        snprintf(out, size, "%s", iso);
}

const char *tui_time_zone(void)
{
    static char zone[16];
    if (mode == TUI_TIME_RELATIVE)
        return "";
    if (mode == TUI_TIME_UTC)
        return "UTC";
    time_t t = (time_t)(bc_now_ms() / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    if (!strftime(zone, sizeof zone, "%Z", &tm))
        snprintf(zone, sizeof zone, "local");
    return zone;
}
