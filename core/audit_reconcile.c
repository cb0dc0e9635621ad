/* audit_reconcile.c - pending entries of a gone writer compared with the target
 * (audit_reconcile.h). */
#include "audit_reconcile.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "process.h"
#include "record_json.h"
#include "state_db.h"
#include "xalloc.h"

#define READ_CHUNK 500 /* ids per read: one IN (...) or Convex call */

/* How an entry's outcome can be read from the target. */
typedef enum {
    HOW_UNREADABLE,   /* a kind of change bcadmin cannot read back */
    HOW_PATCH,        /* a user row patched: compare with before and after */
    HOW_USER_EXISTS,  /* a user created: applied when a user has its email */
    HOW_GONE,         /* a row deleted: applied when it is gone */
    HOW_OLD_SESSIONS, /* a user's sessions deleted: applied when none from before remain */
    HOW_GROUP,        /* a bulk entry: follows its members */
} how;

typedef struct {
    int64_t id, pid, started_ms;
    how how;
    bool ban;       /* a ban also deletes the user's sessions */
    bc_model model; /* HOW_GONE: the model of the deleted row */
    char *subject, *label, *action;
    bc_record before, after;
    const char *state; /* the outcome, once known */
    char *why;
} entry;

/* A row and the value of the field it was matched on. */
typedef struct {
    const char *key;
    const bc_record *row;
} keyed;

/* A read of many rows, with an index sorted by the field they were matched on. */
typedef struct {
    bc_rows rows;
    keyed *index; /* rows.n entries, by key */
    bool failed;
    char error[256];
} lookup;

static void lookup_release(lookup *l)
{
    bc_rows_release(&l->rows);
    free(l->index);
}

static const char *const patch_actions[] = {"users.ban", "users.unban", "users.set-role",
                                            "users.update", "audit.undo"};

static bool is_patch_action(const char *action)
{
    for (size_t i = 0; i < sizeof patch_actions / sizeof *patch_actions; i++)
        if (strcmp(action, patch_actions[i]) == 0)
            return true;
    return false;
}

static bool record_from_text(const char *text, bc_record *out)
{
    json_t *j = bc_record_json_parse(text);
    bc_error ignored = {0};
    bool ok = j && bc_record_from_json(BC_MODEL_USER, j, out, &ignored) == BC_OK;
    json_decref(j);
    return ok;
}

/* A bulk entry's subject is "N users" (admin.c's bulk_begin and undo_bulk). */
static bool group_subject(const char *s)
{
    size_t digits = s ? strspn(s, "0123456789") : 0;
    return digits > 0 && strcmp(s + digits, " users") == 0;
}

static void classify(entry *e, const char *before, const char *after, int64_t members)
{
    const char *a = e->action;
    if (members > 0 || group_subject(e->subject)) {
        e->how = HOW_GROUP;
    } else if (is_patch_action(a) && before && after && e->subject) {
        e->how = record_from_text(before, &e->before) && record_from_text(after, &e->after)
                     ? HOW_PATCH
                     : HOW_UNREADABLE;
        e->ban = strcmp(a, "users.ban") == 0;
    } else if (strcmp(a, "users.create") == 0 && e->label) {
        e->how = HOW_USER_EXISTS;
    } else if (strcmp(a, "users.remove") == 0 && e->subject) {
        e->how = HOW_GONE;
        e->model = BC_MODEL_USER;
    } else if (strcmp(a, "sessions.revoke") == 0 && e->subject) {
        e->how = HOW_GONE;
        e->model = BC_MODEL_SESSION;
    } else if (strcmp(a, "accounts.unlink") == 0 && e->subject) {
        e->how = HOW_GONE;
        e->model = BC_MODEL_ACCOUNT;
    } else if (strcmp(a, "sessions.revoke-all") == 0 && e->subject) {
        e->how = HOW_OLD_SESSIONS;
    } else {
        e->how = HOW_UNREADABLE;
    }
}

static char *column(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? bc_xstrdup((const char *)t) : NULL;
}

/* Whether the writer of (pid, start) runs, remembered for the run of entries it wrote. */
typedef struct {
    int64_t pid;
    char *start;
    bool running;
} writer_memo;

static bool writer_running(writer_memo *m, int64_t pid, const char *start)
{
    if (pid <= 0)
        return false; /* written before 0006 named its writer: that bcadmin is long gone */
    bool same = m->pid == pid &&
                ((!m->start && !start) || (m->start && start && strcmp(m->start, start) == 0));
    if (!same) {
        free(m->start);
        m->pid = pid;
        m->start = start ? bc_xstrdup(start) : NULL;
        m->running = bc_process_running(pid, start);
    }
    return m->running;
}

