/* cli_admin.c - the verbs that change rows: ban, unban, set-role, impersonate, remove, passwords,
 * create, update, revoke, unlink, their bulk forms over a users-list filter, and the audit log.
 *
 * Every rule lives in core/admin; this file gathers the options, asks for confirmation where a
 * mistake is costly (typed, never a bare y/n), reads passwords from stdin or a masked prompt
 * (never argv), and prints what was done. Every write opens the state database and is audited.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "audit.h"
#include "cli.h"
#include "fields.h"
#include "isotime.h"
#include "timefmt.h"
#include "meter.h"
#include "paths.h"
#include "target.h"
#include "print.h"
#include "record_json.h"
#include "secretbox.h"
#include "session_cookie.h"
#include "state.h"
#include "text.h"
#include "users.h"
#include "xalloc.h"

/* --- output --------------------------------------------------------------------------------- */

/* Text for a terminal (a prompt naming a user): escaped like every string from the data, the
 * prompt's own line breaks kept. */
static void put_escaped(FILE *f, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        char *safe = bc_text_escape(p, n);
        fputs(safe, f);
        free(safe);
        p += n;
        if (*p)
            fputc(*p++, f);
    }
}

/* One human line, escaped so nothing from the data can act on a terminal. */
static void say(bc_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(bc_cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bc_cli_vline(c->out, fmt, ap);
    va_end(ap);
}

static const char *text_or(const bc_record *r, const char *field, const char *fallback)
{
    const char *s = bc_record_text(r, field);
    return s ? s : fallback;
}

/* A text field for a line that names a user: escaped whole with its length (tui_record_cell), so
 * a NUL inside reads \x00 instead of ending the name; fallback when absent. The caller frees. */
static char *shown_or(const bc_record *r, const char *field, const char *fallback)
{
    char *s = tui_record_cell(r, field);
    return s ? s : bc_xstrdup(fallback);
}

/* {"action": ..., more members...}: the JSON answer of a write (steals `more`). */
static void print_json(bc_cli *c, const char *action, json_t *more)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "action", json_string(action));
    if (more)
        json_object_update(doc, more);
    json_decref(more);
    bc_json_print(c->out, doc);
}

/* The user row as a JSON answer, secrets masked. */
static json_t *user_json(const bc_record *user)
{
    bc_record copy = bc_record_copy(user);
    bc_record_mask(BC_MODEL_USER, &copy);
    json_t *j = bc_record_to_json(&copy);
    bc_record_release(&copy);
    return j;
}

/* --- the admin context ---------------------------------------------------------------------- */

typedef struct {
    bc_admin admin;
    bool ready;
} admin_ctx;

/* The user a single-user verb names (its first argument), NULL for a filtered (bulk) form. */
static const char *user_arg(const bc_cli *c)
{
    return !c->filtered && c->nargs >= 1 ? c->args[0] : NULL;
}

/* Confirm on production (target.h's policy: y/N and the name on a terminal, --yes without one;
 * --read-only was refused by the dispatcher), open the state database, set the acting admin;
 * user (the user the verb names, or NULL) is read in the same round as the acting admin. */
static bc_status admin_open(bc_cli *c, admin_ctx *x, const char *user, bc_error *err)
{
    *x = (admin_ctx){0};
    bc_status st = bc_target_check_write(&c->t, c->verb ? c->verb : "the change", err);
    if (st != BC_OK)
        return st;
    char *q =
        bc_xasprintf("About to run `bcadmin %s` on %s. Go on?", c->verb ? c->verb : "", c->t.label);
    st = bc_cli_confirm(c, q, false, err);
    free(q);
    if (st != BC_OK)
        return st;
    bc_state *state = bc_target_state(&c->t, err);
    if (!state)
        return err->status ? err->status : BC_ERR;
    bc_admin_init(&x->admin, c->d, state, err);
    x->ready = true;
    const char *as = c->as;
    if (!as) {
        as = getenv("BCADMIN_AS");
        if (as && !*as)
            as = NULL;
    }
    if (as && c->filtered) { /* a bulk form: looked up in its selection's first round */
        bc_admin_set_actor_later(&x->admin, as);
        return BC_OK;
    }
    return as ? bc_admin_set_actor_for(&x->admin, as, user, err) : BC_OK;
}

