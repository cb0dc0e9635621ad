/* cli_rows.c - the verbs that read rows: users list/show, sessions list, accounts list.
 *
 * One emitter writes rows as a table, CSV or streamed JSON; one page loop feeds it, releasing
 * each page before fetching the next so `--all` runs in constant memory. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "describe.h"
#include "lookup.h"
#include "meter.h"
#include "print.h"
#include "record_json.h"
#include "timefmt.h"
#include "users.h"
#include "xalloc.h"

/* How one kind of row is listed. */
typedef struct {
    const char *key; /* JSON array name: "users" */
    bc_model model;
    const bc_print_col *cols;
    size_t ncols;
    /* Fill ncols cells (each freed by the caller, NULL allowed) and their lengths for one row. */
    void (*cells)(const bc_cli *c, const bc_record *row, char **out, size_t *lens);
} row_kind;

/* --- cells ---------------------------------------------------------------------------------- */

/* A field's text (NULs and all, *len its length), or NULL. */
static char *text_of(const bc_record *r, const char *field, size_t *len)
{
    const bc_value *v = bc_record_get(r, field);
    *len = 0;
    return v ? bc_print_value(v, len) : NULL;
}

/* A cell of text made here (NUL-terminated). */
static char *made(char *s, size_t *len)
{
    *len = s ? strlen(s) : 0;
    return s;
}

/* A date in the one time format (timefmt.h); the column's header names the zone. */
static char *short_date(const bc_record *r, const char *field)
{
    int64_t ms;
    if (!bc_record_date(r, field, &ms))
        return NULL;
    char *out = bc_xmalloc(TUI_TIME_TEXT);
    tui_time_text(ms, 0, out, TUI_TIME_TEXT);
    return out;
}

static const bc_print_col user_cols[] = {
    {"email", 40, false}, {"name", 30, false},    {"role", 16, false},
    {"status", 29, true}, {"verified", 0, false}, {"created", 0, true},
};

static void user_cells(const bc_cli *c, const bc_record *u, char **out, size_t *lens)
{
    out[0] = text_of(u, "email", &lens[0]);
    out[1] = text_of(u, "name", &lens[1]);
    out[2] = text_of(u, "role", &lens[2]);
    out[3] = made(tui_user_status(u, c->now, 0), &lens[3]);
    out[4] = made(bc_xstrdup(bc_record_bool(u, "emailVerified") ? "yes" : "no"), &lens[4]);
    out[5] = made(short_date(u, "createdAt"), &lens[5]);
}

static const row_kind users_kind = {"users", BC_MODEL_USER, user_cols,
                                    sizeof user_cols / sizeof user_cols[0], user_cells};

static const bc_print_col session_cols[] = {
    {"id", 32, false},
    {"user", 40, false},
    {"status", 23, false},
    {"expires", 0, true},
    {"ip", 40, false},
    {"user agent", 40, false},
    {"impersonated by", 40, false},
};

static void session_cells(const bc_cli *c, const bc_record *s, char **out, size_t *lens)
{
    out[0] = text_of(s, "id", &lens[0]);
    /* Emails where the console shows them (bc_users_attach_emails); the id when the user is gone.
     */
    out[1] = text_of(s, bc_record_text(s, "userEmail") ? "userEmail" : "userId", &lens[1]);
    out[2] = made(bc_describe_session_status(s, c->now), &lens[2]);
    out[3] = made(short_date(s, "expiresAt"), &lens[3]);
    out[4] = text_of(s, "ipAddress", &lens[4]);
    out[5] = text_of(s, "userAgent", &lens[5]);
    out[6] =
        text_of(s, bc_record_text(s, "impersonatorEmail") ? "impersonatorEmail" : "impersonatedBy",
                &lens[6]);
}

static const row_kind sessions_kind = {"sessions", BC_MODEL_SESSION, session_cols,
                                       sizeof session_cols / sizeof session_cols[0], session_cells};

static const bc_print_col account_cols[] = {
    {"id", 0, false},     {"provider", 0, false}, {"account id", 40, false},
    {"scope", 30, false}, {"password", 0, false}, {"created", 0, true},
};

