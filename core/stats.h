/* stats.h - the numbers of the Overview screen and of `bcadmin stats`, computed here once for
 * both: sign-ups and new sessions per UTC day, users (total, verified, admins, bans in force,
 * bans ending soon), sessions (total, active, impersonation sessions active now and by whom),
 * accounts by provider.
 *
 * Everything goes through the driver. A driver that counts cheaply (SQLite: index range counts,
 * driver.h count ops) gives exact numbers. On one that cannot (Convex, where a count reads every
 * row) the newest rows are read a page at a time, up to a bound per table, and each part says
 * what it is based on ("newest 10,000 users"): its counts are then lower bounds. bc_stats_step
 * does one unit of work (one part, or one page) so a screen can draw between steps.
 *
 * A bc_stats owns everything in it (bc_stats_release); strings returned are the caller's.
 */
#ifndef BC_STATS_H
#define BC_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "isotime.h"
#include "status.h"

#define BC_STATS_DAYS_DEFAULT 30
#define BC_STATS_DAYS_MAX 366
#define BC_STATS_SAMPLE_DEFAULT 10000 /* rows per table read where the store cannot count */
#define BC_STATS_PAGE 1000            /* rows per read while sampling */
#define BC_STATS_SOON_MS (7 * BC_DAY_MS) /* "bans ending soon": within a week */

typedef enum { BC_STATS_USERS, BC_STATS_SESSIONS, BC_STATS_ACCOUNTS, BC_STATS_PARTS } bc_stats_part;

/* What one part's numbers rest on. */
typedef struct {
    bool done;       /* every number of the part is in */
    bool exact;      /* counted over every row; false: over the newest `read` rows (lower bounds) */
    int64_t read;    /* rows read to count them (0 when the store counted) */
    bool days_exact; /* the per-day counts are whole: the rows read reach back before the first day */
} bc_stats_basis;

/* An admin with impersonation sessions active now. */
typedef struct {
    char *user_id;
    char *email; /* NULL when no such user was found */
    int64_t sessions;
} bc_stats_impersonator;

typedef struct {
    int days;           /* per-day counts cover the `days` UTC days ending today */
    int64_t day0_ms;    /* midnight UTC of the first (oldest) day */
    int64_t now_ms;     /* the one clock reading every rule uses */
    size_t sample;      /* rows per table read when sampling */
    /* users */
    int64_t users, verified, admins, banned, bans_ending;
    int64_t *signups; /* days entries, oldest first */
    /* sessions */
    int64_t sessions, active_sessions, impersonation_sessions;
    int64_t *sessions_per_day;
    bc_stats_impersonator *impersonators; /* most sessions first */
    size_t n_impersonators;
    /* accounts */
    int64_t accounts;
    bc_group_counts providers; /* most accounts first */
    bc_stats_basis basis[BC_STATS_PARTS];
    /* progress (private) */
    int stage;
    char *cursor;
    int64_t oldest_read;
    bc_group_counts impersonating; /* user id -> sessions, while sampling */
} bc_stats;

/* The sample bound: BCADMIN_STATS_SAMPLE when it is a whole number from 1000 to 1,000,000,
 * else BC_STATS_SAMPLE_DEFAULT. */
size_t bc_stats_sample_default(void);

/* Start (zeroing *s): days from 1 to BC_STATS_DAYS_MAX (BC_USAGE otherwise), sample 0 for
 * bc_stats_sample_default(), now_ms 0 for the clock. */
bc_status bc_stats_begin(bc_stats *s, int days, size_t sample, int64_t now_ms, bc_error *err);
/* Whether every part is done. */
bool bc_stats_done(const bc_stats *s);
/* One unit of work: on a counting driver one part, else one page of rows. Numbers already in
 * stay valid on failure; the step can be tried again. */
bc_status bc_stats_step(bc_driver *d, bc_stats *s, bc_error *err);
/* Every step until done. */
bc_status bc_stats_run(bc_driver *d, bc_stats *s, bc_error *err);
void bc_stats_release(bc_stats *s);

/* The UTC date of day i (0 = the oldest) as "YYYY-MM-DD". */
void bc_stats_day(const bc_stats *s, int i, char out[11]);
/* The day with the most of counts (the latest on a tie), or -1 when all are 0. */
int bc_stats_busiest(const bc_stats *s, const int64_t *counts);
/* What a part rests on, in words: "every user", "newest 10,000 users (lower bounds)". */
char *bc_stats_basis_text(const bc_stats *s, bc_stats_part part);

/* The numbers as JSON (the caller decrefs): signupsPerDay and sessionsPerDay as
 * [{"date","count"}] oldest first with zero days, users {...}, activeSessions,
 * accountsByProvider {...}, sessions {...}, accounts {...}, and per part whether the numbers
 * are exact or lower bounds over the newest rows read. */
json_t *bc_stats_to_json(const bc_stats *s);

#endif