static void admin_close(admin_ctx *x)
{
    if (x->ready)
        bc_admin_release(&x->admin);
    *x = (admin_ctx){0};
}

/* --- terminal input ------------------------------------------------------------------------- */

static bool stdin_tty(void)
{
    return isatty(STDIN_FILENO) == 1;
}

/* Ask the operator to type `expected` (an email as shown, escaped by shown_or; a count) before a
 * costly change. Without a terminal the change needs --yes when required is set, and goes ahead
 * otherwise. */
static bc_status confirm_typed(bc_cli *c, bool required, const char *what, const char *expected,
                               bc_error *err)
{
    if (c->yes)
        return BC_OK;
    if (!stdin_tty()) {
        if (!required)
            return BC_OK;
        return bc_fail(err, BC_REFUSED,
                       "%s: add --yes to confirm (standard input is not a terminal); nothing "
                       "was changed",
                       what);
    }
    char *prompt = bc_xasprintf("%s\nType %s to confirm: ", what, expected);
    put_escaped(stderr, prompt);
    free(prompt);
    fflush(stderr);
    char *line = bc_cli_read_line();
    bool ok = line && strcmp(line, expected) == 0;
    free(line);
    if (!ok)
        return bc_fail(err, BC_REFUSED, "confirmation did not match: nothing was changed");
    return BC_OK;
}

static struct termios saved_termios;
static volatile sig_atomic_t echo_off;

/* A signal during a masked prompt must not leave the terminal without echo. */
static void restore_echo(int sig)
{
    if (echo_off)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    signal(sig, SIG_DFL);
    raise(sig);
}

char *bc_cli_read_masked(const char *prompt)
{
    put_escaped(stderr, prompt);
    fflush(stderr);
    struct termios quiet;
    bool masked = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
    struct sigaction sa = {.sa_handler = restore_echo}, old_int, old_term;
    if (masked) {
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        quiet = saved_termios;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        /* TCSADRAIN, not TCSAFLUSH: lines typed (or piped) ahead are answers, not noise. */
        echo_off = tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) == 0;
    }
    char *line = bc_cli_read_line();
    if (masked) {
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
        echo_off = 0;
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    fputc('\n', stderr);
    return line;
}

static void password_free(char *pw)
{
    if (pw)
        OPENSSL_cleanse(pw, strlen(pw));
    free(pw);
}

/* The new password: all of stdin (one final line end dropped), or a masked prompt asked twice
 * on a terminal. Never from argv, where other users of the machine could read it. */
static bc_status read_password(const char *label, char **out, bc_error *err)
{
    *out = NULL;
    if (stdin_tty()) {
        char *prompt = bc_xasprintf("New password for %s: ", label);
        char *first = bc_cli_read_masked(prompt);
        free(prompt);
        char *again = first ? bc_cli_read_masked("Repeat it: ") : NULL;
        bool same = first && again && strcmp(first, again) == 0;
        password_free(again);
        if (!same) {
            password_free(first);
            return bc_fail(err, BC_USAGE, "the two passwords differ: nothing was changed");
        }
        *out = first;
        return BC_OK;
    }
    bc_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        bc_buf_append(&b, chunk, n);
    OPENSSL_cleanse(chunk, sizeof chunk);
    bool failed = ferror(stdin);
    bc_buf_puts(&b, "");
    char *pw = bc_buf_take(&b);
    size_t len = strlen(pw);
    if (len && pw[len - 1] == '\n')
        pw[--len] = '\0';
    if (len && pw[len - 1] == '\r')
        pw[--len] = '\0';
    if (failed || len == 0) {
        password_free(pw);
        return bc_fail(err, BC_USAGE,
                       failed ? "reading the password from standard input failed"
                              : "no password on standard input (pipe it in, e.g. from a "
                                "password manager; it is never taken from the command line)");
    }
    *out = pw;
    return BC_OK;
}

/* --- bulk forms ----------------------------------------------------------------------------- */

static bc_status usage_user_or_filter(bc_cli *c, const char *verb, bc_error *err)
{
    if (c->filtered && c->nargs > 0)
        return bc_fail(err, BC_USAGE,
                       "`bcadmin %s` takes USER or filters (--search, --role...), not both", verb);
    return bc_fail(err, BC_USAGE,
                   "`bcadmin %s` needs USER, or filters (--search, --role, --banned...) to act "
                   "on every user they select",
                   verb);
}