static void account_cells(const bc_cli *c, const bc_record *a, char **out, size_t *lens)
{
    out[0] = text_of(a, "id", &lens[0]);
    out[1] = text_of(a, "providerId", &lens[1]);
    out[2] = text_of(a, "accountId", &lens[2]);
    out[3] = text_of(a, "scope", &lens[3]);
    out[4] = text_of(a, "password", &lens[4]); /* masked unless --reveal */
    out[5] = made(short_date(a, "createdAt"), &lens[5]);
}

static const row_kind accounts_kind = {"accounts", BC_MODEL_ACCOUNT, account_cols,
                                       sizeof account_cols / sizeof account_cols[0], account_cells};

/* --- --json FIELDS -------------------------------------------------------------------------- */

const char *bc_cli_unknown_field(const char *word, size_t *len)
{
    static const bc_model models[] = {BC_MODEL_USER, BC_MODEL_SESSION, BC_MODEL_ACCOUNT};
    for (const char *p = word; *p;) {
        size_t n = strcspn(p, ",");
        char *name = bc_xstrndup(p, n);
        bool known = false;
        for (size_t m = 0; m < sizeof models / sizeof models[0] && !known; m++)
            known = n && bc_model_field(models[m], name) != NULL;
        free(name);
        if (!known) {
            *len = n;
            return p;
        }
        p += n + (p[n] == ',');
    }
    return NULL;
}

bool bc_cli_looks_like_fields(const char *word)
{
    size_t len;
    return *word && !bc_cli_unknown_field(word, &len);
}

/* Each name of --json FIELDS must be a field of the model or a column of the first row. */
static bc_status check_fields(const bc_cli *c, bc_model model, const bc_record *first,
                              bc_error *err)
{
    for (const char *p = c->json_fields; p && *p;) {
        size_t len = strcspn(p, ",");
        char *name = bc_xstrndup(p, len);
        bool known = bc_model_field(model, name) || (first && bc_record_get(first, name));
        bc_status st = known ? BC_OK
                             : bc_fail(err, BC_USAGE, "--json: \"%s\" is not a field of %s rows",
                                       name, bc_model_get(model)->name);
        free(name);
        if (st != BC_OK)
            return st;
        p += len + (p[len] == ',');
    }
    return BC_OK;
}

/* The row as JSON; with --json FIELDS only those fields, in that order (absent ones null). */
static json_t *row_json(const bc_cli *c, const bc_record *r)
{
    json_t *all = bc_record_to_json(r);
    if (!c->json_fields)
        return all;
    json_t *some = json_object();
    for (const char *p = c->json_fields; *p;) {
        size_t len = strcspn(p, ",");
        char *name = bc_xstrndup(p, len);
        json_t *v = json_object_get(all, name);
        json_object_set(some, name, v ? v : json_null());
        free(name);
        p += len + (p[len] == ',');
    }
    json_decref(all);
    return some;
}

/* --- the emitter ---------------------------------------------------------------------------- */

typedef struct {
    bc_cli *c;
    const row_kind *kind;
    bc_json_stream json;
    bc_table table;
    char **csv_names; /* CSV header: known fields, then the first row's extra columns */
    size_t ncsv;
    size_t rows;
} emitter;

static void emit_begin(emitter *e, bc_cli *c, const row_kind *kind)
{
    *e = (emitter){.c = c, .kind = kind};
    if (c->format == BC_OUT_JSON)
        bc_json_stream_open(&e->json, c->out, kind->key);
    else if (c->format == BC_OUT_HUMAN)
        bc_table_init(&e->table, c->out, c->columns, kind->cols, kind->ncols);
    e->table.fixed = c->all && c->format == BC_OUT_HUMAN;
}

static void csv_header(emitter *e, const bc_record *first)
{
    const bc_model_def *def = bc_model_get(e->kind->model);
    size_t extra = 0;
    for (size_t i = 0; first && i < first->n; i++)
        extra += !bc_model_field(e->kind->model, first->fields[i].name);
    e->csv_names = bc_xcalloc(def->n_fields + extra, sizeof *e->csv_names);
    for (size_t i = 0; i < def->n_fields; i++)
        e->csv_names[e->ncsv++] = bc_xstrdup(def->fields[i].name);
    for (size_t i = 0; first && i < first->n; i++)
        if (!bc_model_field(e->kind->model, first->fields[i].name))
            e->csv_names[e->ncsv++] = bc_xstrdup(first->fields[i].name);
    bc_csv_row(e->c->out, (const char *const *)e->csv_names, NULL, e->ncsv, !e->c->csv_formulas);
}

