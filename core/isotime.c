/* isotime.c - ISO-8601 <-> epoch milliseconds without the C library's time-zone state. */
#include "isotime.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void bc_iso_format(int64_t ms, char out[BC_ISO_LEN + 1])
{
    int64_t days = floor_div(ms, 86400000);
    int64_t rem = ms - days * 86400000;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        /* JavaScript would write an expanded year; such dates are nonsense for auth rows. */
        y = y < 0 ? 0 : 9999;
    }
    unsigned r = (unsigned)rem; /* 0 .. 86399999 */
    snprintf(out, BC_ISO_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", (unsigned)y % 10000u,
             m % 100u, d % 100u, r / 3600000u % 100u, r / 60000u % 60u, r / 1000u % 60u,
             r % 1000u);
}

/* Read exactly n digits at *p (bounded by end). */
static bool digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || !isdigit((unsigned char)**p))
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return true;
    }
    return false;
}

bool bc_iso_parse(const char *s, size_t len, int64_t *ms)
{
    const char *p = s, *end = s + len;
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
    if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') || !digits(&p, end, 2, &mo) ||
        !expect(&p, end, '-') || !digits(&p, end, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    int offset_min = 0;
    if (p < end && (*p == 'T' || *p == ' ')) {
        p++;
        if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi))
            return false;
        if (expect(&p, end, ':') && !digits(&p, end, 2, &sec))
            return false;
        if (expect(&p, end, '.')) {
            int scale = 100, n = 0;
            while (p < end && isdigit((unsigned char)*p)) {
                frac += (*p - '0') * scale;
                scale /= 10;
                p++;
                n++;
            }
            if (n == 0)
                return false;
        }
        if (h > 23 || mi > 59 || sec > 60)
            return false;
        if (expect(&p, end, 'Z') || expect(&p, end, 'z')) {
            /* UTC */
        } else if (p < end && (*p == '+' || *p == '-')) {
            int sign = *p == '-' ? -1 : 1, oh, om;
            p++;
            if (!digits(&p, end, 2, &oh))
                return false;
            expect(&p, end, ':');
            if (!digits(&p, end, 2, &om))
                return false;
            offset_min = sign * (oh * 60 + om);
        }
    }
    if (p != end)
        return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *ms = ((days * 24 + h) * 60 + mi - offset_min) * 60000 + (int64_t)sec * 1000 + frac;
    return true;
}

int64_t bc_now_ms(void)
{
    const char *fixed = getenv("BCADMIN_NOW");
    int64_t ms;
    if (fixed && bc_iso_parse(fixed, strlen(fixed), &ms))
        return ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool bc_duration_parse(const char *s, int64_t *ms)
{
    if (!s || !isdigit((unsigned char)*s))
        return false;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    int64_t unit;
    if (strcmp(end, "s") == 0)
        unit = 1000;
    else if (strcmp(end, "m") == 0)
        unit = 60000;
    else if (strcmp(end, "h") == 0)
        unit = 3600000;
    else if (strcmp(end, "d") == 0)
        unit = 86400000;
    else if (strcmp(end, "w") == 0)
        unit = 7 * 86400000LL;
    else
        return false;
    if (n == 0 || n > (unsigned long long)(INT64_MAX / unit / 2))
        return false;
    *ms = (int64_t)n * unit;
    return true;
}