static const char *bulk_done_text(bc_bulk_kind kind)
{
    switch (kind) {
    case BC_BULK_BAN:
        return "banned";
    case BC_BULK_UNBAN:
        return "unbanned";
    case BC_BULK_REVOKE_SESSIONS:
        return "revoked the sessions of";
    case BC_BULK_SET_ROLE:
        return "set the role of";
    }
    return "changed";
}

/* What a bulk action says when done: nothing matched, or what it changed. */
static void bulk_report(bc_cli *c, const bc_bulk_action *action, size_t n, size_t affected,
                        size_t skipped)
{
    if (c->format == BC_OUT_JSON) {
        json_t *j = json_pack("{s:I, s:I, s:I}", "matched", (json_int_t)n, "affected",
                              (json_int_t)affected, "skipped", (json_int_t)skipped);
        print_json(c, bc_admin_bulk_action_name(action->kind), j);
    } else if (n == 0) {
        say(c, "no user matches the filters: nothing was changed");
    } else {
        say(c, "%s %zu user%s%s", bulk_done_text(action->kind), affected, affected == 1 ? "" : "s",
            skipped ? " (the acting admin was skipped)" : "");
    }
}

/* --yes where the selection serves as the audit's "before" (no transactions): the users are
 * selected and changed in one go (core/admin.c: bc_admin_bulk_filter). */
static bc_status run_bulk_selected(bc_cli *c, admin_ctx *x, const bc_bulk_action *action,
                                   bc_error *err)
{
    size_t n = 0, affected = 0, skipped = 0;
    bc_meter meter;
    bc_meter_start(&meter, bc_admin_bulk_action_name(action->kind));
    bc_progress progress = bc_meter_progress(&meter);
    x->admin.progress = &progress;
    bc_status st =
        bc_admin_bulk_filter(&x->admin, action, &c->users, &n, &affected, &skipped, err);
    bc_meter_end(&meter);
    x->admin.progress = NULL;
    if (st == BC_OK)
        bulk_report(c, action, n, affected, skipped);
    return st;
}

/* Select the users the filters match, confirm with the count (or the email of a lone user), and
 * apply the action to all of them in one transaction. */
static bc_status run_bulk(bc_cli *c, admin_ctx *x, const bc_bulk_action *action, bc_error *err)
{
    if (c->yes && bc_admin_bulk_keeps_selection(&x->admin))
        return run_bulk_selected(c, x, action, err);
    char **ids = NULL;
    size_t n = 0, affected = 0, skipped = 0;
    bc_user_query filter = c->users;
    bc_meter meter;
    bc_meter_start(&meter, bc_admin_bulk_action_name(action->kind));
    bc_progress progress = bc_meter_progress(&meter);
    x->admin.progress = &progress;
    bc_status st = bc_admin_select(&x->admin, &filter, &ids, &n, err);
    bc_meter_end(&meter);
    if (st != BC_OK) {
        x->admin.progress = NULL;
        return st;
    }
    if (n == 0) {
        bulk_report(c, action, 0, 0, 0);
        return BC_OK;
    }
    char *what = NULL, *expected = NULL;
    bc_record lone = {0};
    if (n == 1 && bc_admin_find_user(&x->admin, ids[0], &lone, err) == BC_OK &&
        bc_record_text(&lone, "email")) {
        expected = shown_or(&lone, "email", ""); /* typed as shown */
        what = bc_xasprintf("%s would change 1 user (%s)", bc_admin_bulk_action_name(action->kind),
                            expected);
    } else {
        expected = bc_xasprintf("%zu", n);
        what =
            bc_xasprintf("%s would change %zu users", bc_admin_bulk_action_name(action->kind), n);
    }
    bc_record_release(&lone);
    st = confirm_typed(c, true, what, expected, err);
    free(what);
    free(expected);
    if (st == BC_OK) {
        bc_meter_start(&meter, bc_admin_bulk_action_name(action->kind));
        st = bc_admin_bulk(&x->admin, action, ids, n, &affected, &skipped, err);
        bc_meter_end(&meter);
    }
    x->admin.progress = NULL;
    bc_admin_ids_free(ids, n);
    if (st != BC_OK)
        return st;
    bulk_report(c, action, n, affected, skipped);
    return BC_OK;
}