static void emit_csv(emitter *e, const bc_record *r)
{
    if (!e->csv_names)
        csv_header(e, r);
    char **cells = bc_xcalloc(e->ncsv, sizeof *cells);
    size_t *lens = bc_xcalloc(e->ncsv, sizeof *lens);
    for (size_t i = 0; i < e->ncsv; i++)
        cells[i] = text_of(r, e->csv_names[i], &lens[i]);
    bc_csv_row(e->c->out, (const char *const *)cells, lens, e->ncsv, !e->c->csv_formulas);
    for (size_t i = 0; i < e->ncsv; i++)
        free(cells[i]);
    free(cells);
    free(lens);
}

static void emit_row(emitter *e, bc_record *r)
{
    if (!e->c->reveal)
        bc_record_mask(e->kind->model, r);
    e->rows++;
    if (e->c->format == BC_OUT_JSON) {
        bc_json_stream_item(&e->json, row_json(e->c, r));
    } else if (e->c->format == BC_OUT_CSV) {
        emit_csv(e, r);
    } else {
        char **cells = bc_xcalloc(e->kind->ncols, sizeof *cells);
        size_t *lens = bc_xcalloc(e->kind->ncols, sizeof *lens);
        e->kind->cells(e->c, r, cells, lens);
        bc_table_row(&e->table, (const char *const *)cells, lens);
        for (size_t i = 0; i < e->kind->ncols; i++)
            free(cells[i]);
        free(cells);
        free(lens);
    }
}

/* After each page: tables print what they hold, so memory stays at one page. */
static void emit_page_done(emitter *e)
{
    if (e->c->format == BC_OUT_HUMAN)
        bc_table_flush(&e->table);
    fflush(e->c->out);
}

/* tail: JSON members after the array (stolen); a human footer is the caller's. */
static void emit_end(emitter *e, json_t *tail)
{
    if (e->c->format == BC_OUT_JSON)
        bc_json_stream_close(&e->json, tail);
    else
        json_decref(tail);
    if (e->c->format == BC_OUT_CSV && !e->csv_names)
        csv_header(e, NULL); /* no rows: still a header */
    if (e->c->format == BC_OUT_HUMAN) {
        bc_table_flush(&e->table);
        bc_table_release(&e->table);
    }
    for (size_t i = 0; i < e->ncsv; i++)
        free(e->csv_names[i]);
    free(e->csv_names);
}

/* --- paged lists ---------------------------------------------------------------------------- */

typedef bc_status (*page_fn)(bc_cli *c, const char *cursor, bool want_total, bc_page *out,
                             bc_error *err);

/* Rows per request: --limit, else for --all the largest page (the stream goes at the
 * deployment's pace, not the page size's), else the default. */
static size_t page_size(const bc_cli *c)
{
    return c->limit ? c->limit : c->all ? BC_PAGE_MAX : 0;
}

static bc_status users_page(bc_cli *c, const char *cursor, bool want_total, bc_page *out,
                            bc_error *err)
{
    bc_user_query q = c->users;
    q.limit = page_size(c);
    q.stream = c->all && !c->limit;
    q.cursor = cursor;
    q.want_total = want_total;
    return bc_driver_users_page(c->d, &q, out, err);
}

static bc_status sessions_page(bc_cli *c, const char *cursor, bool want_total, bc_page *out,
                               bc_error *err)
{
    bc_session_query q = c->sessions;
    q.limit = page_size(c);
    q.stream = c->all && !c->limit;
    q.cursor = cursor;
    q.want_total = want_total;
    return bc_driver_sessions_page(c->d, &q, out, err);
}

/* The footer is about the listing, not a row of it: on a terminal it follows the table; in a
 * pipe it goes to standard error, so what a script reads is the table alone. */