/* The pending entries of target whose writer is gone. */
static bc_status load(sqlite3 *db, const char *target, entry **out, size_t *n, bc_error *err)
{
    static const char sql[] =
        "SELECT id, action, subject, label, before_json, after_json, started_at, writer_pid,"
        " writer_start, (SELECT count(*) FROM audit m WHERE m.group_id = audit.id)"
        " FROM audit WHERE state = 'pending' AND target = ? ORDER BY id";
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return bc_fail(err, BC_ERR, "audit log: cannot read unfinished entries: %s",
                       sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
    writer_memo memo = {0};
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t pid = sqlite3_column_int64(st, 7);
        if (writer_running(&memo, pid, (const char *)sqlite3_column_text(st, 8)))
            continue;
        if (*n == cap)
            *out = bc_xrealloc(*out, (cap = cap ? cap * 2 : 64) * sizeof **out);
        entry *e = &(*out)[(*n)++];
        *e = (entry){.id = sqlite3_column_int64(st, 0), .pid = pid};
        e->action = column(st, 1);
        e->subject = column(st, 2);
        e->label = column(st, 3);
        const char *started = (const char *)sqlite3_column_text(st, 6);
        if (!started || !bc_iso_parse(started, strlen(started), &e->started_ms))
            e->started_ms = 0;
        classify(e, (const char *)sqlite3_column_text(st, 4),
                 (const char *)sqlite3_column_text(st, 5), sqlite3_column_int64(st, 9));
    }
    free(memo.start);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return bc_fail(err, BC_ERR, "audit log: cannot read unfinished entries: %s",
                       sqlite3_errmsg(db));
    return BC_OK;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

/* Rows of model whose field is one of values, in chunks read together, indexed by field. */
static void read_rows(bc_driver *d, bc_model model, const char *field, const char **values,
                      size_t n, lookup *out)
{
    *out = (lookup){0};
    if (n == 0)
        return;
    size_t nr = (n + READ_CHUNK - 1) / READ_CHUNK;
    bc_read *r = bc_xcalloc(nr, sizeof *r);
    for (size_t i = 0; i < nr; i++) {
        size_t from = i * READ_CHUNK;
        r[i] = (bc_read){
            .model = model,
            .match = {field, values + from, n - from < READ_CHUNK ? n - from : READ_CHUNK}};
    }
    bc_error err = {0};
    if (bc_driver_reads(d, r, nr, &err) != BC_OK) {
        out->failed = true;
        snprintf(out->error, sizeof out->error, "%.200s", err.msg);
    }
    for (size_t i = 0; i < nr; i++) {
        for (size_t k = 0; !out->failed && k < r[i].rows.n; k++)
            bc_rows_push(&out->rows, &r[i].rows.items[k]);
        bc_rows_release(&r[i].rows);
    }
    free(r);
    out->index = bc_xcalloc(out->rows.n + 1, sizeof *out->index);
    for (size_t i = 0; i < out->rows.n; i++) {
        const char *key = bc_record_text(&out->rows.items[i], field);
        out->index[i] = (keyed){key ? key : "", &out->rows.items[i]};
    }
    qsort(out->index, out->rows.n, sizeof *out->index, by_key);
}

/* The first row whose key is value, or NULL; [*first, *last) (may be NULL) are all of them in
 * the index. */
static const bc_record *find(const lookup *l, const char *value, size_t *first, size_t *last)
{
    size_t lo = 0, hi = l->rows.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(l->index[mid].key, value) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < l->rows.n && strcmp(l->index[end].key, value) == 0)
        end++;
    if (first)
        *first = lo;
    if (last)
        *last = end;
    return end > lo ? l->index[lo].row : NULL;
}