/* --- single-user writes --------------------------------------------------------------------- */

/* Print the user's row after a change: "<done> <email> (<id>)<detail>" for people, the row for
 * programs. */
static void report_user(bc_cli *c, admin_ctx *x, const char *action, const char *user,
                        const char *done, const char *detail)
{
    bc_record row = {0};
    const bc_record *written = bc_admin_changed_user(&x->admin, user);
    const char *email = bc_record_text(&x->admin.changed, "email");
    if (!written && email && strcasecmp(email, user) == 0) /* the user named by email */
        written = &x->admin.changed;
    bc_error ignored = {0};
    if (!written && bc_admin_find_user(&x->admin, user, &row, &ignored) == BC_OK)
        written = &row;
    if (c->format == BC_OUT_JSON) {
        json_t *j = json_object();
        json_object_set_new(j, "user", written ? user_json(written) : json_null());
        print_json(c, action, j);
    } else if (written) {
        char *who = shown_or(written, "email", ""), *id = shown_or(written, "id", "");
        say(c, "%s %s (%s)%s", done, who, id, detail ? detail : "");
        free(who);
        free(id);
    } else {
        say(c, "%s %s%s", done, user, detail ? detail : "");
    }
    bc_record_release(&row);
}

bc_status bc_cli_users_ban(bc_cli *c, bc_error *err)
{
    if (c->filtered == (c->nargs == 1))
        return usage_user_or_filter(c, "users ban", err);
    bc_ban_expiry expiry;
    bc_status st = bc_ban_expiry_parse(c->expires, c->now, &expiry, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "--expires");
    admin_ctx x;
    st = admin_open(c, &x, user_arg(c), err);
    if (st == BC_OK && c->filtered) {
        bc_bulk_action a = {.kind = BC_BULK_BAN, .reason = c->reason, .expiry = expiry};
        st = run_bulk(c, &x, &a, err);
    } else if (st == BC_OK) {
        st = bc_admin_ban(&x.admin, c->args[0], c->reason, expiry, err);
        char until[TUI_TIME_TEXT] = "never";
        if (!expiry.never)
            tui_time_text(expiry.at_ms, TUI_TIME_ZONE | TUI_TIME_ABSOLUTE, until, sizeof until);
        if (st == BC_OK) {
            char *detail = bc_xasprintf(" until %s, reason \"%s\"; their sessions are revoked",
                                        until, c->reason && *c->reason ? c->reason : "No reason");
            report_user(c, &x, "users.ban", c->args[0], "banned", detail);
            free(detail);
        }
    }
    admin_close(&x);
    return st;
}

bc_status bc_cli_users_unban(bc_cli *c, bc_error *err)
{
    if (c->filtered == (c->nargs == 1))
        return usage_user_or_filter(c, "users unban", err);
    admin_ctx x;
    bc_status st = admin_open(c, &x, user_arg(c), err);
    if (st == BC_OK && c->filtered) {
        bc_bulk_action a = {.kind = BC_BULK_UNBAN};
        st = run_bulk(c, &x, &a, err);
    } else if (st == BC_OK) {
        st = bc_admin_unban(&x.admin, c->args[0], err);
        if (st == BC_OK)
            report_user(c, &x, "users.unban", c->args[0], "unbanned", NULL);
    }
    admin_close(&x);
    return st;
}

/* A role nobody holds is most likely a typo (amdin): say so, naming the roles in use. */
static bc_status warn_unknown_roles(bc_cli *c, const char *roles, bc_error *err)
{
    char *warning = NULL;
    bc_status st = bc_users_role_warning(c->d, roles, &warning, err);
    if (warning)
        bc_cli_line(stderr, "bcadmin: warning: %s", warning);
    free(warning);
    return st;
}