static void print_footer(bc_cli *c, size_t shown, int64_t total, bool at_least, const char *next)
{
    FILE *f = c->tty ? c->out : stderr;
    if (total < 0)
        fprintf(f, "showing %zu\n", shown);
    else
        fprintf(f, "showing %zu of %" PRId64 "%s\n", shown, total,
                at_least ? "+ so far (a lower bound: not every row was read)" : "");
    if (next)
        fprintf(f, "next cursor: %s\n", next);
}

/* One listing in progress: the emitter begins with the first batch of rows (checked first). */
typedef struct {
    bc_cli *c;
    const row_kind *kind;
    emitter e;
    bool begun;
    bool streaming; /* run_all: batches from the store's whole read */
    bc_meter meter; /* --all: rows so far; a Convex scan: rows read; on a terminal's stderr */
} lister;

/* A batch of rows in order: the first one begins the output. */
static bc_status list_batch(void *ctx, bc_rows *rows, bc_error *err)
{
    lister *l = ctx;
    bc_cli *c = l->c;
    /* Everything a batch needs is read before its first byte is printed: a failure on the first
     * batch leaves standard output empty (no header, no half-open JSON). */
    bc_status st = BC_OK;
    if (!l->begun)
        st = check_fields(c, l->kind->model, rows->n ? &rows->items[0] : NULL, err);
    if (st == BC_OK && l->kind == &sessions_kind && c->format == BC_OUT_HUMAN)
        st = bc_users_attach_emails(c->d, rows, NULL, err);
    bc_meter_end(&l->meter); /* the rows print on a clean line */
    if (st != BC_OK)
        return st;
    if (!l->begun) {
        emit_begin(&l->e, c, l->kind);
        l->begun = true;
    }
    for (size_t i = 0; i < rows->n; i++)
        emit_row(&l->e, &rows->items[i]);
    emit_page_done(&l->e);
    if (l->streaming) /* page by page, the loop reports with the total its first page counted */
        bc_meter_update(&l->meter, "exporting", l->e.rows, 0);
    return BC_OK;
}

/* The end of a listing: the JSON tail (total exact or at least, the cursors) and the footer. */
static void list_end(lister *l, bc_status st, int64_t total, bool at_least, const char *cursor,
                     const char *prev)
{
    bc_cli *c = l->c;
    if (st != BC_OK) {
        /* --all failed part way: the rows before the failure are out; JSON stays unterminated so
         * that no parser takes it for the whole, and no footer claims a count. */
        if (c->format == BC_OUT_HUMAN)
            bc_table_release(&l->e.table);
        for (size_t i = 0; i < l->e.ncsv; i++)
            free(l->e.csv_names[i]);
        free(l->e.csv_names);
        fflush(c->out);
        return;
    }
    json_t *tail = json_object();
    /* "total" is exact; a lower bound (Convex cannot count cheaply, and a search has not
     * scanned everything yet) is "totalAtLeast" instead. */
    json_object_set_new(tail, "total", total < 0 || at_least ? json_null() : json_integer(total));
    if (at_least)
        json_object_set_new(tail, "totalAtLeast", json_integer(total));
    json_object_set_new(tail, "nextCursor", cursor ? json_string(cursor) : json_null());
    if (prev) /* the way back, when this is not the first page */
        json_object_set_new(tail, "prevCursor", json_string(prev));
    emit_end(&l->e, tail);
    if (st == BC_OK && c->format == BC_OUT_HUMAN)
        print_footer(c, l->e.rows, total, at_least, cursor);
}

typedef bc_status (*each_fn)(bc_cli *c, bc_rows_sink sink, void *ctx, bc_error *err);

/* --all from the start on a store that streams: every row through its fastest whole read, in
 * order; the total is the number streamed. */
static bc_status run_all(bc_cli *c, const row_kind *kind, each_fn each, bc_error *err)
{
    lister l = {.c = c, .kind = kind, .streaming = true};
    bc_meter_start(&l.meter, kind->key);
    bc_progress progress = bc_meter_progress(&l.meter);
    c->d->progress = &progress;
    bc_status st = each(c, list_batch, &l, err);
    c->d->progress = NULL;
    bc_meter_end(&l.meter);
    if (!l.begun && st == BC_OK)
        st = list_batch(&l, &(bc_rows){0}, err); /* no rows: still a header */
    if (!l.begun)
        return st;
    list_end(&l, st, st == BC_OK ? (int64_t)l.e.rows : -1, false, NULL, NULL);
    return st;
}

