/* stats.c - the overview's numbers (see stats.h): counted by the driver where it counts cheaply,
 * else read from the newest rows a page at a time. The rules a row is counted by (ban in force,
 * admin role, active session) are core's own: describe.h and admin.h, as the tables show them. */
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "describe.h"
#include "text.h"
#include "xalloc.h"

enum {
    ST_USERS,
    ST_SIGNUPS,
    ST_SESSIONS,
    ST_SESSIONS_DAYS,
    ST_ACCOUNTS,
    ST_NAMES,
    ST_DONE,
};

size_t bc_stats_sample_default(void)
{
    const char *v = getenv("BCADMIN_STATS_SAMPLE");
    if (!v || !*v)
        return BC_STATS_SAMPLE_DEFAULT;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || errno || n < BC_STATS_PAGE || n > 1000000 || v[0] == '-')
        return BC_STATS_SAMPLE_DEFAULT;
    return (size_t)n;
}

bc_status bc_stats_begin(bc_stats *s, int days, size_t sample, int64_t now_ms, bc_error *err)
{
    *s = (bc_stats){0};
    if (days < 1 || days > BC_STATS_DAYS_MAX)
        return bc_fail(err, BC_USAGE, "days: %d is not from 1 to %d", days, BC_STATS_DAYS_MAX);
    s->days = days;
    s->now_ms = now_ms ? now_ms : bc_now_ms();
    int64_t today = s->now_ms - ((s->now_ms % BC_DAY_MS) + BC_DAY_MS) % BC_DAY_MS;
    s->day0_ms = today - (int64_t)(days - 1) * BC_DAY_MS;
    s->sample = sample ? sample : bc_stats_sample_default();
    s->signups = bc_xcalloc((size_t)days, sizeof *s->signups);
    s->sessions_per_day = bc_xcalloc((size_t)days, sizeof *s->sessions_per_day);
    return BC_OK;
}

bool bc_stats_done(const bc_stats *s)
{
    return s->stage == ST_DONE;
}

void bc_stats_release(bc_stats *s)
{
    free(s->signups);
    free(s->sessions_per_day);
    for (size_t i = 0; i < s->n_impersonators; i++) {
        free(s->impersonators[i].user_id);
        free(s->impersonators[i].email);
    }
    free(s->impersonators);
    bc_group_counts_release(&s->providers);
    bc_group_counts_release(&s->impersonating);
    free(s->cursor);
    *s = (bc_stats){0};
}

/* --- the rules a row is counted by ------------------------------------------------------------ */

/* Whether a role list ("user,admin") holds an admin role, by the admin module's rule. */
static bool role_is_admin(const char *role)
{
    bc_admin a = {.admin_roles = "admin"};
    bc_record r = {0};
    bc_record_set_text(&r, "role", role);
    bool yes = bc_admin_is_admin_user(&a, &r);
    bc_record_release(&r);
    return yes;
}

static void add_group(bc_group_counts *g, const char *value, int64_t n)
{
    for (size_t i = 0; i < g->n; i++) {
        if (strcmp(g->items[i].value, value) == 0) {
            g->items[i].n += n;
            return;
        }
    }
    g->items = bc_xrealloc(g->items, (g->n + 1) * sizeof *g->items);
    g->items[g->n++] = (bc_group_count){bc_xstrdup(value), n};
}

static int cmp_group(const void *a, const void *b)
{
    const bc_group_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->value, y->value);
}

static void sort_groups(bc_group_counts *g)
{
    if (g->n > 1)
        qsort(g->items, g->n, sizeof *g->items, cmp_group);
}

/* Add a row's createdAt to its day, and remember the oldest createdAt read. */
static void count_day(bc_stats *s, const bc_record *r, int64_t *per_day)
{
    int64_t ms;
    if (!bc_record_date(r, "createdAt", &ms))
        return;
    if (!s->oldest_read || ms < s->oldest_read)
        s->oldest_read = ms;
    if (ms < s->day0_ms)
        return;
    int64_t i = (ms - s->day0_ms) / BC_DAY_MS;
    if (i < s->days)
        per_day[i]++;
}

static void sample_user(bc_stats *s, const bc_record *u)
{
    s->users++;
    s->verified += bc_record_bool(u, "emailVerified");
    const char *role = bc_record_text(u, "role");
    s->admins += role && role_is_admin(role);
    int64_t until = 0;
    bc_user_state state = bc_describe_user_state(u, s->now_ms, &until);
    s->banned += state == BC_USER_BANNED || state == BC_USER_BANNED_UNTIL;
    s->bans_ending += state == BC_USER_BANNED_UNTIL && until <= s->now_ms + BC_STATS_SOON_MS;
    count_day(s, u, s->signups);
}