bc_status bc_cli_users_set_role(bc_cli *c, bc_error *err)
{
    /* `users set-role USER ROLE`, or `users set-role --search S ROLE`. */
    if (c->filtered ? c->nargs != 1 : c->nargs != 2)
        return c->filtered
                   ? bc_fail(err, BC_USAGE, "`bcadmin users set-role` with filters takes only ROLE")
                   : bc_fail(err, BC_USAGE,
                             "`bcadmin users set-role` needs USER ROLE[,ROLE], or "
                             "filters and ROLE[,ROLE]");
    /* The roles as they are written ("user, admin" is user,admin), in what is said too. */
    char *roles = NULL;
    bc_status st = bc_admin_normalise_roles(c->args[c->filtered ? 0 : 1], &roles, err);
    if (st != BC_OK)
        return st;
    admin_ctx x;
    st = admin_open(c, &x, user_arg(c), err);
    if (st == BC_OK)
        st = warn_unknown_roles(c, roles, err);
    if (st == BC_OK && c->filtered) {
        bc_bulk_action a = {.kind = BC_BULK_SET_ROLE, .roles = roles};
        st = run_bulk(c, &x, &a, err);
    } else if (st == BC_OK) {
        st = bc_admin_set_role(&x.admin, c->args[0], roles, err);
        if (st == BC_OK) {
            char *detail = bc_xasprintf(" now has role %s", roles);
            report_user(c, &x, "users.set-role", c->args[0], "user", detail);
            free(detail);
        }
    }
    admin_close(&x);
    free(roles);
    return st;
}

static void print_impersonation(bc_cli *c, const char *user, const bc_record *s, const char *cookie)
{
    const char *token = text_or(s, "token", "");
    int64_t expires = 0;
    bc_record_date(s, "expiresAt", &expires);
    char until[BC_ISO_LEN + 1], when[TUI_TIME_TEXT];
    bc_iso_format(expires, until);
    tui_time_text(expires, TUI_TIME_ZONE | TUI_TIME_SECONDS | TUI_TIME_ABSOLUTE, when, sizeof when);
    if (c->format == BC_OUT_JSON) {
        bc_record shown = bc_record_copy(s);
        json_t *j = json_object();
        json_object_set_new(j, "session", bc_record_to_json(&shown));
        json_object_set_new(j, "token", json_string(token));
        json_object_set_new(j, "expiresAt", json_string(until));
        char *bearer = bc_xasprintf("Bearer %s", token);
        json_object_set_new(j, "authorization", json_string(bearer));
        free(bearer);
        if (cookie) {
            char *pair = bc_xasprintf("%s=%s", BC_SESSION_COOKIE_NAME, cookie);
            json_object_set_new(j, "cookie", json_string(pair));
            free(pair);
        } else {
            json_object_set_new(j, "cookie", json_null());
        }
        bc_record_release(&shown);
        print_json(c, "users.impersonate", j);
        return;
    }
    say(c, "impersonation session for %s (user %s), impersonatedBy %s", user,
        text_or(s, "userId", "?"), text_or(s, "impersonatedBy", "?"));
    say(c, "  session id: %s", text_or(s, "id", "?"));
    say(c, "  token:      %s", token);
    say(c, "  expires:    %s", when);
    say(c, "  use it:     curl -H 'Authorization: Bearer %s' <app>/api/auth/get-session", token);
    if (cookie)
        say(c, "  cookie:     %s=%s", BC_SESSION_COOKIE_NAME, cookie);
    else
        say(c, "  cookie:     (give --secret-file, BETTER_AUTH_SECRET or BETTER_AUTH_SECRETS to "
               "get the signed cookie)");
}

bc_status bc_cli_users_impersonate(bc_cli *c, bc_error *err)
{
    int64_t duration = 0;
    if (c->duration && (!bc_duration_parse(c->duration, &duration) || duration <= 0))
        return bc_fail(err, BC_USAGE, "--duration: \"%s\" is not a duration (30m, 1h, 2d)",
                       c->duration);
    /* Cookies are signed with the app's current secret (the first of BETTER_AUTH_SECRETS). */
    bc_secrets secrets = {0};
    const char *from = NULL;
    bc_status st = bc_secrets_load(c->secret_file, &secrets, &from, err);
    if (st != BC_OK) {
        bc_secrets_release(&secrets);
        return st;
    }
    const char *secret = bc_secrets_current(&secrets);
    admin_ctx x;
    st = admin_open(c, &x, user_arg(c), err);
    bc_record session = {0};
    if (st == BC_OK)
        st = bc_admin_impersonate(&x.admin, c->args[0], duration, c->allow_admin_target, &session,
                                  err);
    if (st == BC_OK) {
        char *cookie =
            secret ? bc_session_cookie_value(secret, bc_record_text(&session, "token")) : NULL;
        print_impersonation(c, c->args[0], &session, cookie);
        free(cookie);
    }
    bc_record_release(&session);
    bc_secrets_release(&secrets);
    admin_close(&x);
    return st;
}

