/* cli_stats.c - `bcadmin stats`: the Overview screen's numbers for scripts and shells, from the
 * same core call (core/stats.h). JSON for scripts; for people, a few lines and a bar per day. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "stats.h"
#include "text.h"
#include "xalloc.h"

#define BAR_MAX 40
#define IMPERSONATORS_SHOWN 5

/* Print text from the target escaped, so nothing in it acts on a terminal. */
static void put_safe(FILE *f, const char *s)
{
    char *safe = bc_text_escape(s, strlen(s));
    fputs(safe, f);
    free(safe);
}

static void print_days(bc_cli *c, const bc_stats *s, const char *title, const int64_t *counts,
                       bool exact)
{
    int busiest = bc_stats_busiest(s, counts);
    char n[32], day[11];
    fprintf(c->out, "\n%s", title);
    if (busiest >= 0) {
        bc_stats_day(s, busiest, day);
        bc_text_count(n, sizeof n, counts[busiest]);
        fprintf(c->out, " (busiest %s: %s)", day, n);
    }
    fprintf(c->out, "%s\n", exact ? "" : " (the days before the rows read are incomplete)");
    int64_t max = busiest >= 0 ? counts[busiest] : 0;
    for (int i = 0; i < s->days; i++) {
        bc_stats_day(s, i, day);
        bc_text_count(n, sizeof n, counts[i]);
        int bar = max ? (int)((counts[i] * BAR_MAX + max - 1) / max) : 0;
        fprintf(c->out, "  %s %10s ", day, n);
        for (int b = 0; b < bar; b++)
            fputs(c->tty ? "\u2588" : "#", c->out);
        fputc('\n', c->out);
    }
}

static void print_human(bc_cli *c, const bc_stats *s)
{
    char a[32], b[32], d[32], e[32], f[32];
    char *basis = bc_stats_basis_text(s, BC_STATS_USERS);
    bc_text_count(a, sizeof a, s->users);
    bc_text_count(b, sizeof b, s->verified);
    bc_text_count(d, sizeof d, s->admins);
    bc_text_count(e, sizeof e, s->banned);
    bc_text_count(f, sizeof f, s->bans_ending);
    fprintf(c->out, "Users     %s total, %s verified, %s admins, %s banned now, %s bans ending "
                    "within 7 days  [%s]\n",
            a, b, d, e, f, basis);
    free(basis);
    basis = bc_stats_basis_text(s, BC_STATS_SESSIONS);
    bc_text_count(a, sizeof a, s->sessions);
    bc_text_count(b, sizeof b, s->active_sessions);
    bc_text_count(d, sizeof d, s->impersonation_sessions);
    fprintf(c->out, "Sessions  %s total, %s active now, %s impersonation sessions active  [%s]\n",
            a, b, d, basis);
    free(basis);
    for (size_t i = 0; i < s->n_impersonators && i < IMPERSONATORS_SHOWN; i++) {
        fputs("          by ", c->out);
        put_safe(c->out, s->impersonators[i].email ? s->impersonators[i].email
                                                   : s->impersonators[i].user_id);
        fprintf(c->out, ": %lld\n", (long long)s->impersonators[i].sessions);
    }
    if (s->n_impersonators > IMPERSONATORS_SHOWN)
        fprintf(c->out, "          and %zu more (--json lists every one)\n",
                s->n_impersonators - IMPERSONATORS_SHOWN);
    basis = bc_stats_basis_text(s, BC_STATS_ACCOUNTS);
    bc_text_count(a, sizeof a, s->accounts);
    fprintf(c->out, "Accounts  %s total", a);
    for (size_t i = 0; i < s->providers.n; i++) {
        bc_text_count(b, sizeof b, s->providers.items[i].n);
        fputs(", ", c->out);
        put_safe(c->out, s->providers.items[i].value);
        fprintf(c->out, " %s", b);
    }
    fprintf(c->out, "  [%s]\n", basis);
    free(basis);
    print_days(c, s, "Sign-ups per day (UTC)", s->signups, s->basis[BC_STATS_USERS].days_exact);
    print_days(c, s, "New sessions per day (UTC)", s->sessions_per_day,
               s->basis[BC_STATS_SESSIONS].days_exact);
}

bc_status bc_cli_stats(bc_cli *c, bc_error *err)
{
    bc_stats s;
    bc_status st = bc_stats_begin(&s, c->days ? c->days : BC_STATS_DAYS_DEFAULT, 0, c->now, err);
    if (st == BC_OK)
        st = bc_stats_run(c->d, &s, err);
    if (st == BC_OK && c->format == BC_OUT_JSON)
        bc_json_print(c->out, bc_stats_to_json(&s));
    else if (st == BC_OK)
        print_human(c, &s);
    bc_stats_release(&s);
    return st;
}
