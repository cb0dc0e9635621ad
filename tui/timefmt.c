/* timefmt.c - times in the console's one format (timefmt.h). */
#include "timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "describe.h"
#include "isotime.h"
#include "xalloc.h"

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

bc_status tui_time_from_env(bc_error *err)
{
    const char *text = getenv("BCADMIN_TIMES");
    tui_time_mode m;
    if (!text || !*text)
        return BC_OK;
    bc_status st = tui_time_parse_mode(text, "BCADMIN_TIMES", &m, err);
    if (st == BC_OK)
        tui_time_set_mode(m);
    return st;
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
        bool word; /* a word takes an s in the plural; "h", "min", "s" never */
    } units[] = {{86400 * 365, "year", true}, {86400 * 30, "month", true}, {86400, "day", true},
                 {3600, "h", false},          {60, "min", false},          {1, "s", false}};
    if (s < 60 && !(flags & TUI_TIME_SECONDS)) {
        snprintf(out, size, "%s", "just now");
        return;
    }
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof *units && s < units[i].secs)
        i++;
    int64_t n = s / units[i].secs;
    snprintf(out, size, "%s%lld %s%s%s", past ? "" : "in ", (long long)n, units[i].unit,
             units[i].word && n != 1 ? "s" : "", past ? " ago" : "");
}

/* ms in mode m (flags: TUI_TIME_*). */
static void format(tui_time_mode m, int64_t ms, unsigned flags, char *out, size_t size)
{
    if (m == TUI_TIME_RELATIVE && (flags & TUI_TIME_ABSOLUTE)) {
        char rel[TUI_TIME_TEXT];
        relative(ms, flags, rel, sizeof rel);
        format(TUI_TIME_LOCAL, ms, flags | TUI_TIME_ZONE, out, size);
        size_t len = strlen(out);
        snprintf(out + len, size - len, " (%s)", rel);
        return;
    }
    if (m == TUI_TIME_RELATIVE) {
        relative(ms, flags, out, size);
        return;
    }
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    if (m == TUI_TIME_UTC)
        gmtime_r(&t, &tm);
    else
        localtime_r(&t, &tm);
    char zone[16] = "";
    if (flags & TUI_TIME_ZONE) {
        if (m == TUI_TIME_UTC)
            snprintf(zone, sizeof zone, " UTC");
        else
            strftime(zone, sizeof zone, " %Z", &tm);
    }
    char when[32];
    strftime(when, sizeof when, flags & TUI_TIME_SECONDS ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M",
             &tm);
    snprintf(out, size, "%s%s", when, zone);
}

void tui_time_text(int64_t ms, unsigned flags, char *out, size_t size)
{
    format(mode, ms, flags, out, size);
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

/* The local zone's abbreviation at t into out (size bytes): "" when strftime has none. */
static void zone_at(time_t t, char *out, size_t size)
{
    struct tm tm;
    localtime_r(&t, &tm);
    if (!strftime(out, size, "%Z", &tm))
        out[0] = '\0';
}

const char *tui_time_zone(void)
{
    static char zone[40];
    if (mode == TUI_TIME_RELATIVE)
        return "";
    if (mode == TUI_TIME_UTC)
        return "UTC";
    /* Mid-January and mid-July of this year: a zone with summer time names both. */
    time_t now = (time_t)(bc_now_ms() / 1000);
    struct tm tm;
    gmtime_r(&now, &tm);
    int year = tm.tm_year;
    char a[16], b[16];
    struct tm jan = {.tm_year = year, .tm_mon = 0, .tm_mday = 15, .tm_hour = 12, .tm_isdst = -1};
    struct tm jul = {.tm_year = year, .tm_mon = 6, .tm_mday = 15, .tm_hour = 12, .tm_isdst = -1};
    zone_at(mktime(&jan), a, sizeof a);
    zone_at(mktime(&jul), b, sizeof b);
    if (!*a && !*b)
        snprintf(zone, sizeof zone, "local");
    else if (!*b || strcmp(a, b) == 0)
        snprintf(zone, sizeof zone, "%s", *a ? a : b);
    else
        snprintf(zone, sizeof zone, "%s/%s", a, b);
    return zone;
}

void tui_date_field(const bc_record *r, const char *field, char out[TUI_TIME_TEXT])
{
    int64_t ms;
    if (bc_record_date(r, field, &ms))
        tui_time_text(ms, 0, out, TUI_TIME_TEXT);
    else
        snprintf(out, TUI_TIME_TEXT, "-");
}

char *tui_user_status(const bc_record *user, int64_t now, unsigned flags)
{
    int64_t until = 0;
    if (bc_describe_user_state(user, now, &until) != BC_USER_BANNED_UNTIL)
        return bc_describe_user_status(user, now);
    char when[TUI_TIME_TEXT];
    tui_time_text(until, flags, when, sizeof when);
    if (tui_time_get_mode() == TUI_TIME_RELATIVE && !(flags & TUI_TIME_ABSOLUTE))
        return bc_xasprintf("banned, ends %s", when);
    return bc_xasprintf("banned until %s", when);
}