static void sample_session(bc_stats *s, const bc_record *r)
{
    s->sessions++;
    count_day(s, r, s->sessions_per_day);
    if (!bc_describe_session_active(r, s->now_ms))
        return;
    s->active_sessions++;
    const char *by = bc_record_text(r, "impersonatedBy");
    if (by && *by) {
        s->impersonation_sessions++;
        add_group(&s->impersonating, by, 1);
    }
}

static void sample_account(bc_stats *s, const bc_record *r)
{
    s->accounts++;
    const char *p = bc_record_text(r, "providerId");
    if (p && *p)
        add_group(&s->providers, p, 1);
}

/* --- counting (a driver with the count ops) --------------------------------------------------- */

static bc_status count(bc_driver *d, bc_stats *s, bc_model m, bc_count_kind k, int64_t *n,
                       bc_error *err)
{
    bc_count_query q = {m, k, s->now_ms, s->now_ms + BC_STATS_SOON_MS};
    return bc_driver_count(d, &q, n, err);
}

static bc_status count_users(bc_driver *d, bc_stats *s, bc_error *err)
{
    bc_status st = count(d, s, BC_MODEL_USER, BC_COUNT_ROWS, &s->users, err);
    if (st == BC_OK)
        st = count(d, s, BC_MODEL_USER, BC_COUNT_USERS_VERIFIED, &s->verified, err);
    if (st == BC_OK)
        st = count(d, s, BC_MODEL_USER, BC_COUNT_USERS_BANNED, &s->banned, err);
    if (st == BC_OK)
        st = count(d, s, BC_MODEL_USER, BC_COUNT_BANS_ENDING, &s->bans_ending, err);
    bc_group_counts roles = {0};
    bc_count_query q = {BC_MODEL_USER, BC_COUNT_ROWS, s->now_ms, 0};
    if (st == BC_OK)
        st = bc_driver_count_groups(d, &q, "role", &roles, err);
    s->admins = 0;
    for (size_t i = 0; st == BC_OK && i < roles.n; i++)
        if (role_is_admin(roles.items[i].value))
            s->admins += roles.items[i].n;
    bc_group_counts_release(&roles);
    return st;
}

static bc_status count_sessions(bc_driver *d, bc_stats *s, bc_error *err)
{
    bc_status st = count(d, s, BC_MODEL_SESSION, BC_COUNT_ROWS, &s->sessions, err);
    if (st == BC_OK)
        st = count(d, s, BC_MODEL_SESSION, BC_COUNT_SESSIONS_ACTIVE, &s->active_sessions, err);
    bc_group_counts_release(&s->impersonating);
    bc_count_query q = {BC_MODEL_SESSION, BC_COUNT_SESSIONS_ACTIVE, s->now_ms, 0};
    if (st == BC_OK)
        st = bc_driver_count_groups(d, &q, "impersonatedBy", &s->impersonating, err);
    s->impersonation_sessions = 0;
    for (size_t i = 0; st == BC_OK && i < s->impersonating.n; i++)
        s->impersonation_sessions += s->impersonating.items[i].n;
    return st;
}

static bc_status count_accounts(bc_driver *d, bc_stats *s, bc_error *err)
{
    bc_status st = count(d, s, BC_MODEL_ACCOUNT, BC_COUNT_ROWS, &s->accounts, err);
    bc_group_counts_release(&s->providers);
    bc_count_query q = {BC_MODEL_ACCOUNT, BC_COUNT_ROWS, s->now_ms, 0};
    if (st == BC_OK)
        st = bc_driver_count_groups(d, &q, "providerId", &s->providers, err);
    return st;
}

static void counted(bc_stats *s, bc_stats_part part)
{
    s->basis[part] = (bc_stats_basis){.done = true, .exact = true, .days_exact = true};
}

static bc_status count_step(bc_driver *d, bc_stats *s, bc_error *err)
{
    bc_status st = BC_OK;
    switch (s->stage) {
    case ST_USERS:
        st = count_users(d, s, err);
        break;
    case ST_SIGNUPS:
        st = bc_driver_count_per_day(d, BC_MODEL_USER, s->day0_ms, s->days, s->signups, err);
        if (st == BC_OK)
            counted(s, BC_STATS_USERS);
        break;
    case ST_SESSIONS:
        st = count_sessions(d, s, err);
        break;
    case ST_SESSIONS_DAYS:
        st = bc_driver_count_per_day(d, BC_MODEL_SESSION, s->day0_ms, s->days,
                                     s->sessions_per_day, err);
        if (st == BC_OK)
            counted(s, BC_STATS_SESSIONS);
        break;
    case ST_ACCOUNTS:
        st = count_accounts(d, s, err);
        if (st == BC_OK)
            counted(s, BC_STATS_ACCOUNTS);
        break;
    }
    if (st == BC_OK)
        s->stage++;
    return st;
}