static void settle(entry *e, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void settle(entry *e, const char *state, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    e->state = state;
    free(e->why);
    if (e->pid > 0)
        e->why = bc_xasprintf("interrupted: bcadmin (pid %lld) stopped before it finished; %s",
                              (long long)e->pid, what);
    else
        e->why = bc_xasprintf("interrupted: the bcadmin that wrote it stopped before it "
                              "finished; %s",
                              what);
}

static void settle_unreadable(entry *e, const lookup *l)
{
    settle(e, "unknown", "the target could not be read to tell (%s)", l->error);
}

/* Sessions of the user that were created before the entry began: a deletion that ran would have
 * taken them. */
static size_t old_sessions(const lookup *sessions, const entry *e)
{
    size_t first, last, old = 0;
    find(sessions, e->subject, &first, &last);
    for (size_t i = first; i < last; i++) {
        int64_t created;
        if (!bc_record_date(sessions->index[i].row, "createdAt", &created) ||
            created < e->started_ms)
            old++;
    }
    return old;
}

/* The ids (subjects) of the entries settled by `how` (and, for HOW_GONE, model). */
static const char **subjects(entry *es, size_t n, how h, bc_model model, bool label, size_t *count)
{
    const char **ids = bc_xcalloc(n + 1, sizeof *ids);
    *count = 0;
    for (size_t i = 0; i < n; i++)
        if (es[i].how == h && (h != HOW_GONE || es[i].model == model))
            ids[(*count)++] = label ? es[i].label : es[i].subject;
    return ids;
}

static void settle_patches(bc_driver *d, entry *es, size_t n)
{
    size_t count;
    const char **ids = subjects(es, n, HOW_PATCH, 0, false, &count);
    lookup users;
    read_rows(d, BC_MODEL_USER, "id", ids, count, &users);
    size_t bans = 0;
    for (size_t i = 0; i < n; i++) {
        entry *e = &es[i];
        if (e->how != HOW_PATCH)
            continue;
        const bc_record *row = users.failed ? NULL : find(&users, e->subject, NULL, NULL);
        if (users.failed)
            settle_unreadable(e, &users);
        else if (!row)
            settle(e, "unknown", "the user is gone, so what it held cannot be read");
        else if (bc_record_holds(row, &e->after)) {
            settle(e, "applied", "the user shows the change");
            if (e->ban)
                ids[bans++] = e->subject; /* and their old sessions must be gone */
        } else if (bc_record_holds(row, &e->before))
            settle(e, "not applied", "the user still shows the values from before");
        else
            settle(e, "unknown", "the user changed since (neither the old nor the new values)");
    }
    lookup_release(&users);
    lookup sessions;
    read_rows(d, BC_MODEL_SESSION, "userId", ids, bans, &sessions);
    for (size_t i = 0; bans && i < n; i++) {
        entry *e = &es[i];
        if (e->how != HOW_PATCH || !e->ban || strcmp(e->state, "applied") != 0)
            continue;
        size_t old = sessions.failed ? 0 : old_sessions(&sessions, e);
        if (sessions.failed)
            settle(e, "unknown",
                   "the user shows the ban, but their sessions could not be read (%s)",
                   sessions.error);
        else if (old)
            settle(e, "unknown",
                   "the user shows the ban, but %zu session%s from before it remain%s: run "
                   "`bcadmin sessions revoke-all` for them",
                   old, old == 1 ? "" : "s", old == 1 ? "s" : "");
    }
    lookup_release(&sessions);
    free(ids);
}

static void settle_rows(bc_driver *d, entry *es, size_t n)
{
    static const bc_model models[] = {BC_MODEL_USER, BC_MODEL_SESSION, BC_MODEL_ACCOUNT};
    static const char *const names[] = {"user", "session", "account"};
    for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
        size_t count;
        const char **ids = subjects(es, n, HOW_GONE, models[m], false, &count);
        lookup rows;
        read_rows(d, models[m], "id", ids, count, &rows);
        for (size_t i = 0; count && i < n; i++) {
            entry *e = &es[i];
            if (e->how != HOW_GONE || e->model != models[m])
                continue;
            if (rows.failed)
                settle_unreadable(e, &rows);
            else if (find(&rows, e->subject, NULL, NULL))
                settle(e, "not applied", "the %s is still there", names[m]);
            else
                settle(e, "applied", "the %s is gone", names[m]);
        }
        lookup_release(&rows);
        free(ids);
    }
    size_t count;
    const char **emails = subjects(es, n, HOW_USER_EXISTS, 0, true, &count);
    lookup users;
    read_rows(d, BC_MODEL_USER, "email", emails, count, &users);
    for (size_t i = 0; count && i < n; i++) {
        entry *e = &es[i];
        if (e->how != HOW_USER_EXISTS)
            continue;
        if (users.failed)
            settle_unreadable(e, &users);
        else if (find(&users, e->label, NULL, NULL))
            settle(e, "applied", "a user with that email exists");
        else
            settle(e, "not applied", "no user has that email");
    }
    lookup_release(&users);
    free(emails);

    const char **owners = subjects(es, n, HOW_OLD_SESSIONS, 0, false, &count);
    lookup sessions;
    read_rows(d, BC_MODEL_SESSION, "userId", owners, count, &sessions);
    for (size_t i = 0; count && i < n; i++) {
        entry *e = &es[i];
        if (e->how != HOW_OLD_SESSIONS)
            continue;
        size_t old = sessions.failed ? 0 : old_sessions(&sessions, e);
        if (sessions.failed)
            settle_unreadable(e, &sessions);
        else if (old)
            settle(e, "not applied", "%zu session%s from before it remain%s", old,
                   old == 1 ? "" : "s", old == 1 ? "s" : "");
        else
            settle(e, "applied", "no session from before it remains");
    }
    lookup_release(&sessions);
    free(owners);
}

