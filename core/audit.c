/* audit.c - pending/done/failed entries in the state database's audit table. */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "process.h"
#include "state_db.h"
#include "record_json.h"
#include "xalloc.h"

static char *record_text(const bc_record *r)
{
    if (!r)
        return NULL;
    json_t *j = bc_record_to_json(r);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static bc_status db_fail(sqlite3 *db, bc_error *err, const char *what)
{
    return bc_fail(err, BC_ERR, "audit log: %s: %s", what, sqlite3_errmsg(db));
}

bc_status bc_audit_begin(bc_state *state, const bc_audit_who *who, const bc_audit_change *change,
                         int64_t *id, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] =
        "INSERT INTO audit (started_at, os_user, actor, target_kind, target, action, subject,"
        " before_json, after_json, state, undo_of, group_id, label, writer_pid, writer_start)"
        " VALUES (?,?,?,?,?,?,?,?,?,'pending',?,?,?,?,?)";
    sqlite3_stmt *st;
    *id = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot record the change");
    char now[BC_ISO_LEN + 1];
    bc_iso_format(bc_now_ms(), now);
    char *before = record_text(change->before), *after = record_text(change->after);
    bind_text(st, 1, now);
    bind_text(st, 2, who->os_user ? who->os_user : "unknown");
    bind_text(st, 3, who->actor);
    bind_text(st, 4, who->target_kind ? who->target_kind : "unknown");
    bind_text(st, 5, who->target ? who->target : "");
    bind_text(st, 6, change->action);
    bind_text(st, 7, change->subject);
    bind_text(st, 8, before);
    bind_text(st, 9, after);
    if (change->undo_of > 0)
        sqlite3_bind_int64(st, 10, change->undo_of);
    else
        sqlite3_bind_null(st, 10);
    if (change->group_id > 0)
        sqlite3_bind_int64(st, 11, change->group_id);
    else
        sqlite3_bind_null(st, 11);
    bind_text(st, 12, change->label);
    sqlite3_bind_int64(st, 13, bc_process_self_pid());
    bind_text(st, 14, bc_process_self_start());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    free(before);
    free(after);
    if (rc != SQLITE_DONE)
        return db_fail(db, err, "cannot record the change, so it was not made");
    *id = sqlite3_last_insert_rowid(db);
    return BC_OK;
}

static bc_status finish(bc_state *state, int64_t id, const char *outcome, const char *error,
                        bc_error *err);

bc_status bc_audit_finish(bc_state *state, int64_t id, const char *error, bc_error *err)
{
    return finish(state, id, error ? "failed" : "done", error, err);
}

bc_status bc_audit_finish_error(bc_state *state, int64_t id, bc_error *failure, bc_error *err)
{
    if (!failure) {
        finish(state, id, "done", NULL, err);
        return BC_OK;
    }
    const char *outcome = failure->uncertain                  ? "unknown"
                          : failure->status == BC_INCOMPLETE ? "partly applied"
                                                             : "failed";
    if (strcmp(outcome, "failed") != 0)
        failure->status = BC_INCOMPLETE;
    finish(state, id, outcome, failure->msg, err);
    return failure->status;
}

static bc_status finish(bc_state *state, int64_t id, const char *outcome, const char *error,
                        bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "UPDATE audit SET finished_at = ?, state = ?, error = ? WHERE id = ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot finish an entry");
    char now[BC_ISO_LEN + 1];
    bc_iso_format(bc_now_ms(), now);
    bind_text(st, 1, now);
    bind_text(st, 2, outcome);
    bind_text(st, 3, error);
    sqlite3_bind_int64(st, 4, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BC_OK : db_fail(db, err, "cannot finish an entry");
}

bc_status bc_audit_set_subject(bc_state *state, int64_t id, const char *subject,
                               const bc_record *after, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "UPDATE audit SET subject = ?, after_json = ? WHERE id = ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot name the row a change made");
    char *text = record_text(after);
    bind_text(st, 1, subject);
    bind_text(st, 2, text);
    sqlite3_bind_int64(st, 3, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    free(text);
    return rc == SQLITE_DONE ? BC_OK : db_fail(db, err, "cannot name the row a change made");
}

bc_status bc_audit_set_label(bc_state *state, int64_t id, const char *label, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "UPDATE audit SET label = ? WHERE id = ?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot label an entry");
    bind_text(st, 1, label);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BC_OK : db_fail(db, err, "cannot label an entry");
}

static char *column(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? bc_xstrdup((const char *)t) : NULL;
}

static void read_entry(sqlite3_stmt *st, bc_audit_entry *e)
{
    e->id = sqlite3_column_int64(st, 0);
    e->started_at = column(st, 1);
    e->finished_at = column(st, 2);
    e->os_user = column(st, 3);
    e->actor = column(st, 4);
    e->target_kind = column(st, 5);
    e->target = column(st, 6);
    e->action = column(st, 7);
    e->subject = column(st, 8);
    e->before_json = column(st, 9);
    e->after_json = column(st, 10);
    e->state = column(st, 11);
    e->error = column(st, 12);
    e->undo_of = sqlite3_column_int64(st, 13);
    e->group_id = sqlite3_column_int64(st, 14);
    e->label = column(st, 15);
    e->members = sqlite3_column_int64(st, 16);
    e->undone = sqlite3_column_int(st, 17) != 0;
    e->writer_pid = sqlite3_column_int64(st, 18);
    e->writer_start = column(st, 19);
}