/* One page, or every page with --all from a cursor, through the emitter. */
static bc_status run_list(bc_cli *c, const row_kind *kind, page_fn fetch, each_fn each,
                          bc_error *err)
{
    /* A store that reads a whole query faster than page by page (Convex); the others page on,
     * with the total their first page counts for the meter. */
    if (c->all && !c->limit && !c->cursor && bc_driver_streams(c->d))
        return run_all(c, kind, each, err);
    lister l = {.c = c, .kind = kind};
    char *cursor = c->cursor ? bc_xstrdup(c->cursor) : NULL;
    int64_t total = -1;
    bool at_least = false, first = true;
    char *prev = NULL; /* the first page's way back (Convex cursors carry their history) */
    bc_status st;
    bc_meter_start(&l.meter, kind->key);
    bc_progress progress = bc_meter_progress(&l.meter);
    for (;;) {
        bc_page page;
        c->d->progress = &progress;
        st = fetch(c, cursor, first, &page, err);
        c->d->progress = NULL;
        if (st == BC_OK)
            st = list_batch(&l, &page.rows, err);
        if (st != BC_OK) {
            bc_page_release(&page);
            break;
        }
        if (first) {
            total = page.total;
            at_least = page.total_at_least;
            prev = page.prev_cursor;
            page.prev_cursor = NULL;
        }
        first = false;
        if (c->all)
            bc_meter_update(&l.meter, "exporting", l.e.rows,
                            total > 0 && !at_least ? (uint64_t)total : 0);
        free(cursor);
        cursor = page.next_cursor;
        page.next_cursor = NULL;
        bc_page_release(&page);
        if (!cursor || !c->all)
            break;
    }
    bc_meter_end(&l.meter);
    if (!l.begun) {
        free(cursor);
        return st;
    }
    if (st == BC_OK && c->all && !c->cursor) {
        /* Every row from the start was streamed: that is the exact count. */
        total = (int64_t)l.e.rows;
        at_least = false;
    } else if (at_least && !c->cursor && total < (int64_t)l.e.rows) {
        total = (int64_t)l.e.rows; /* a lower bound never below the rows shown */
    }
    list_end(&l, st, total, at_least, cursor, prev);
    free(prev);
    free(cursor);
    return st;
}

static bc_status users_each(bc_cli *c, bc_rows_sink sink, void *ctx, bc_error *err)
{
    return bc_driver_users_each(c->d, &c->users, sink, ctx, err);
}

static bc_status sessions_each(bc_cli *c, bc_rows_sink sink, void *ctx, bc_error *err)
{
    return bc_driver_sessions_each(c->d, &c->sessions, sink, ctx, err);
}

bc_status bc_cli_users_list(bc_cli *c, bc_error *err)
{
    return run_list(c, &users_kind, users_page, users_each, err);
}

bc_status bc_cli_sessions_list(bc_cli *c, bc_error *err)
{
    bc_record user = {0};
    if (c->nargs == 1) {
        bc_status st = bc_lookup_user(c->d, c->args[0], &user, err);
        if (st != BC_OK)
            return st;
        c->sessions.user_id = bc_record_text(&user, "id");
    }
    bc_status st = run_list(c, &sessions_kind, sessions_page, sessions_each, err);
    bc_record_release(&user);
    return st;
}

/* --- one user ------------------------------------------------------------------------------- */

static bc_status user_accounts(bc_cli *c, const char *user_id, bc_rows *out, bc_error *err)
{
    bc_match m = {"userId", &user_id, 1};
    return bc_driver_rows_get(c->d, BC_MODEL_ACCOUNT, &m, 0, out, err);
}