/* --- sampling (a driver that reads rows_page) ------------------------------------------------- */

static const bc_model part_models[BC_STATS_PARTS] = {BC_MODEL_USER, BC_MODEL_SESSION,
                                                     BC_MODEL_ACCOUNT};

/* One page of the part's table, newest first, added to the counts. */
static bc_status sample_step(bc_driver *d, bc_stats *s, bc_stats_part part, bc_error *err)
{
    bc_stats_basis *b = &s->basis[part];
    size_t want = s->sample - (size_t)b->read;
    bc_page page;
    bc_status st = bc_driver_rows_page(d, part_models[part], want < BC_STATS_PAGE ? want : BC_STATS_PAGE,
                                       s->cursor, &page, err);
    if (st != BC_OK)
        return st;
    for (size_t i = 0; i < page.rows.n; i++) {
        const bc_record *r = &page.rows.items[i];
        if (part == BC_STATS_USERS)
            sample_user(s, r);
        else if (part == BC_STATS_SESSIONS)
            sample_session(s, r);
        else
            sample_account(s, r);
    }
    b->read += (int64_t)page.rows.n;
    free(s->cursor);
    s->cursor = page.next_cursor;
    page.next_cursor = NULL;
    bc_page_release(&page);
    b->exact = !s->cursor;
    b->days_exact = b->exact || (s->oldest_read && s->oldest_read < s->day0_ms);
    if (!s->cursor || (size_t)b->read >= s->sample) {
        b->done = true;
        free(s->cursor);
        s->cursor = NULL;
        s->oldest_read = 0;
        if (part == BC_STATS_ACCOUNTS)
            sort_groups(&s->providers);
        s->stage = part == BC_STATS_USERS ? ST_SESSIONS : part == BC_STATS_SESSIONS ? ST_ACCOUNTS
                                                                                   : ST_NAMES;
    }
    return BC_OK;
}

/* --- who impersonates ---------------------------------------------------------------------------- */