bc_status bc_cli_users_stop_impersonating(bc_cli *c, bc_error *err)
{
    if (c->every_user == (c->nargs == 1))
        return bc_fail(err, BC_USAGE,
                       "`bcadmin users stop-impersonating` needs USER or --all (not both)");
    admin_ctx x;
    size_t n = 0;
    bc_status st = admin_open(c, &x, NULL, err);
    if (st == BC_OK)
        st = bc_admin_stop_impersonating(&x.admin, c->every_user ? NULL : c->args[0], &n, err);
    if (st == BC_OK && c->format == BC_OUT_JSON)
        print_json(c, "sessions.stop-impersonating", json_pack("{s:I}", "deleted", (json_int_t)n));
    else if (st == BC_OK)
        say(c, "deleted %zu impersonation session%s%s%s", n, n == 1 ? "" : "s",
            c->every_user ? "" : " of ", c->every_user ? "" : c->args[0]);
    admin_close(&x);
    return st;
}

bc_status bc_cli_users_remove(bc_cli *c, bc_error *err)
{
    admin_ctx x;
    bc_status st = admin_open(c, &x, user_arg(c), err);
    bc_record row = {0};
    if (st == BC_OK)
        st = bc_admin_find_user(&x.admin, c->args[0], &row, err);
    if (st == BC_OK) {
        char *shown = shown_or(&row, "email", "");
        char *what = bc_xasprintf("users remove deletes %s with all their sessions and accounts "
                                  "(this cannot be undone)",
                                  shown);
        st = confirm_typed(c, true, what, shown, err);
        free(what);
        free(shown);
    }
    if (st == BC_OK)
        st = bc_admin_remove_user(&x.admin, bc_record_text(&row, "id"), err);
    if (st == BC_OK && c->format == BC_OUT_JSON) {
        json_t *j = json_object();
        json_object_set_new(j, "user", user_json(&row));
        print_json(c, "users.remove", j);
    } else if (st == BC_OK) {
        char *email = shown_or(&row, "email", ""), *id = shown_or(&row, "id", "");
        say(c, "removed %s (%s) with their sessions and accounts", email, id);
        free(email);
        free(id);
    }
    bc_record_release(&row);
    admin_close(&x);
    return st;
}

bc_status bc_cli_users_set_password(bc_cli *c, bc_error *err)
{
    admin_ctx x;
    bc_status st = admin_open(c, &x, user_arg(c), err);
    bc_record row = {0};
    char *password = NULL;
    if (st == BC_OK)
        st = bc_admin_find_user(&x.admin, c->args[0], &row, err);
    char *shown = shown_or(&row, "email", "");
    if (st == BC_OK)
        st = read_password(shown, &password, err);
    if (st == BC_OK) {
        char *what = bc_xasprintf("users set-password replaces the password of %s", shown);
        st = confirm_typed(c, false, what, shown, err);
        free(what);
    }
    free(shown);
    if (st == BC_OK)
        st = bc_admin_set_password(&x.admin, bc_record_text(&row, "id"), password, err);
    password_free(password);
    if (st == BC_OK)
        report_user(c, &x, "users.set-password", bc_record_text(&row, "id"), "set the password of",
                    NULL);
    bc_record_release(&row);
    admin_close(&x);
    return st;
}

bc_status bc_cli_users_create(bc_cli *c, bc_error *err)
{
    if (!c->email || !c->name)
        return bc_fail(err, BC_USAGE, "`bcadmin users create` needs --email E and --name N");
    admin_ctx x;
    bc_status st = admin_open(c, &x, NULL, err);
    char *password = NULL;
    if (st == BC_OK)
        st = read_password(c->email, &password, err);
    bc_record user = {0};
    if (st == BC_OK)
        st = bc_admin_create_user(&x.admin, c->email, c->name, c->new_role, password, &user, err);
    password_free(password);
    if (st == BC_OK && c->format == BC_OUT_JSON) {
        json_t *j = json_object();
        json_object_set_new(j, "user", user_json(&user));
        print_json(c, "users.create", j);
    } else if (st == BC_OK) {
        say(c, "created %s (id %s, role %s)", text_or(&user, "email", ""), text_or(&user, "id", ""),
            text_or(&user, "role", ""));
    }
    bc_record_release(&user);
    admin_close(&x);
    return st;
}