static bc_status write_outcome(sqlite3 *db, sqlite3_stmt *st, const entry *e, const char *now,
                               bc_error *err)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, e->state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->why, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, e->id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return bc_fail(err, BC_ERR, "audit log: cannot settle entry %lld: %s", (long long)e->id,
                       sqlite3_errmsg(db));
    return BC_OK;
}

/* A bulk entry from its members as they stand now (after the leaves were settled). */
static void settle_group(sqlite3 *db, entry *e)
{
    static const char sql[] = "SELECT state, count(*) FROM audit WHERE group_id = ? GROUP BY state";
    sqlite3_stmt *st;
    size_t yes = 0, no = 0, unknown = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, e->id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *s = (const char *)sqlite3_column_text(st, 0);
            size_t k = (size_t)sqlite3_column_int64(st, 1);
            if (strcmp(s, "done") == 0 || strcmp(s, "applied") == 0)
                yes += k;
            else if (strcmp(s, "failed") == 0 || strcmp(s, "not applied") == 0)
                no += k;
            else
                unknown += k;
        }
        sqlite3_finalize(st);
    }
    const char *state = unknown     ? "unknown"
                        : yes && no ? "partly applied"
                        : yes       ? "applied"
                                    : "not applied";
    if (yes + no + unknown == 0)
        settle(e, state, "no user had been changed yet");
    else
        settle(e, state, "%zu applied, %zu not applied, %zu unknown", yes, no, unknown);
}

bc_status bc_audit_reconcile(bc_state *state, bc_driver *d, const char *target,
                             bc_reconcile_counts *counts, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    if (counts)
        *counts = (bc_reconcile_counts){0};
    entry *es;
    size_t n;
    bc_status st = load(db, target ? target : "", &es, &n, err);
    if (st != BC_OK || n == 0) {
        free(es);
        return st;
    }
    for (size_t i = 0; i < n; i++)
        if (es[i].how == HOW_UNREADABLE)
            settle(&es[i], "unknown",
                   "bcadmin cannot read a change of this kind (%s) back from "
                   "the target",
                   es[i].action);
    settle_patches(d, es, n);
    settle_rows(d, es, n);

    char now[BC_ISO_LEN + 1];
    bc_iso_format(bc_now_ms(), now);
    sqlite3_stmt *up;
    if (sqlite3_prepare_v2(db,
                           "UPDATE audit SET state = ?, finished_at = ?, error = ? WHERE id = ?"
                           " AND state = 'pending'",
                           -1, &up, NULL) != SQLITE_OK)
        st = bc_fail(err, BC_ERR, "audit log: cannot settle entries: %s", sqlite3_errmsg(db));
    if (st == BC_OK)
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    /* members first, then the bulk entries that follow them */
    for (int pass = 0; st == BC_OK && pass < 2; pass++) {
        for (size_t i = 0; st == BC_OK && i < n; i++) {
            entry *e = &es[i];
            if ((e->how == HOW_GROUP) != (pass == 1))
                continue;
            if (pass == 1)
                settle_group(db, e);
            st = write_outcome(db, up, e, now, err);
            if (st != BC_OK || !counts)
                continue;
            if (pass == 1)
                counts->groups++;
            else if (strcmp(e->state, "applied") == 0)
                counts->applied++;
            else if (strcmp(e->state, "not applied") == 0)
                counts->not_applied++;
            else
                counts->unknown++;
        }
    }
    if (up)
        sqlite3_exec(db, st == BC_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(up);
    for (size_t i = 0; i < n; i++) {
        free(es[i].action);
        free(es[i].subject);
        free(es[i].label);
        free(es[i].why);
        bc_record_release(&es[i].before);
        bc_record_release(&es[i].after);
    }
    free(es);
    return st;
}

bool bc_reconcile_summary(const bc_reconcile_counts *c, char *out, size_t size)
{
    size_t n = c->applied + c->not_applied + c->unknown + c->groups;
    if (n == 0)
        return false;
    snprintf(out, size,
             "%zu audit entr%s a stopped bcadmin left unfinished %s settled against the target: "
             "%zu applied, %zu not applied, %zu unknown%s (see `bcadmin audit`)",
             n, n == 1 ? "y" : "ies", n == 1 ? "was" : "were", c->applied, c->not_applied,
             c->unknown, c->groups ? " (and their bulk entries)" : "");
    return true;
}