static bc_status name_impersonators(bc_driver *d, bc_stats *s, bc_error *err)
{
    sort_groups(&s->impersonating);
    size_t n = s->impersonating.n;
    const char **ids = bc_xcalloc(n + 1, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = s->impersonating.items[i].value;
    bc_rows users = {0};
    bc_status st = BC_OK;
    if (n) {
        bc_match m = {"id", ids, n};
        st = bc_driver_rows_get(d, BC_MODEL_USER, &m, 0, &users, err);
    }
    free(ids);
    if (st != BC_OK)
        return bc_error_prefix(err, "the admins behind %zu impersonations", n);
    s->impersonators = bc_xcalloc(n + 1, sizeof *s->impersonators);
    for (size_t i = 0; i < n; i++) {
        const char *id = s->impersonating.items[i].value, *email = NULL;
        for (size_t u = 0; u < users.n && !email; u++)
            if (bc_record_text(&users.items[u], "id") &&
                strcmp(bc_record_text(&users.items[u], "id"), id) == 0)
                email = bc_record_text(&users.items[u], "email");
        s->impersonators[i] = (bc_stats_impersonator){bc_xstrdup(id), email ? bc_xstrdup(email) : NULL,
                                                      s->impersonating.items[i].n};
    }
    s->n_impersonators = n;
    bc_rows_release(&users);
    return BC_OK;
}

bc_status bc_stats_step(bc_driver *d, bc_stats *s, bc_error *err)
{
    if (s->stage == ST_DONE)
        return BC_OK;
    if (s->stage == ST_NAMES) {
        bc_status st = name_impersonators(d, s, err);
        if (st == BC_OK)
            s->stage = ST_DONE;
        return st;
    }
    if (bc_driver_counts(d))
        return count_step(d, s, err);
    if (s->stage == ST_USERS || s->stage == ST_SIGNUPS)
        return sample_step(d, s, BC_STATS_USERS, err);
    if (s->stage == ST_SESSIONS || s->stage == ST_SESSIONS_DAYS)
        return sample_step(d, s, BC_STATS_SESSIONS, err);
    return sample_step(d, s, BC_STATS_ACCOUNTS, err);
}

bc_status bc_stats_run(bc_driver *d, bc_stats *s, bc_error *err)
{
    bc_status st = BC_OK;
    while (st == BC_OK && !bc_stats_done(s))
        st = bc_stats_step(d, s, err);
    return st;
}

/* --- words and JSON ---------------------------------------------------------------------------- */

void bc_stats_day(const bc_stats *s, int i, char out[11])
{
    char iso[BC_ISO_LEN + 1];
    bc_iso_format(s->day0_ms + (int64_t)i * BC_DAY_MS, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

int bc_stats_busiest(const bc_stats *s, const int64_t *counts)
{
    int best = -1;
    for (int i = 0; i < s->days; i++)
        if (counts[i] > 0 && (best < 0 || counts[i] >= counts[best]))
            best = i;
    return best;
}

char *bc_stats_basis_text(const bc_stats *s, bc_stats_part part)
{
    static const char *const what[BC_STATS_PARTS] = {"user", "session", "account"};
    const bc_stats_basis *b = &s->basis[part];
    if (b->exact && !b->read)
        return bc_xasprintf("every %s", what[part]);
    if (b->exact)
        return bc_xasprintf("every %s (all %lld read)", what[part], (long long)b->read);
    char n[32];
    bc_text_count(n, sizeof n, b->read);
    return bc_xasprintf("newest %s %ss (lower bounds)", n, what[part]);
}

static json_t *per_day_json(const bc_stats *s, const int64_t *counts)
{
    json_t *a = json_array();
    for (int i = 0; i < s->days; i++) {
        char day[11];
        bc_stats_day(s, i, day);
        json_array_append_new(a, json_pack("{s:s,s:I}", "date", day, "count", (json_int_t)counts[i]));
    }
    return a;
}

static json_t *basis_json(const bc_stats *s, bc_stats_part part)
{
    const bc_stats_basis *b = &s->basis[part];
    char *text = bc_stats_basis_text(s, part);
    json_t *j = json_pack("{s:b,s:b,s:I,s:s}", "exact", b->exact, "perDayExact", b->days_exact,
                          "rowsRead", (json_int_t)b->read, "basedOn", text);
    free(text);
    return j;
}

json_t *bc_stats_to_json(const bc_stats *s)
{
    char from[11], to[11], now[BC_ISO_LEN + 1];
    bc_stats_day(s, 0, from);
    bc_stats_day(s, s->days - 1, to);
    bc_iso_format(s->now_ms, now);
    json_t *providers = json_object();
    for (size_t i = 0; i < s->providers.n; i++)
        json_object_set_new(providers, s->providers.items[i].value,
                            json_integer(s->providers.items[i].n));
    json_t *by = json_array();
    for (size_t i = 0; i < s->n_impersonators; i++) {
        const bc_stats_impersonator *p = &s->impersonators[i];
        json_array_append_new(by, json_pack("{s:s,s:s?,s:I}", "userId", p->user_id, "email",
                                            p->email, "sessions", (json_int_t)p->sessions));
    }
    bool exact = s->basis[0].exact && s->basis[1].exact && s->basis[2].exact;
    return json_pack(
        "{s:s,s:i,s:s,s:s,s:b,"
        "s:{s:I,s:I,s:I,s:I,s:I,s:i},"
        "s:o,s:o,s:I,s:o,"
        "s:{s:I,s:I,s:I,s:o},s:{s:I},"
        "s:{s:o,s:o,s:o}}",
        "now", now, "days", s->days, "from", from, "to", to, "exact", exact, /* */
        "users", "total", (json_int_t)s->users, "verified", (json_int_t)s->verified, "admins",
        (json_int_t)s->admins, "bannedNow", (json_int_t)s->banned, "bansEndingSoon",
        (json_int_t)s->bans_ending, "soonDays", (int)(BC_STATS_SOON_MS / BC_DAY_MS), /* */
        "signupsPerDay", per_day_json(s, s->signups), "sessionsPerDay",
        per_day_json(s, s->sessions_per_day), "activeSessions", (json_int_t)s->active_sessions,
        "accountsByProvider", providers, /* */
        "sessions", "total", (json_int_t)s->sessions, "active", (json_int_t)s->active_sessions,
        "impersonationActive", (json_int_t)s->impersonation_sessions, "impersonatedBy", by,
        "accounts", "total", (json_int_t)s->accounts, /* */
        "basis", "users", basis_json(s, BC_STATS_USERS), "sessions",
        basis_json(s, BC_STATS_SESSIONS), "accounts", basis_json(s, BC_STATS_ACCOUNTS));
}