bc_status bc_cli_users_update(bc_cli *c, bc_error *err)
{
    bc_record changes = {0};
    if (c->name)
        bc_record_set_text(&changes, "name", c->name);
    if (c->email)
        bc_record_set_text(&changes, "email", c->email);
    if (c->email_verified >= 0)
        bc_record_set_bool(&changes, "emailVerified", c->email_verified == 1);
    if (c->image && *c->image)
        bc_record_set_text(&changes, "image", c->image);
    else if (c->image)
        bc_record_set_null(&changes, "image");
    admin_ctx x;
    bc_status st = admin_open(c, &x, user_arg(c), err);
    bc_record row = {0};
    if (st == BC_OK)
        st = bc_admin_find_user(&x.admin, c->args[0], &row, err);
    if (st == BC_OK)
        st = bc_admin_update_user(&x.admin, bc_record_text(&row, "id"), &changes, err);
    if (st == BC_OK)
        report_user(c, &x, "users.update", bc_record_text(&row, "id"), "updated", NULL);
    bc_record_release(&row);
    bc_record_release(&changes);
    admin_close(&x);
    return st;
}

bc_status bc_cli_sessions_revoke(bc_cli *c, bc_error *err)
{
    admin_ctx x;
    bc_status st = admin_open(c, &x, NULL, err);
    if (st == BC_OK)
        st = bc_admin_revoke_session(&x.admin, c->args[0], err);
    if (st == BC_OK && c->format == BC_OUT_JSON)
        print_json(c, "sessions.revoke", json_pack("{s:i}", "deleted", 1));
    else if (st == BC_OK)
        say(c, "revoked 1 session");
    admin_close(&x);
    return st;
}

bc_status bc_cli_sessions_revoke_all(bc_cli *c, bc_error *err)
{
    if (c->filtered == (c->nargs == 1))
        return usage_user_or_filter(c, "sessions revoke-all", err);
    admin_ctx x;
    bc_status st = admin_open(c, &x, user_arg(c), err);
    if (st == BC_OK && c->filtered) {
        bc_bulk_action a = {.kind = BC_BULK_REVOKE_SESSIONS};
        st = run_bulk(c, &x, &a, err);
    } else if (st == BC_OK) {
        size_t n = 0;
        st = bc_admin_revoke_sessions(&x.admin, c->args[0], &n, err);
        if (st == BC_OK && c->format == BC_OUT_JSON)
            print_json(c, "sessions.revoke-all", json_pack("{s:I}", "deleted", (json_int_t)n));
        else if (st == BC_OK)
            say(c, "revoked %zu session%s of %s", n, n == 1 ? "" : "s", c->args[0]);
    }
    admin_close(&x);
    return st;
}

bc_status bc_cli_accounts_unlink(bc_cli *c, bc_error *err)
{
    admin_ctx x;
    bc_status st = admin_open(c, &x, user_arg(c), err);
    if (st == BC_OK)
        st = bc_admin_unlink_account(&x.admin, c->args[0], c->args[1], err);
    if (st == BC_OK) {
        char *done = bc_xasprintf("unlinked account %s of", c->args[1]);
        report_user(c, &x, "accounts.unlink", c->args[0], done, NULL);
        free(done);
    }
    admin_close(&x);
    return st;
}

/* --- the audit log -------------------------------------------------------------------------- */

static json_t *saved_json(const char *text)
{
    json_t *j = bc_record_json_parse(text);
    return j ? j : json_null();
}