bc_status bc_cli_accounts_list(bc_cli *c, bc_error *err)
{
    bc_record user;
    bc_status st = bc_lookup_user(c->d, c->args[0], &user, err);
    if (st != BC_OK)
        return st;
    bc_rows rows;
    st = user_accounts(c, bc_record_text(&user, "id"), &rows, err);
    bc_record_release(&user);
    if (st != BC_OK)
        return st;
    st = check_fields(c, BC_MODEL_ACCOUNT, rows.n ? &rows.items[0] : NULL, err);
    if (st != BC_OK) {
        bc_rows_release(&rows);
        return st;
    }
    emitter e;
    emit_begin(&e, c, &accounts_kind);
    for (size_t i = 0; i < rows.n; i++)
        emit_row(&e, &rows.items[i]);
    emit_end(&e, NULL);
    bc_rows_release(&rows);
    return BC_OK;
}

/* Every field of the user, one per line: name, then value ("-" for NULL). */
static void print_fields(bc_cli *c, const bc_record *r, const char *status)
{
    static const bc_print_col cols[] = {{NULL, 0, false}, {NULL, 0, false}};
    bc_table t;
    bc_table_init(&t, c->out, c->columns, cols, 2);
    t.indent = "  ";
    for (size_t i = 0; i < r->n; i++) {
        size_t len;
        char *v = bc_print_value(&r->fields[i].value, &len);
        const char *cells[] = {r->fields[i].name, v};
        const size_t lens[] = {strlen(r->fields[i].name), len};
        bc_table_row(&t, cells, lens);
        free(v);
    }
    const char *cells[] = {"status", status};
    bc_table_row(&t, cells, NULL);
    bc_table_flush(&t);
    bc_table_release(&t);
}

static void print_section(bc_cli *c, const row_kind *kind, const bc_rows *rows)
{
    fprintf(c->out, "\n%s (%zu)\n", kind->key, rows->n);
    if (rows->n == 0)
        return;
    emitter e;
    emit_begin(&e, c, kind);
    e.table.indent = "  ";
    for (size_t i = 0; i < rows->n; i++)
        emit_row(&e, &rows->items[i]);
    emit_end(&e, NULL);
}

bc_status bc_cli_users_show(bc_cli *c, bc_error *err)
{
    /* Revealed here, masked below: the table columns mask secrets their own way. */
    bc_user_detail detail;
    bc_status st = bc_users_detail(c->d, c->args[0], true, &detail, err);
    if (st != BC_OK)
        return st;
    const bc_record *user = &detail.user;
    const bc_rows *sessions = &detail.sessions, *accounts = &detail.accounts;
    if (!c->reveal)
        bc_record_mask(BC_MODEL_USER, &detail.user);
    if (c->format == BC_OUT_JSON) {
        for (size_t i = 0; !c->reveal && i < sessions->n; i++)
            bc_record_mask(BC_MODEL_SESSION, &detail.sessions.items[i]);
        for (size_t i = 0; !c->reveal && i < accounts->n; i++)
            bc_record_mask(BC_MODEL_ACCOUNT, &detail.accounts.items[i]);
        st = check_fields(c, BC_MODEL_USER, user, err);
        if (st != BC_OK) {
            bc_users_detail_release(&detail);
            return st;
        }
        json_t *doc = json_object();
        json_object_set_new(doc, "user", row_json(c, user));
        json_object_set_new(doc, "sessions", bc_rows_to_json(sessions));
        json_object_set_new(doc, "accounts", bc_rows_to_json(accounts));
        bc_json_print(c->out, doc);
    } else {
        /* The sessions' owner and impersonator by email, as in `sessions list` and the console
         * (the owner is the user read above: only impersonators are looked up). */
        st = bc_users_attach_emails(c->d, &detail.sessions, user, err);
        if (st != BC_OK) {
            bc_users_detail_release(&detail);
            return st;
        }
        char *status = tui_user_status(user, c->now, TUI_TIME_ZONE | TUI_TIME_ABSOLUTE);
        fputs("user\n", c->out);
        print_fields(c, user, status);
        free(status);
        print_section(c, &sessions_kind, sessions);
        print_section(c, &accounts_kind, accounts);
        if (!bc_users_has_password(accounts))
            fprintf(c->out, "  %s\n", BC_USERS_NO_PASSWORD);
    }
    bc_users_detail_release(&detail);
    return BC_OK;
}