/* Every column, the members of a bulk entry and whether a completed undo of it exists. */
#define ENTRY_COLUMNS                                                                              \
    "id, started_at, finished_at, os_user, actor, target_kind, target, action, subject,"           \
    " before_json, after_json, state, error, undo_of, group_id, label,"                            \
    " (SELECT count(*) FROM audit m WHERE m.group_id = audit.id),"                                 \
    " EXISTS (SELECT 1 FROM audit u WHERE u.undo_of = audit.id AND u.state = 'done'),"             \
    " writer_pid, writer_start"

/* The entries sql selects (ENTRY_COLUMNS), its parameters the n_args integers of args, into
 * *out, which the caller releases with bc_audit_entries_release (empty on failure). */
static bc_status list_entries(bc_state *state, const char *sql, const int64_t *args, int n_args,
                              bc_audit_entries *out, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    *out = (bc_audit_entries){0};
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot read");
    for (int i = 0; i < n_args; i++)
        sqlite3_bind_int64(st, i + 1, args[i]);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap)
            out->items = bc_xrealloc(out->items, (cap = cap ? cap * 2 : 32) * sizeof *out->items);
        out->items[out->n] = (bc_audit_entry){0};
        read_entry(st, &out->items[out->n++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        bc_audit_entries_release(out);
        return db_fail(db, err, "cannot read");
    }
    return BC_OK;
}

bc_status bc_audit_list(bc_state *state, size_t limit, int64_t before_id, bc_audit_entries *out,
                        bc_error *err)
{
    static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM audit WHERE (?1 <= 0 OR id < ?1)"
                              " AND group_id IS NULL ORDER BY id DESC LIMIT ?2";
    int64_t args[] = {before_id, limit ? (int64_t)limit : 50};
    return list_entries(state, sql, args, 2, out, err);
}

bc_status bc_audit_members(bc_state *state, int64_t id, bc_audit_entries *out, bc_error *err)
{
    static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM audit WHERE group_id = ? ORDER BY id";
    return list_entries(state, sql, &id, 1, out, err);
}

bc_status bc_audit_get(bc_state *state, int64_t id, bc_audit_entry *out, bc_error *err)
{
    sqlite3 *db = bc_state_db(state);
    static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM audit WHERE id = ?";
    *out = (bc_audit_entry){0};
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "cannot read");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_entry(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return bc_fail(err, BC_NOT_FOUND, "no audit entry %lld", (long long)id);
    return rc == SQLITE_ROW ? BC_OK : db_fail(db, err, "cannot read");
}

/* A saved before/after (a JSON object, NULs allowed in its strings), or NULL. */
static json_t *saved_fields(const char *text)
{
    json_t *j = bc_record_json_parse(text);
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* A saved value for people: compact JSON, "-" for null or absent. The caller frees. */
static char *change_value(json_t *v)
{
    char *s = v && !json_is_null(v) ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    return s ? s : bc_xstrdup("-");
}

char *bc_audit_changes_text(const bc_audit_entry *e, const char *arrow)
{
    json_t *before = saved_fields(e->before_json), *after = saved_fields(e->after_json);
    json_t *keys = after ? after : before;
    /* a bulk entry saves no before of its own (each member holds its user's): not "-" (that
     * reads "was null"), only the value every user was given */
    bool bulk = e->members > 0 && !before;
    bc_buf b = {0};
    bc_buf_puts(&b, "");
    const char *key;
    json_t *unused;
    json_object_foreach(keys, key, unused)
    {
        (void)unused;
        if (strcmp(key, "updatedAt") == 0 || strcmp(key, "createdAt") == 0)
            continue;
        char *from = change_value(json_object_get(before, key));
        char *to = change_value(json_object_get(after, key));
        if (bulk)
            bc_buf_printf(&b, "%s%s: %s", b.len ? ", " : "", key, to);
        else
            bc_buf_printf(&b, "%s%s: %s%s%s", b.len ? ", " : "", key, from, arrow, to);
        free(from);
        free(to);
    }
    json_decref(before);
    json_decref(after);
    return bc_buf_take(&b);
}

void bc_audit_entry_release(bc_audit_entry *e)
{
    char **fields[] = {&e->started_at,  &e->finished_at, &e->os_user, &e->actor,
                       &e->target_kind, &e->target,      &e->action,  &e->subject,
                       &e->before_json, &e->after_json,  &e->state,   &e->error,
                       &e->label,       &e->writer_start};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        free(*fields[i]);
    *e = (bc_audit_entry){0};
}

void bc_audit_entries_release(bc_audit_entries *list)
{
    for (size_t i = 0; i < list->n; i++)
        bc_audit_entry_release(&list->items[i]);
    free(list->items);
    *list = (bc_audit_entries){0};
}

void bc_audit_scrub(bc_model m, bc_record *r)
{
    for (size_t i = r->n; i-- > 0;) {
        const bc_field_def *def = bc_model_field(m, r->fields[i].name);
        if (def && def->secret)
            bc_record_unset(r, r->fields[i].name);
    }
}