static json_t *entry_json(const bc_audit_entry *e)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(e->id));
    json_object_set_new(j, "startedAt", json_string(e->started_at));
    json_object_set_new(j, "finishedAt",
                        e->finished_at ? json_string(e->finished_at) : json_null());
    json_object_set_new(j, "state", json_string(e->state));
    json_object_set_new(j, "osUser", json_string(e->os_user));
    json_object_set_new(j, "actor", e->actor ? json_string(e->actor) : json_null());
    json_object_set_new(j, "targetKind", json_string(e->target_kind));
    json_object_set_new(j, "target", json_string(e->target));
    json_object_set_new(j, "action", json_string(e->action));
    json_object_set_new(j, "subject", e->subject ? json_string(e->subject) : json_null());
    json_object_set_new(j, "before", saved_json(e->before_json));
    json_object_set_new(j, "after", saved_json(e->after_json));
    json_object_set_new(j, "error", e->error ? json_string(e->error) : json_null());
    json_object_set_new(j, "undoOf", e->undo_of ? json_integer(e->undo_of) : json_null());
    json_object_set_new(j, "label", e->label ? json_string(e->label) : json_null());
    json_object_set_new(j, "members", json_integer(e->members));
    json_object_set_new(j, "undone", json_boolean(e->undone));
    json_object_set_new(j, "writerPid", e->writer_pid ? json_integer(e->writer_pid) : json_null());
    return j;
}

bc_status bc_cli_audit_list(bc_cli *c, bc_error *err)
{
    /* The target, when one is given, settles what a stopped bcadmin left pending first; the log
     * itself needs only the state database. */
    if (!c->t.os_user) {
        bc_error ignored = {0};
        if (bc_cli_open_target(c, true, &ignored) != BC_OK && !c->t.os_user) {
            bc_target_opts o = {.state = c->state};
            bc_target_init(&o, &c->t);
        }
    }
    bc_state *state = bc_target_state(&c->t, err);
    bc_status st = state ? BC_OK : err->status;
    bc_audit_entries list = {0};
    if (st == BC_OK)
        st = bc_audit_list(state, c->limit ? c->limit : BC_CLI_AUDIT_DEFAULT_LIMIT, 0, &list, err);
    if (st == BC_OK && c->format == BC_OUT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < list.n; i++)
            json_array_append_new(arr, entry_json(&list.items[i]));
        json_t *doc = json_object();
        json_object_set_new(doc, "entries", arr);
        bc_json_print(c->out, doc);
    } else if (st == BC_OK) {
        static const bc_print_col cols[] = {
            {"id", 0, false},       {"time", 0, true},      {"state", 0, false},
            {"actor", 40, false},   {"action", 0, false},   {"subject", 40, false},
            {"changes", 60, false}, {"error", 40, false},
        };
        bc_table t;
        bc_table_init(&t, c->out, c->columns, cols, sizeof cols / sizeof cols[0]);
        for (size_t i = 0; i < list.n; i++) {
            const bc_audit_entry *e = &list.items[i];
            char id[24];
            snprintf(id, sizeof id, "%" PRId64, e->id);
            char *changes = bc_audit_changes_text(e, " -> ");
            char *action = e->undo_of ? bc_xasprintf("%s of %" PRId64, e->action, e->undo_of)
                                      : bc_xstrdup(e->action);
            char when[TUI_TIME_TEXT];
            tui_time_iso(e->started_at, TUI_TIME_SECONDS, when, sizeof when);
            const char *cells[] = {id,       when,
                                   e->state, e->actor ? e->actor : "-",
                                   action,   e->label ? e->label : e->subject,
                                   changes,  e->error};
            bc_table_row(&t, cells, NULL);
            free(changes);
            free(action);
        }
        bc_table_flush(&t);
        bc_table_release(&t);
        if (list.n == 0)
            say(c, "the audit log is empty");
    }
    bc_audit_entries_release(&list);
    return st;
}

bc_status bc_cli_audit_undo(bc_cli *c, bc_error *err)
{
    char *end;
    errno = 0;
    long long id = strtoll(c->args[0], &end, 10);
    if (!*c->args[0] || *end || errno || id <= 0)
        return bc_fail(err, BC_USAGE, "audit undo: \"%s\" is not an audit entry id", c->args[0]);
    admin_ctx x;
    bc_status st = admin_open(c, &x, NULL, err);
    if (st == BC_OK)
        st = bc_admin_undo(&x.admin, id, err);
    if (st == BC_OK && c->format == BC_OUT_JSON)
        print_json(c, "audit.undo", json_pack("{s:I}", "undid", (json_int_t)id));
    else if (st == BC_OK)
        say(c, "undid audit entry %lld", id);
    admin_close(&x);
    return st;
}
