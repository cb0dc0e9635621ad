/* convex_driver.c - driver.h over better-convex's createApi functions (see CONVEX.md).
 *
 * What better-convex 0.6.4's findMany can do decides the shape of every query here:
 * - a where list is ANDed; OR with more than one item is refused, so CONTAINS (email or name,
 *   case-insensitive like SQLite's LIKE) is filtered on this side while paging;
 * - eq/lt/gt pick an index, and when none fits the query silently loses its sortBy; so user
 *   filters are sent only as the operators it applies after reading (ne, contains,
 *   starts_with), which leave the sort index alone, and are checked exactly again here;
 * - those after-read filters read a bounded number of rows per call: pages come back short or
 *   empty with isDone false, so a page keeps calling until it has its rows, the query is done,
 *   or a call budget is spent (then it returns what it has, with a next cursor);
 * - `in` works on _id (by get, no paging) and single-field indexes; not on email (compound).
 * Cursors wrap Convex's continueCursor; a page that ends inside a batch remembers the batch's
 * start and the last row shown. Going back uses a stack of earlier positions kept in the
 * cursor. Independent calls go out together (bc_convex_run: one round trip).
 *
 * A whole query (users_each / sessions_each) reads in _creationTime ranges (read_ranges, then
 * read_on): one bc_convex_queue carries its range reads, at most IN_FLIGHT at once, the next
 * ones sent whenever an answer comes in, and the rows are handed to the sink in order. Writes the
 * sink starts (bc_driver_writes_start: a bulk's 500-user chunks, see core/admin.c
 * bc_admin_bulk_filter) join that queue as jobs (updateMany / deleteMany paged by their own
 * answers), so they go out while later ranges are still being read; the read waits for them
 * before it returns, and a failure stops the reading and sends no further write.
 */
#include "convex_driver.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

#include "convex_http.h"
#include "convex_ranges.h"
#include "convex_value.h"
#include "cursor.h"
#include "encoding.h"
#include "isotime.h"
#include "text.h"

enum {
    /* Values per `in` call. better-convex 0.6.4 and 0.11 and @convex-dev/better-auth 0.12 read
     * an `in` over _id with one db.get per value and an `in` over another indexed field with one
     * index range per value (a merged stream of eq queries), so a call of 500 values reads 500
     * index ranges: under Convex's 4,096 per function, and 500 array elements under its 8,192.
     * The rows a call reads and writes are bounded by WRITE_BATCH / READ_BATCH, not by this: a
     * deleteMany of 500 users' sessions deletes up to WRITE_BATCH a call and pages on. So one
     * bulk chunk of 500 users (admin.c) with up to 4 sessions each is one updateMany and one
     * deleteMany, sent together. */
    ID_CHUNK = 500,
    VALUE_CHUNK = 500,
    /* Rows per updateMany/deleteMany call: 2,000 documents written of Convex's 16,000 a
     * function, 2,001 read of its 32,000 (maxScan is numItems + 1), ~2 MiB of session rows of
     * its 16 MiB. (An `in` over _id is not paged: it writes its ID_CHUNK rows at most.) */
    WRITE_BATCH = 2000,
    READ_BATCH = 1000, /* rows per findMany call when reading everything */
    SCAN_BATCH = 500,  /* rows per call when this side filters (CONTAINS) */
    SCAN_READS = 2000, /* maximumRowsRead for calls whose filter runs after reading */
    CALL_BUDGET = 20,  /* calls one page may make before it returns what it found */
    /* A streamed page (an export): 8,000 rows is ~4 MiB of typical auth rows, under Convex's
     * per-call read limits (16 MiB, 32,000 documents) with room for rows twice that size; a
     * filter applied after reading may read up to 16,000 documents for it. */
    STREAM_BATCH = 8000,
    STREAM_READS = 16000,
    COUNT_LIMIT = 1000, /* rows read to count; beyond it the total is a lower bound */
    HISTORY_MAX = 32,   /* earlier positions kept in a cursor for going back */
    IN_FLIGHT = 8,      /* calls sent at once: a handful, so a bulk change never floods */
    /* Owners a sessions search reads by id (two rounds of IN_FLIGHT `in` calls) before it reads
     * every user once instead: past that, a users scan costs fewer rounds. */
    OWNER_LOOKUPS = 2 * IN_FLIGHT * ID_CHUNK,
};

typedef enum { LAYOUT_ROOT, LAYOUT_GENERATED, LAYOUT_COMPONENT, LAYOUT_CUSTOM } layout;

typedef struct live live; /* a ranged read's calls in flight (read_on) */

typedef struct {
    bc_driver base;
    bc_convex *cx;
    layout layout;
    char *module;    /* "auth:" | "generated/auth:" | "adapter:" | custom "mod:" */
    char *component; /* NULL or "betterAuth" */
    char *functions; /* for bc_convex_functions */
    bool own_cx;     /* cx was made here (else borrowed from the caller, bc_convex_opts.conn) */
    bool trusted;    /* the layout came from the caller's cache, not from a probe */
    void (*on_layout)(void *ctx, const char *functions);
    void *layout_ctx;
    /* Ids the caller gave rows it inserted -> the _id Convex gave them (Convex chooses ids). */
    char **alias_from, **alias_to;
    size_t n_alias;
    /* A sessions search's owners for its folded needle, kept for its later pages: the ids of
     * those whose email or name holds it, and of every owner looked at (both sorted). A page
     * reads its first round's owners by id (session_resolve); past that, or past OWNER_LOOKUPS,
     * and for a stream, one users scan finds every match (session_all: session_users is then
     * every match). */
    char *session_needle;
    char **session_users;
    size_t n_session_users;
    char **session_seen;
    size_t n_session_seen;
    size_t session_looked;
    bool session_all;
    /* The ranged read whose sink runs now: writes it starts join its calls (NULL: none). */
    live *live;
} cv;

static const bc_driver_ops convex_ops;

/* --- calls --------------------------------------------------------------------------------- */

/* A call with its path owned. */
typedef struct {
    bc_convex_call call;
    char *path;
} fcall;

static void fcall_init(cv *c, fcall *f, const char *fn, bc_cv *args, bool read)
{
    f->path = bc_xasprintf("%s%s", c->module, fn);
    char *text = bc_cv_dump(args);
    bc_cv_free(args);
    f->call = (bc_convex_call){.kind = BC_CALL_FUNCTION,
                               .path = f->path,
                               .component = c->component,
                               .args = json_loads(text, 0, NULL),
                               .read_only = read};
    free(text);
}

static void fcall_release(fcall *f)
{
    json_decref(f->call.args);
    bc_convex_call_release(&f->call);
    free(f->path);
    *f = (fcall){0};
}

/* The call's value as a bc_cv (caller's), or an error naming the function. */
static bc_status fcall_value(fcall *f, bc_cv **out, bc_error *err)
{
    *out = NULL;
    if (f->call.status != BC_OK) {
        if (err)
            *err = f->call.err;
        return f->call.status;
    }
    char *text = json_dumps(f->call.value, JSON_COMPACT | JSON_ENCODE_ANY);
    bc_status st = bc_cv_parse(text ? text : "null", text ? strlen(text) : 4, "value", out, err);
    free(text);
    if (st != BC_OK)
        bc_error_prefix(err, "%s: ", f->path);
    return st;
}

static bool logged(const fcall *f, const char *needle)
{
    size_t i;
    json_t *line;
    json_array_foreach(f->call.log_lines, i, line)
    {
        const char *s = json_string_value(line);
        if (s && strstr(s, needle))
            return true;
    }
    return false;
}

/* --- small helpers ------------------------------------------------------------------------- */

/* Better Auth's id field is Convex's _id. */
static const char *wire_field(const char *field)
{
    return strcmp(field, "id") == 0 ? "_id" : field;
}

static const char *alias(const cv *c, const char *value)
{
    for (size_t i = 0; value && i < c->n_alias; i++)
        if (strcmp(c->alias_from[i], value) == 0)
            return c->alias_to[i];
    return value;
}

/* A match value as sent: ids given to inserted rows translated (emails arrive lowercased from
 * driver.c's email rule). */
static bc_cv *match_value(const cv *c, bc_model m, const char *field, const char *value)
{
    if (m == BC_MODEL_USER && strcmp(field, "email") == 0)
        return bc_cv_string(value);
    return bc_cv_string(alias(c, value));
}

static void where_add(bc_cv *where, const char *field, const char *op, bc_cv *value)
{
    bc_cv *w = bc_cv_object();
    bc_cv_set(w, "field", bc_cv_string(field));
    bc_cv_set(w, "operator", bc_cv_string(op));
    bc_cv_set(w, "value", value);
    bc_cv_push(where, w);
}

static bc_cv *pagination(const char *cursor, size_t n, size_t max_reads)
{
    bc_cv *p = bc_cv_object();
    bc_cv_set(p, "numItems", bc_cv_float((double)n));
    bc_cv_set(p, "cursor", cursor ? bc_cv_string(cursor) : bc_cv_null());
    if (max_reads)
        bc_cv_set(p, "maximumRowsRead", bc_cv_float((double)max_reads));
    return p;
}

/* findMany's answer: {page, isDone, continueCursor}. */
typedef struct {
    const bc_cv *page;
    bool done;
    const char *next;
} fm_answer;

static bc_status read_answer(const bc_cv *v, const char *what, fm_answer *a, bc_error *err)
{
    a->page = bc_cv_get(v, "page");
    a->next = bc_cv_get_string(v, "continueCursor");
    if (!a->page || a->page->kind != BC_CV_ARRAY || !bc_cv_get_bool(v, "isDone", &a->done))
        return bc_fail(err, BC_ERR,
                       "%s: the answer has no page/isDone (is this better-convex's "
                       "createApi?)",
                       what);
    if (!a->done && (!a->next || !*a->next))
        return bc_fail(err, BC_ERR, "%s: the answer has isDone false and no continueCursor", what);
    return BC_OK;
}

/* --- finding rows: the job runner ---------------------------------------------------------- */

/* One independent paged call sequence (findMany / updateMany / deleteMany over one where, or one
 * updateOne), with where its results go. */
typedef struct {
    const char *fn;
    bc_cv *base; /* the arguments without paginationOpts (owned) */
    char *cursor;
    bool done;
    size_t batch;
    bc_model model;
    bc_rows *rows;  /* a read: where its rows go */
    size_t limit;   /* a read: at most this many rows (0: no limit) */
    size_t *count;  /* a write: where its count is added */
    bc_record *after; /* updateOne: where the row it returns goes */
    bc_status *status; /* where this job's failure goes (NULL: nowhere but the result) */
    bool *sent;        /* a write: set once a call of it may have run */
    bool *uncertain;   /* a write: set when it failed with its outcome unknown */
    bool busy;         /* a call of it is in flight */
} job;

static void job_release(job *j)
{
    bc_cv_free(j->base);
    free(j->cursor);
}

static bool job_full(const job *j)
{
    return j->rows && j->limit && j->rows->n >= j->limit;
}

/* Read one answer into the job's destination and advance it. */
static bc_status job_answer(job *j, const fcall *f, const bc_cv *v, bc_error *e)
{
    fm_answer a = {0};
    bc_status cs = BC_OK;
    if (j->after) {
        /* updateOne: the row as written. */
        cs = bc_cv_doc_to_record(j->model, v, j->after, e);
        if (cs == BC_OK && j->count)
            *j->count += 1;
        j->done = true;
        return cs;
    }
    if (j->rows) {
        cs = read_answer(v, f->path, &a, e);
        for (size_t d = 0; cs == BC_OK && d < a.page->u.arr.n && !job_full(j); d++) {
            bc_record r = {0};
            cs = bc_cv_doc_to_record(j->model, a.page->u.arr.items[d], &r, e);
            if (cs == BC_OK)
                bc_rows_push(j->rows, &r);
        }
    } else {
        const bc_cv *cnt = bc_cv_get(v, "count");
        a.next = bc_cv_get_string(v, "continueCursor");
        if (!cnt || cnt->kind != BC_CV_FLOAT || !bc_cv_get_bool(v, "isDone", &a.done))
            cs = bc_fail(e, BC_ERR, "%s: the answer has no count/isDone", f->path);
        else if (j->count)
            *j->count += (size_t)cnt->u.f;
    }
    if (cs == BC_OK) {
        j->done = a.done || !a.next || !*a.next || job_full(j);
        free(j->cursor);
        j->cursor = bc_xstrdup(a.next);
    }
    return cs;
}

/* updateOne of a row that is not there: better-convex throws "Failed to update <model>". */
static bool update_missed(const job *j, const fcall *f)
{
    return j->after && f->call.status != BC_OK && f->call.http_status == 200 &&
           strstr(f->call.err.msg, "Failed to update");
}

/* The next call of an unfinished job (into *f). */
static void job_call(cv *c, const job *j, fcall *f)
{
    bc_cv *args = bc_cv_copy(j->base);
    if (!j->after)
        bc_cv_set(args, "paginationOpts", pagination(j->cursor, j->batch, 0));
    fcall_init(c, f, j->fn, args, j->rows != NULL);
}

/* Read a job's answer (f, released here) into it; a failure ends the job and goes to its own
 * status, and to *st / *err when it is the first. */
static void job_take(job *j, fcall *f, bc_status *st, bc_error *err)
{
    j->busy = false;
    if (j->sent && f->call.sent)
        *j->sent = true;
    bc_error e = {0};
    bc_cv *v = NULL;
    bc_status cs;
    if (update_missed(j, f)) {
        j->done = true;
        cs = BC_OK;
    } else {
        cs = fcall_value(f, &v, &e);
        if (cs == BC_OK)
            cs = job_answer(j, f, v, &e);
    }
    if (cs != BC_OK) {
        j->done = true;
        if (j->status)
            *j->status = cs;
        if (j->uncertain && e.uncertain)
            *j->uncertain = true;
        if (*st == BC_OK) {
            *st = cs;
            if (err)
                *err = e;
        }
    }
    bc_cv_free(v);
    fcall_release(f);
}

/* A call in flight on a queue, and what its answer is for. */
typedef enum { FLIGHT_JOB, FLIGHT_RANGE, FLIGHT_PAGE } flight_kind;

typedef struct {
    fcall f;
    flight_kind kind;
    size_t job;   /* FLIGHT_JOB: the job's index */
    size_t range; /* FLIGHT_RANGE: the plan's id for the range */
    char *end;    /* FLIGHT_RANGE: the range's end (owned) */
} flight;

static void flight_send(bc_convex_queue *q, flight *fl)
{
    fl->f.call.tag = fl;
    bc_convex_queue_add(q, &fl->f.call);
}

static void flight_free(flight *fl)
{
    fcall_release(&fl->f);
    free(fl->end);
    free(fl);
}

/* Send the next call of jobs[i] on q. */
static void job_send(cv *c, bc_convex_queue *q, job *jobs, size_t i)
{
    flight *fl = bc_xcalloc(1, sizeof *fl);
    fl->kind = FLIGHT_JOB;
    fl->job = i;
    job_call(c, &jobs[i], &fl->f);
    jobs[i].busy = true;
    flight_send(q, fl);
}

/* Run jobs on one queue, IN_FLIGHT calls at once: each job's next call goes out as soon as its
 * last answer is in. Every answer is read, also after a failure, so the counts say what was
 * applied; a failed job stops, the others go on (not after a stop request). Returns the first
 * failure. */
static bc_status run_jobs(cv *c, job *jobs, size_t n, bc_error *err)
{
    bc_status st = BC_OK;
    bc_convex_queue *q = bc_convex_queue_new(c->cx, IN_FLIGHT);
    for (size_t i = 0; i < n; i++)
        if (!jobs[i].done && !job_full(&jobs[i]))
            job_send(c, q, jobs, i);
    bc_convex_call *call;
    while ((call = bc_convex_queue_next(q))) {
        flight *fl = call->tag;
        job *j = &jobs[fl->job];
        job_take(j, &fl->f, &st, err);
        if (st != BC_CANCELLED && !j->done && !job_full(j))
            job_send(c, q, jobs, fl->job);
        flight_free(fl);
    }
    bc_convex_queue_free(q);
    return st;
}

/* Arguments for fn over model with where: findMany takes them flat, writes under "input". */
static bc_cv *job_args(const char *fn, const char *model, bc_cv *where, const char *extra_key,
                       const bc_cv *extra)
{
    bc_cv *input = bc_cv_object();
    bc_cv_set(input, "model", bc_cv_string(model));
    if (where)
        bc_cv_set(input, "where", where);
    if (strcmp(fn, "findMany") == 0)
        return input;
    if (extra)
        bc_cv_set(input, extra_key, bc_cv_copy(extra));
    bc_cv *args = bc_cv_object();
    bc_cv_set(args, "input", input);
    return args;
}

/* Append to *jobs the jobs for rows of m matching mt: `in` over _id chunks, per-value calls for
 * email (its index is compound, where `in` fails), `in` chunks over other fields, or everything.
 * Returns how many were added; each starts from tmpl (destinations). */
static size_t add_jobs(cv *c, bc_model m, const bc_match *mt, const char *fn, const bc_cv *extra,
                       const char *extra_key, size_t batch, const job *tmpl, job **jobs,
                       size_t *n)
{
    const char *model = bc_model_get(m)->name;
    size_t n_jobs;
    size_t per = 0;
    bool id = mt && strcmp(wire_field(mt->field), "_id") == 0;
    bool email = mt && m == BC_MODEL_USER && strcmp(mt->field, "email") == 0;
    if (!mt)
        n_jobs = 1;
    else if (mt->n == 1 || email)
        n_jobs = mt->n, per = 1;
    else
        per = id ? ID_CHUNK : VALUE_CHUNK, n_jobs = (mt->n + per - 1) / per;
    *jobs = bc_xrealloc(*jobs, (*n + n_jobs + 1) * sizeof **jobs);
    for (size_t j = 0; j < n_jobs; j++) {
        bc_cv *where = NULL;
        if (mt) {
            where = bc_cv_array();
            size_t from = j * per, to = from + per < mt->n ? from + per : mt->n;
            if (to - from == 1) {
                where_add(where, wire_field(mt->field), "eq",
                          match_value(c, m, mt->field, mt->values[from]));
            } else {
                bc_cv *list = bc_cv_array();
                for (size_t i = from; i < to; i++)
                    bc_cv_push(list, match_value(c, m, mt->field, mt->values[i]));
                where_add(where, wire_field(mt->field), "in", list);
            }
        }
        job *jb = &(*jobs)[(*n)++];
        *jb = *tmpl;
        jb->fn = fn;
        jb->base = job_args(fn, model, where, extra_key, extra);
        jb->batch = batch;
        jb->model = m;
    }
    return n_jobs;
}

static void jobs_release(job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        job_release(&jobs[i]);
    free(jobs);
}

static void add_read_jobs(cv *c, bc_read *r, size_t n, job **jobs, size_t *n_jobs)
{
    for (size_t i = 0; i < n; i++) {
        const bc_match *mt = r[i].match.field ? &r[i].match : NULL;
        if (mt && mt->n == 0)
            continue;
        size_t batch = r[i].limit && r[i].limit < READ_BATCH ? r[i].limit : READ_BATCH;
        job tmpl = {.rows = &r[i].rows, .limit = r[i].limit, .status = &r[i].status};
        add_jobs(c, r[i].model, mt, "findMany", NULL, NULL, batch, &tmpl, jobs, n_jobs);
    }
}

static bc_status convex_rows_get(bc_driver *d, bc_model model, const bc_match *mt, size_t limit,
                                 bc_rows *out, bc_error *err)
{
    bc_read r = {.model = model, .match = mt ? *mt : (bc_match){0}, .limit = limit};
    bc_status st = bc_driver_reads(d, &r, 1, err);
    *out = r.rows;
    if (st != BC_OK)
        bc_rows_release(out);
    return st;
}


/* --- writes -------------------------------------------------------------------------------- */

/* A record as document fields, with inserted rows' ids translated and user emails lowercased. */
static bc_cv *to_doc(cv *c, bc_model m, const bc_record *r)
{
    bc_record copy = bc_record_copy(r);
    for (size_t i = 0; i < copy.n; i++) {
        bc_field *f = &copy.fields[i];
        if (f->value.kind != BC_V_TEXT)
            continue;
        const char *to = alias(c, f->value.u.text);
        if (m == BC_MODEL_USER && strcmp(f->name, "email") == 0) {
            continue; /* lowercased above the seam (driver.c), never an alias */
        } else if (to != f->value.u.text) {
            bc_record_set_text(&copy, f->name, to);
        }
    }
    bc_cv *doc = bc_cv_record_to_doc(m, &copy);
    bc_record_release(&copy);
    return doc;
}

static bc_status convex_row_insert(bc_driver *d, bc_model model, const bc_record *row,
                                   bc_error *err)
{
    cv *c = (cv *)d;
    if (row->n == 0)
        return bc_fail(err, BC_USAGE, "nothing to insert into \"%s\"", bc_model_get(model)->name);
    bc_cv *input = bc_cv_object();
    bc_cv_set(input, "model", bc_cv_string(bc_model_get(model)->name));
    bc_cv_set(input, "data", to_doc(c, model, row));
    bc_cv *args = bc_cv_object();
    bc_cv_set(args, "input", input);
    fcall f = {0};
    fcall_init(c, &f, "create", args, false);
    bc_convex_run(c->cx, &f.call, 1);
    bc_cv *v = NULL;
    bc_status st = fcall_value(&f, &v, err);
    const char *new_id = st == BC_OK ? bc_cv_get_string(v, "_id") : NULL;
    if (st == BC_OK && !new_id)
        st = bc_fail(err, BC_ERR, "%s: the answer has no _id", f.path);
    const char *given = bc_record_text(row, "id");
    if (st == BC_OK && given && strcmp(given, new_id) != 0) {
        /* Convex chooses ids: later references to the id the caller chose mean this row. */
        c->alias_from = bc_xrealloc(c->alias_from, (c->n_alias + 1) * sizeof *c->alias_from);
        c->alias_to = bc_xrealloc(c->alias_to, (c->n_alias + 1) * sizeof *c->alias_to);
        c->alias_from[c->n_alias] = bc_xstrdup(given);
        c->alias_to[c->n_alias++] = bc_xstrdup(new_id);
    }
    bc_cv_free(v);
    fcall_release(&f);
    return st;
}

static bc_status patch_check(bc_model model, const bc_record *patch, bc_error *err)
{
    for (size_t i = 0; i < patch->n; i++)
        if (strcmp(patch->fields[i].name, "id") == 0 || patch->fields[i].name[0] == '_')
            return bc_fail(err, BC_USAGE, "field \"%s\" of \"%s\" cannot be changed on Convex",
                           patch->fields[i].name, bc_model_get(model)->name);
    return BC_OK;
}

/* Jobs for writes: a patch of one row by id is updateOne (its answer is the row as written),
 * other writes updateMany / deleteMany in chunks. Each fills its bc_write's count, status and
 * sent flag (w must stay where it is until the jobs are done). */
static void add_write_jobs(cv *c, bc_write *w, size_t nw, job **jobs, size_t *n_jobs)
{
    for (size_t i = 0; i < nw; i++) {
        const bc_match *mt = w[i].match.field ? &w[i].match : NULL;
        if ((mt && mt->n == 0) || (w[i].patch && w[i].patch->n == 0))
            continue;
        job tmpl = {.count = &w[i].changed,
                    .status = &w[i].status,
                    .sent = &w[i].sent,
                    .uncertain = &w[i].uncertain};
        bc_cv *doc = w[i].patch ? to_doc(c, w[i].model, w[i].patch) : NULL;
        bool one = doc && mt && mt->n == 1 && strcmp(wire_field(mt->field), "_id") == 0;
        if (one) {
            tmpl.after = &w[i].after;
            add_jobs(c, w[i].model, mt, "updateOne", doc, "update", 0, &tmpl, jobs, n_jobs);
        } else {
            add_jobs(c, w[i].model, mt, doc ? "updateMany" : "deleteMany", doc, "update",
                     WRITE_BATCH, &tmpl, jobs, n_jobs);
        }
        bc_cv_free(doc);
    }
}

/* Independent reads and writes in one go: a patch of one row by id is updateOne (its answer is
 * the row as written), other writes updateMany / deleteMany in chunks; every chunk of every read
 * and write shares the rounds. */
static bc_status convex_batch(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                              bc_error *err)
{
    cv *c = (cv *)d;
    job *jobs = NULL;
    size_t n_jobs = 0;
    bc_status st = BC_OK;
    for (size_t i = 0; i < nw && st == BC_OK; i++)
        if (w[i].patch)
            st = patch_check(w[i].model, w[i].patch, err);
    if (st != BC_OK)
        return st;
    add_read_jobs(c, r, nr, &jobs, &n_jobs);
    add_write_jobs(c, w, nw, &jobs, &n_jobs);
    st = run_jobs(c, jobs, n_jobs, err);
    jobs_release(jobs, n_jobs);
    return st;
}

static bc_status write_one(bc_driver *d, bc_model model, const bc_match *m,
                           const bc_record *patch, size_t *changed, bc_error *err)
{
    bc_write w = {.model = model, .match = m ? *m : (bc_match){0}, .patch = patch};
    bc_status st = bc_driver_writes(d, &w, 1, err);
    bc_record_release(&w.after);
    if (st != BC_OK && w.changed)
        bc_error_prefix(err, "%zu %s row(s) were changed before this failure: ", w.changed,
                        bc_model_get(model)->name);
    if (changed)
        *changed = st == BC_OK ? w.changed : 0;
    return st;
}

static bc_status convex_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                                    const bc_record *patch, size_t *changed, bc_error *err)
{
    return write_one(d, model, m, patch, changed, err);
}

static bc_status convex_rows_delete(bc_driver *d, bc_model model, const bc_match *m,
                                    size_t *deleted, bc_error *err)
{
    return write_one(d, model, m, NULL, deleted, err);
}

/* --- pages --------------------------------------------------------------------------------- */

/* A position in a query: the batch fetched from Convex cursor s (NULL: the start) with b rows,
 * after the row with id k (at index ki of that batch); k NULL: from the start of the batch. */
typedef struct {
    char *s;
    size_t b;
    char *k;
    size_t ki;
} position;

static void position_release(position *p)
{
    free(p->s);
    free(p->k);
    *p = (position){0};
}

typedef bool (*row_pred)(const bc_record *r, const void *ctx, int64_t now);
typedef struct page_spec page_spec;
/* Before pred sees the rows of one round's answers (pages: their findMany page arrays), read
 * what it needs beside them (a sessions search: the owners not seen yet) in one round; n 0:
 * for every row from here on (the answers then come one by one, while reads are in flight). */
typedef bc_status (*rows_resolve)(cv *c, const page_spec *sp, const bc_cv *const *pages, size_t n,
                                  bc_error *err);

struct page_spec {
    bc_model model;
    bc_cv *where;     /* server-side filter (owned), or NULL */
    const char *sort; /* sortBy field or NULL */
    bool ascending;
    bool needs_index; /* the sort must come from an index (not just _creationTime) */
    size_t batch;     /* rows per call when this side filters; 0: just what is missing */
    bool scans;       /* filters applied after reading: allow more reads per call */
    row_pred pred;
    const void *pred_ctx;
    char *canonical; /* ties cursors to the query */
    size_t limit;
    bool stream; /* the caller reads every page: STREAM_BATCH rows per page */
    const char *cursor;
    bool want_total;
    rows_resolve resolve; /* optional: runs before pred on each round's answers */
};

/* sp's resolve over the pages of one round (NULL pages are skipped). */
static bc_status resolve_pages(cv *c, const page_spec *sp, const bc_cv **pages, size_t n,
                               bc_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (pages[i])
            pages[k++] = pages[i];
    return sp->resolve && k ? sp->resolve(c, sp, pages, k, err) : BC_OK;
}

/* The page of a findMany answer v, or NULL. */
static const bc_cv *answer_page(const bc_cv *v)
{
    fm_answer a = {0};
    return v && read_answer(v, "findMany", &a, NULL) == BC_OK ? a.page : NULL;
}

static json_t *position_json(const position *p)
{
    return json_pack("[s?,I,s?,I]", p->s, (json_int_t)p->b, p->k, (json_int_t)p->ki);
}

static char *encode_cursor(uint32_t f, const position *at, const position *hist, size_t n_hist)
{
    json_t *h = json_array();
    size_t from = n_hist > HISTORY_MAX ? n_hist - HISTORY_MAX : 0;
    for (size_t i = from; i < n_hist; i++)
        json_array_append_new(h, position_json(&hist[i]));
    json_t *j =
        json_pack("{s:i,s:I,s:o,s:o}", "v", 1, "f", (json_int_t)f, "p", position_json(at), "h", h);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *out = bc_base64_encode((const unsigned char *)text, strlen(text), true);
    free(text);
    return out;
}

static bool decode_position(json_t *j, position *p)
{
    json_t *js = json_array_get(j, 0), *jb = json_array_get(j, 1), *jk = json_array_get(j, 2),
           *ji = json_array_get(j, 3);
    if (json_array_size(j) != 4 || !(json_is_null(js) || json_is_string(js)) ||
        !json_is_integer(jb) || !(json_is_null(jk) || json_is_string(jk)) || !json_is_integer(ji))
        return false;
    json_int_t b = json_integer_value(jb), ki = json_integer_value(ji);
    if (b < 0 || ki < 0 || b > STREAM_BATCH + 1 || ki > STREAM_BATCH || (json_is_string(jk) && b == 0) ||
        (json_is_string(js) && !*json_string_value(js)))
        return false;
    *p = (position){bc_xstrdup(json_string_value(js)), (size_t)b, bc_xstrdup(json_string_value(jk)),
                    (size_t)ki};
    return true;
}

static bc_status decode_cursor(const char *text, uint32_t f, position *at, position **hist,
                               size_t *n_hist, bc_error *err)
{
    *at = (position){0};
    *hist = NULL;
    *n_hist = 0;
    if (!text || !*text)
        return BC_OK;
    size_t len = 0;
    unsigned char *raw = bc_base64_decode(text, strlen(text), &len);
    json_t *j = raw ? json_loadb((const char *)raw, len, 0, NULL) : NULL;
    free(raw);
    json_int_t v = 0, jf = 0;
    json_t *p = NULL, *h = NULL;
    bool ok = j && json_unpack(j, "{s:I,s:I,s:o,s:o}", "v", &v, "f", &jf, "p", &p, "h", &h) == 0 &&
              v == 1 && json_is_array(h) && json_array_size(h) <= HISTORY_MAX;
    if (!ok) {
        json_decref(j);
        return bc_fail(err, BC_USAGE, "invalid cursor: it is damaged or not a bcadmin cursor");
    }
    if ((uint32_t)jf != f) {
        json_decref(j);
        return bc_fail(err, BC_USAGE,
                       "invalid cursor: it belongs to another query (sort, order or filter)");
    }
    ok = decode_position(p, at);
    *hist = bc_xcalloc(json_array_size(h) + 1, sizeof **hist);
    for (size_t i = 0; ok && i < json_array_size(h); i++) {
        ok = decode_position(json_array_get(h, i), &(*hist)[*n_hist]);
        *n_hist += ok;
    }
    json_decref(j);
    if (!ok) {
        position_release(at);
        for (size_t i = 0; i < *n_hist; i++)
            position_release(&(*hist)[i]);
        free(*hist);
        *hist = NULL;
        *n_hist = 0;
        return bc_fail(err, BC_USAGE, "invalid cursor: it is damaged or not a bcadmin cursor");
    }
    return BC_OK;
}

static bc_cv *page_args(const page_spec *sp)
{
    bc_cv *args = bc_cv_object();
    bc_cv_set(args, "model", bc_cv_string(bc_model_get(sp->model)->name));
    if (sp->where && sp->where->u.arr.n)
        bc_cv_set(args, "where", bc_cv_copy(sp->where));
    if (sp->sort) {
        bc_cv *s = bc_cv_object();
        bc_cv_set(s, "field", bc_cv_string(sp->sort));
        bc_cv_set(s, "direction", bc_cv_string(sp->ascending ? "asc" : "desc"));
        bc_cv_set(args, "sortBy", s);
    }
    return args;
}

static bc_status sort_check(const page_spec *sp, const fcall *f, bc_error *err)
{
    if (!sp->needs_index || !logged(f, "without an index"))
        return BC_OK;
    /* Suggest the other sorts that have an index in better-convex's schema, never the one being
     * refused. */
    bc_buf others = {0};
    static const struct {
        bc_model model;
        const char *field, *name;
    } keys[] = {{BC_MODEL_USER, "createdAt", "created"},
                {BC_MODEL_USER, "email", "email"},
                {BC_MODEL_USER, "name", "name"},
                {BC_MODEL_SESSION, "createdAt", "created"},
                {BC_MODEL_SESSION, "expiresAt", "expires"}};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (keys[i].model == sp->model && strcmp(keys[i].field, sp->sort) != 0)
            bc_buf_printf(&others, "%s%s", others.len ? ", " : "", keys[i].name);
    bc_fail(err, BC_USAGE,
            "the deployment has no index to sort \"%s\" by %s (better-convex warned \"Querying "
            "without an index\" and would return rows unsorted): sort by %s instead, or add an "
            "index on %s to the app's schema",
            bc_model_get(sp->model)->name, sp->sort, others.data, sp->sort);
    bc_buf_release(&others);
    return BC_USAGE;
}

/* Count rows matching the filter, reading at most COUNT_LIMIT: exact when that read is done. */
static void count_from(const page_spec *sp, const bc_cv *v, int64_t now, bc_page *out)
{
    fm_answer a;
    if (read_answer(v, "count", &a, NULL) != BC_OK)
        return;
    int64_t n = 0;
    for (size_t i = 0; i < a.page->u.arr.n; i++) {
        bc_record r = {0};
        if (bc_cv_doc_to_record(sp->model, a.page->u.arr.items[i], &r, NULL) == BC_OK &&
            (!sp->pred || sp->pred(&r, sp->pred_ctx, now)))
            n++;
        bc_record_release(&r);
    }
    out->total = n;
    out->total_at_least = !a.done;
}

/* --- concurrent _creationTime ranges (convex_ranges.h) -------------------------------------- */

enum {
    RANGE_ROWS = 4000, /* rows one range read reads at most (~2 MiB of typical auth rows) */
    RANGE_HELD = 2 * IN_FLIGHT * RANGE_ROWS, /* rows held back at most, whatever the table */
    RANGE_PAGE_ROUNDS = 4, /* rounds of ranges one page (a search) takes before it answers */
};

/* Whether sp reads better-convex's by_creation_time stream: sorted by createdAt, with only
 * filters applied after reading (an eq or a bound would pick another index, whose cursors are
 * not [_creationTime, _id]). */
static bool rangeable(const page_spec *sp)
{
    static const char *const after_read[] = {"ne", "contains", "starts_with", "ends_with",
                                             "not_in"};
    if (!sp->sort || strcmp(sp->sort, "createdAt") != 0 || sp->needs_index)
        return false;
    for (size_t i = 0; sp->where && i < sp->where->u.arr.n; i++) {
        const char *op = bc_cv_get_string(sp->where->u.arr.items[i], "operator");
        bool ok = false;
        for (size_t k = 0; op && k < sizeof after_read / sizeof *after_read; k++)
            ok |= strcmp(op, after_read[k]) == 0;
        if (!ok)
            return false;
    }
    return true;
}

/* A document's own cursor in that stream, [_creationTime, _id] (caller's), or NULL. */
static char *doc_key(const bc_cv *doc)
{
    const bc_cv *t = bc_cv_get(doc, "_creationTime");
    const char *id = bc_cv_get_string(doc, "_id");
    if (!t || t->kind != BC_CV_FLOAT || !id)
        return NULL;
    json_t *j = json_pack("[f,s]", t->u.f, id);
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(j);
    return text;
}

/* The rows of an answer's page that pass sp's own test, each with its key (both fresh). */
static bc_status page_rows(const page_spec *sp, const fm_answer *a, int64_t now, bc_rows *rows,
                           char ***keys, bc_error *err)
{
    size_t n = a->page->u.arr.n;
    *rows = (bc_rows){0};
    *keys = bc_xcalloc(n + 1, sizeof **keys);
    for (size_t i = 0; i < n; i++) {
        const bc_cv *doc = a->page->u.arr.items[i];
        bc_record r = {0};
        bc_status st = bc_cv_doc_to_record(sp->model, doc, &r, err);
        if (st != BC_OK) {
            for (size_t k = 0; k < rows->n; k++)
                free((*keys)[k]);
            bc_rows_release(rows);
            free(*keys);
            *keys = NULL;
            return st;
        }
        if (sp->pred && !sp->pred(&r, sp->pred_ctx, now)) {
            bc_record_release(&r);
            continue;
        }
        (*keys)[rows->n] = doc_key(doc);
        bc_rows_push(rows, &r);
    }
    return BC_OK;
}

/* One reading of a query in ranges, and where its rows go: a sink (a stream), else a page. */
typedef struct {
    cv *c;
    const page_spec *sp;
    const bc_cv *base; /* findMany's arguments without paginationOpts */
    int64_t now;
    bc_rows_sink sink;
    void *ctx;
    bc_page *out; /* a page: rows go to out->rows, at most limit */
    size_t limit;
    char *last_key; /* a page: the cursor of the last row placed (owned) */
    bool full;      /* a page: a row was left over: more follow */
    uint64_t read;  /* rows read at least, for progress */
    uint64_t found; /* rows handed on */
    bc_each_opts *o; /* a stream's extra reads, sent in its first round (NULL: none) */
} ranged;

/* Whether a page holds its limit of rows. */
static bool page_full(const ranged *g)
{
    return g->out && g->out->rows.n == g->limit;
}

/* Hand rows on in order (rows and keys are used up). */
static bc_status ranged_put(ranged *g, bc_rows *rows, char **keys, bc_error *err)
{
    bc_status st = BC_OK;
    size_t i = 0;
    if (g->sink) {
        g->found += rows->n;
        if (rows->n)
            st = g->sink(g->ctx, rows, err);
    } else {
        for (; i < rows->n && !g->full; i++) {
            if (g->out->rows.n == g->limit) {
                g->full = true;
                break;
            }
            bc_rows_push(&g->out->rows, &rows->items[i]);
            free(g->last_key);
            g->last_key = keys[i];
            keys[i] = NULL;
            g->found++;
        }
    }
    for (size_t k = 0; keys && k < rows->n; k++)
        free(keys[k]);
    free(keys);
    bc_rows_release(rows);
    return st;
}

/* paginationOpts for a range read: from cursor (exclusive) to end (inclusive, NULL: none). */
static bc_cv *range_pagination(const char *cursor, const char *end, size_t n, size_t reads)
{
    bc_cv *p = pagination(cursor, n, reads);
    if (end)
        bc_cv_set(p, "endCursor", bc_cv_string(end));
    return p;
}

/* One call's findMany answer as rows and keys; on failure err names the function. */
static bc_status answer_rows(const ranged *g, fcall *f, fm_answer *a, bc_cv **v, bc_rows *rows,
                             char ***keys, bc_error *err)
{
    *rows = (bc_rows){0};
    *keys = NULL;
    bc_status st = fcall_value(f, v, err);
    if (st == BC_OK)
        st = read_answer(*v, f->path, a, err);
    if (st == BC_OK)
        st = page_rows(g->sp, a, g->now, rows, keys, err);
    return st;
}

/* Rows read so far, and the table's size as the share of its creation-time span read so far
 * suggests (an estimate: rows are rarely created evenly; 0 until a twentieth was read). */
static void report_ranges(ranged *g, const bc_ranges *plan)
{
    double share = plan ? bc_ranges_share(plan) : 0;
    uint64_t total = share >= 0.05 ? (uint64_t)((double)g->read / share) : 0;
    bc_progress_report(g->c->base.progress, "scanning", g->read,
                       total > g->read ? total : 0);
}

/* The calls in flight of one ranged read: its range (or page) reads and the writes its sink
 * starts (bc_driver_writes_start: c->live while the sink may run), on one queue. */
struct live {
    bc_convex_queue *q;
    job *jobs; /* writes started by the sink, in the order started (owned) */
    size_t n_jobs;
    size_t reads_out, writes_out; /* calls in flight */
    bool stopped;                 /* a failure: writes not yet sent stay unsent */
};

/* Writes a sink started that wait for a place. */
static size_t live_waiting(const live *lv)
{
    size_t n = 0;
    for (size_t i = 0; i < lv->n_jobs; i++)
        n += !lv->jobs[i].done && !lv->jobs[i].busy;
    return n;
}

/* Send waiting writes while places are free; after a failure, end them unsent instead. */
static void live_send_writes(cv *c, live *lv)
{
    for (size_t i = 0; i < lv->n_jobs; i++) {
        job *j = &lv->jobs[i];
        if (j->done || j->busy)
            continue;
        if (lv->stopped) {
            j->done = true;
            if (j->status && *j->status == BC_OK)
                *j->status = BC_CANCELLED;
            continue;
        }
        if (lv->reads_out + lv->writes_out >= IN_FLIGHT)
            break;
        job_send(c, lv->q, lv->jobs, i);
        lv->writes_out++;
    }
}

/* Send the range reads the plan allows into the places left; while writes wait, reads keep to
 * half the places so that both move. Returns how many were sent. */
static size_t live_send_ranges(ranged *g, live *lv, bc_ranges *plan)
{
    size_t cap = live_waiting(lv) ? IN_FLIGHT / 2 : IN_FLIGHT;
    size_t busy = lv->reads_out + lv->writes_out;
    if (lv->reads_out >= cap || busy >= IN_FLIGHT)
        return 0;
    size_t room = cap - lv->reads_out < IN_FLIGHT - busy ? cap - lv->reads_out : IN_FLIGHT - busy;
    bc_range_req req[IN_FLIGHT];
    size_t k = bc_ranges_plan(plan, req, room);
    for (size_t i = 0; i < k; i++) {
        flight *fl = bc_xcalloc(1, sizeof *fl);
        fl->kind = FLIGHT_RANGE;
        fl->range = req[i].id;
        fl->end = bc_xstrdup(req[i].end);
        bc_cv *rargs = bc_cv_copy(g->base);
        bc_cv_set(rargs, "paginationOpts",
                  range_pagination(req[i].cursor, req[i].end, RANGE_ROWS, 0));
        fcall_init(g->c, &fl->f, "findMany", rargs, true);
        flight_send(lv->q, fl);
        lv->reads_out++;
    }
    return k;
}

/* One page after another (a cursor the plan cannot cut): the next page from cursor. */
static void live_send_page(ranged *g, live *lv, const char *cursor)
{
    flight *fl = bc_xcalloc(1, sizeof *fl);
    fl->kind = FLIGHT_PAGE;
    bc_cv *pargs = bc_cv_copy(g->base);
    bc_cv_set(pargs, "paginationOpts",
              pagination(cursor, RANGE_ROWS, g->sp->scans ? RANGE_ROWS : 0));
    fcall_init(g->c, &fl->f, "findMany", pargs, true);
    flight_send(lv->q, fl);
    lv->reads_out++;
}

/* A read's answer: a range's rows into the plan, a page's rows handed on (and *next moved on).
 * Dropped when want is false (the reading already ended). */
static bc_status take_read(ranged *g, bc_ranges *plan, flight *fl, char **next, bool want,
                           bc_error *err)
{
    bc_error e = {0};
    bc_cv *v = NULL;
    fm_answer a = {0};
    bc_rows rows;
    char **keys;
    bc_status st = answer_rows(g, &fl->f, &a, &v, &rows, &keys, &e);
    if (st == BC_OK && want && fl->kind == FLIGHT_PAGE) {
        g->read += a.page->u.arr.n;
        free(*next);
        *next = a.done ? NULL : bc_xstrdup(a.next);
        st = ranged_put(g, &rows, keys, err);
        keys = NULL;
    } else if (st == BC_OK && want) {
        /* a range not done read its whole share; a done one at least what matched */
        g->read += a.next && strcmp(a.next, fl->end) != 0 ? RANGE_ROWS + 1 : rows.n;
        /* The plan takes the rows and key strings (or drops them); the array stays ours. */
        if (!bc_ranges_answer(plan, fl->range, &rows, keys, a.next))
            st = bc_fail(err, BC_ERR,
                         "%sfindMany: a range read came back without a step forward "
                         "(continueCursor %s)",
                         g->c->module, a.next ? a.next : "missing");
        free(keys);
        keys = NULL;
    } else if (st != BC_OK && want) {
        *err = e;
    }
    for (size_t i = 0; keys && i < rows.n; i++)
        free(keys[i]);
    free(keys);
    if (st != BC_OK || !want)
        bc_rows_release(&rows);
    bc_cv_free(v);
    report_ranges(g, plan);
    return want ? st : BC_OK;
}

/* After the first page: the rest of the order, driven by the answers. Whenever one comes in, the
 * rows ready are handed on in order (the sink may start writes), then the places free are
 * filled: range reads (at most IN_FLIGHT in flight, half while writes wait) and the writes. Once
 * every row is handed on the end hook starts the last writes. A failure (a read, a write or the
 * sink) or a full page stops the reading and ends writes not yet sent unsent; calls in flight
 * are always waited for (a read's rows then dropped). Returns the first failure (st: the first
 * page's outcome). */
static bc_status read_on(ranged *g, live *lv, bc_ranges *plan, char **next, bc_status st,
                         char **resume, bc_error *err)
{
    size_t budget = plan ? RANGE_PAGE_ROUNDS * IN_FLIGHT : RANGE_PAGE_ROUNDS, sent = 0;
    bool more = st == BC_OK && !g->full; /* rows are still to be read and handed on */
    for (;;) {
        if (st != BC_OK || g->full || page_full(g))
            more = false; /* an answer failed (a write's, say) */
        if (more && plan) {
            bc_rows rows = {0};
            char **keys = NULL;
            bc_ranges_take(plan, &rows, &keys, 0);
            st = ranged_put(g, &rows, keys, err);
        }
        bool read_all = plan ? bc_ranges_finished(plan) : !*next && lv->reads_out == 0;
        if (more && st == BC_OK && !g->full && !page_full(g) && read_all) {
            more = false;
            if (g->sink && g->o && g->o->end)
                st = g->o->end(g->ctx, err);
        }
        if (st != BC_OK || g->full || page_full(g))
            more = false;
        lv->stopped = st != BC_OK;
        bool spent = !g->sink && sent >= budget;
        if (more && !spent && plan)
            sent += live_send_ranges(g, lv, plan);
        else if (more && !spent && *next && lv->reads_out == 0)
            live_send_page(g, lv, *next), sent++;
        live_send_writes(g->c, lv);
        if (lv->writes_out == 0 && lv->reads_out == 0)
            break; /* (reads answering after the reading ended are dropped) */
        bc_convex_call *call = bc_convex_queue_next(lv->q);
        if (!call)
            break;
        flight *fl = call->tag;
        if (fl->kind == FLIGHT_JOB) {
            lv->writes_out--;
            job_take(&lv->jobs[fl->job], &fl->f, &st, err);
        } else {
            lv->reads_out--;
            bc_status rs = take_read(g, plan, fl, next, more, err);
            if (st == BC_OK)
                st = rs;
        }
        flight_free(fl);
    }
    if (st == BC_OK && more && g->sink) /* never an end without every row: say so */
        st = bc_fail(err, BC_ERR, "%sfindMany: the reading stopped before the end of the order",
                     g->c->module);
    if (st == BC_OK && more && !g->sink) {
        /* A page that found too little: go on later from the first open range. */
        const char *at = plan ? bc_ranges_position(plan) : *next;
        *resume = bc_xstrdup(at ? at : g->last_key);
        if (!plan) {
            free(*next);
            *next = NULL;
        }
    }
    return st;
}

/* Writes a sink starts while its stream reads on: into the stream's queue (sent by read_on), else
 * at once. */
static bc_status convex_writes_start(bc_driver *d, bc_write *w, size_t n, bc_error *err)
{
    cv *c = (cv *)d;
    if (!c->live)
        return convex_batch(d, NULL, 0, w, n, err);
    for (size_t i = 0; i < n; i++)
        if (w[i].patch && patch_check(w[i].model, w[i].patch, err) != BC_OK)
            return BC_USAGE;
    add_write_jobs(c, w, n, &c->live->jobs, &c->live->n_jobs);
    return BC_OK;
}

/* Read g's query from start (a stream cursor, exclusive; NULL: the top): a first page and the
 * far end's time in one round (with the page's count when want_count, and the caller's extra
 * reads), then the rest cut into _creationTime ranges (read_on). A page stops at its limit, or
 * after RANGE_PAGE_ROUNDS rounds' worth of reads with *resume (caller's) where to go on. */
static bc_status read_ranges(ranged *g, const char *start, bool want_count, char **resume,
                             bc_error *err)
{
    const page_spec *sp = g->sp;
    cv *c = g->c;
    *resume = NULL;
    fcall fc[3] = {0};
    size_t reads = sp->scans ? RANGE_ROWS : 0;
    bc_cv *args = bc_cv_copy(g->base);
    bc_cv_set(args, "paginationOpts", pagination(start, g->sink ? RANGE_ROWS : g->limit + 1,
                                                 reads));
    fcall_init(c, &fc[0], "findMany", args, true);
    /* The far end: the oldest row (newest when ascending) of the table, whatever matches. */
    bc_cv *probe = bc_cv_object();
    bc_cv_set(probe, "model", bc_cv_string(bc_model_get(sp->model)->name));
    bc_cv *sort = bc_cv_object();
    bc_cv_set(sort, "field", bc_cv_string("createdAt"));
    bc_cv_set(sort, "direction", bc_cv_string(sp->ascending ? "desc" : "asc"));
    bc_cv_set(probe, "sortBy", sort);
    bc_cv_set(probe, "paginationOpts", pagination(NULL, 1, 0));
    fcall_init(c, &fc[1], "findMany", probe, true);
    size_t n = 2;
    if (want_count) {
        bc_cv *cargs = bc_cv_copy(g->base);
        bc_cv_set(cargs, "paginationOpts",
                  pagination(NULL, COUNT_LIMIT, sp->scans ? SCAN_READS : 0));
        fcall_init(c, &fc[n++], "findMany", cargs, true);
    }
    /* The caller's extra reads (the acting admin's lookup) go out in this round too. */
    job *extra = NULL;
    size_t n_extra = 0;
    if (g->o && g->o->n_reads)
        add_read_jobs(c, g->o->reads, g->o->n_reads, &extra, &n_extra);
    fcall *xf = bc_xcalloc(n_extra + 1, sizeof *xf);
    bc_convex_call *raw = bc_xcalloc(n + n_extra, sizeof *raw);
    for (size_t i = 0; i < n_extra; i++) {
        job_call(c, &extra[i], &xf[i]);
        raw[n + i] = xf[i].call;
    }
    for (size_t i = 0; i < n; i++)
        raw[i] = fc[i].call;
    bc_convex_run(c->cx, raw, n + n_extra);
    for (size_t i = 0; i < n; i++)
        fc[i].call = raw[i];
    bc_status rst = BC_OK; /* what pred needs beside the first round's rows (and its count's) */
    bc_error rerr = {0};
    if (sp->resolve) {
        bc_cv *v0 = NULL, *v2 = NULL;
        if (fcall_value(&fc[0], &v0, NULL) != BC_OK)
            v0 = NULL;
        if (n == 3 && fcall_value(&fc[2], &v2, NULL) != BC_OK)
            v2 = NULL;
        const bc_cv *pages[2] = {answer_page(v0), answer_page(v2)};
        rst = resolve_pages(c, sp, pages, 2, &rerr);
        bc_cv_free(v0);
        bc_cv_free(v2);
    }
    bc_status xst = BC_OK;
    bc_error xerr = {0};
    for (size_t i = 0; i < n_extra; i++) {
        xf[i].call = raw[n + i];
        job_take(&extra[i], &xf[i], &xst, &xerr);
    }
    free(raw);
    free(xf);
    if (xst == BC_OK && n_extra) /* a lookup that pages on (never one row by id or email) */
        xst = run_jobs(c, extra, n_extra, &xerr);
    jobs_release(extra, n_extra);
    /* From here on every call goes through one queue; a sink's writes join it (c->live). */
    live lv = {.q = bc_convex_queue_new(c->cx, IN_FLIGHT)};
    live *outer = c->live;
    if (g->sink)
        c->live = &lv;
    if (g->o && g->o->n_reads) {
        g->o->reads_status = xst;
        for (size_t i = 0; xst != BC_OK && i < g->o->n_reads; i++)
            bc_rows_release(&g->o->reads[i].rows);
    }
    fm_answer a = {0};
    bc_cv *v = NULL, *pv = NULL, *cv_count = NULL;
    bc_rows rows;
    char **keys;
    bc_status st = answer_rows(g, &fc[0], &a, &v, &rows, &keys, err);
    if (st == BC_OK && rst != BC_OK) {
        xst = rst;
        xerr = rerr;
    }
    if (st == BC_OK && xst != BC_OK) {
        st = xst;
        *err = xerr;
        for (size_t k = 0; k < rows.n; k++)
            free(keys[k]);
        free(keys);
        bc_rows_release(&rows);
    }
    if (st == BC_OK && n == 3 && fcall_value(&fc[2], &cv_count, NULL) == BC_OK)
        count_from(sp, cv_count, g->now, g->out);
    if (st == BC_OK) {
        g->read += a.page->u.arr.n;
        st = ranged_put(g, &rows, keys, err);
    }
    double t_end = 0;
    fm_answer pa = {0};
    bool probed = st == BC_OK && !a.done && fcall_value(&fc[1], &pv, NULL) == BC_OK &&
                  read_answer(pv, "findMany", &pa, NULL) == BC_OK && pa.page->u.arr.n == 1 &&
                  bc_cv_get(pa.page->u.arr.items[0], "_creationTime") &&
                  bc_cv_get(pa.page->u.arr.items[0], "_creationTime")->kind == BC_CV_FLOAT;
    if (probed)
        t_end = bc_cv_get(pa.page->u.arr.items[0], "_creationTime")->u.f;
    bc_ranges *plan = NULL;
    char *next = st == BC_OK && !a.done ? bc_xstrdup(a.next) : NULL;
    if (next && !g->full) {
        plan = bc_ranges_new(RANGE_ROWS, RANGE_HELD, IN_FLIGHT);
        if (!probed || !bc_ranges_start(plan, next, t_end)) {
            bc_ranges_free(plan); /* not a key this can cut: page on from where it stopped */
            plan = NULL;
        }
    }
    bc_cv_free(v);
    bc_cv_free(pv);
    bc_cv_free(cv_count);
    for (size_t i = 0; i < n; i++)
        fcall_release(&fc[i]);
    report_ranges(g, plan);
    /* The answers after the first come one by one: what pred needs for all of them first. */
    if (st == BC_OK && sp->resolve && next && !g->full && !page_full(g))
        st = sp->resolve(c, sp, NULL, 0, err);
    st = read_on(g, &lv, plan, &next, st, resume, err);
    c->live = outer;
    bc_convex_queue_free(lv.q);
    jobs_release(lv.jobs, lv.n_jobs);
    if (st == BC_OK && page_full(g) && !g->full &&
        ((plan && !bc_ranges_finished(plan)) || (!plan && next)))
        g->full = true; /* the page is full and rows may follow */
    free(next);
    bc_ranges_free(plan);
    return st;
}

/* --- one page ---------------------------------------------------------------------------- */

static bc_status run_page(cv *c, const page_spec *sp, bc_page *out, bc_error *err)
{
    if (sp->limit > BC_PAGE_MAX)
        return bc_fail(err, BC_USAGE, "page size %zu is over the maximum of %d", sp->limit,
                       BC_PAGE_MAX);
    size_t limit = sp->stream ? STREAM_BATCH : sp->limit ? sp->limit : BC_PAGE_DEFAULT;
    size_t scan_reads = sp->stream ? STREAM_READS : SCAN_READS;
    uint32_t f = bc_cursor_fingerprint(sp->canonical);
    position at, *hist;
    size_t n_hist;
    bc_status st = decode_cursor(sp->cursor, f, &at, &hist, &n_hist, err);
    if (st != BC_OK)
        return st;
    int64_t now = bc_now_ms();
    bc_cv *base = page_args(sp);
    position next = {0};
    bool have_next = false;
    char *s = bc_xstrdup(at.s);
    const char *skip = at.k;
    size_t skip_index = at.ki;
    uint64_t scanned = 0; /* rows read, for a scan's progress */
    if (rangeable(sp) && sp->scans && !skip) {
        /* A filter applied after reading, over the _creationTime order: concurrent ranges. */
        ranged g = {.c = c, .sp = sp, .base = base, .now = now, .out = out, .limit = limit};
        char *resume = NULL;
        st = read_ranges(&g, at.s, sp->want_total, &resume, err);
        if (st == BC_OK && (g.full || resume)) {
            next = (position){bc_xstrdup(g.full ? g.last_key : resume), 0, NULL, 0};
            have_next = true;
        }
        free(resume);
        free(g.last_key);
    } else {
        for (int calls = 0; st == BC_OK; calls++) {
            size_t want = limit - out->rows.n;
            size_t b = skip ? at.b : sp->batch ? (sp->batch > want + 1 ? sp->batch : want + 1) : want;
            bc_cv *v = NULL;
            size_t got_b = b;
            {
                fcall fc[2] = {0};
                bc_cv *args = bc_cv_copy(base);
                bc_cv_set(args, "paginationOpts", pagination(s, b, sp->scans ? scan_reads : 0));
                fcall_init(c, &fc[0], "findMany", args, true);
                size_t n = 1;
                if (calls == 0 && sp->want_total) {
                    bc_cv *cargs = bc_cv_copy(base);
                    bc_cv_set(cargs, "paginationOpts",
                              pagination(NULL, COUNT_LIMIT, sp->scans ? SCAN_READS : 0));
                    fcall_init(c, &fc[1], "findMany", cargs, true);
                    n = 2;
                }
                bc_convex_call raw[2] = {fc[0].call, fc[1].call};
                bc_convex_run(c->cx, raw, n);
                fc[0].call = raw[0];
                fc[1].call = raw[1];
                st = fcall_value(&fc[0], &v, err);
                if (st == BC_OK)
                    st = sort_check(sp, &fc[0], err);
                bc_cv *cv_count = NULL;
                if (st == BC_OK && n == 2 && fcall_value(&fc[1], &cv_count, NULL) != BC_OK)
                    cv_count = NULL;
                const bc_cv *pages[2] = {st == BC_OK ? answer_page(v) : NULL,
                                         answer_page(cv_count)};
                if (st == BC_OK)
                    st = resolve_pages(c, sp, pages, 2, err);
                if (st == BC_OK && cv_count)
                    count_from(sp, cv_count, now, out);
                bc_cv_free(cv_count);
                fcall_release(&fc[0]);
                fcall_release(&fc[1]);
            }
            fm_answer a = {0};
            if (st == BC_OK)
                st = read_answer(v, "findMany", &a, err);
            if (st != BC_OK) {
                bc_cv_free(v);
                break;
            }
            size_t n = a.page->u.arr.n, from = 0;
            scanned += n;
            if (sp->scans)
                bc_progress_report(c->base.progress, "scanning", scanned, 0);
            if (skip) {
                /* Resume after the last row shown; if it is gone, after its old place. */
                from = skip_index + 1 < n ? skip_index + 1 : n;
                for (size_t i = 0; i < n; i++) {
                    const char *id = bc_cv_get_string(a.page->u.arr.items[i], "_id");
                    if (id && strcmp(id, skip) == 0) {
                        from = i + 1;
                        break;
                    }
                }
                skip = NULL;
            }
            const char *last_id = NULL;
            size_t last_i = 0;
            for (size_t i = from; i < n && st == BC_OK; i++) {
                bc_record r = {0};
                st = bc_cv_doc_to_record(sp->model, a.page->u.arr.items[i], &r, err);
                if (st != BC_OK)
                    break;
                if (sp->pred && !sp->pred(&r, sp->pred_ctx, now)) {
                    bc_record_release(&r);
                    continue;
                }
                if (out->rows.n == limit) {
                    /* More matches in this batch: the next page re-reads it from its start. */
                    bc_record_release(&r);
                    next = (position){bc_xstrdup(s), got_b, bc_xstrdup(last_id), last_i};
                    have_next = true;
                    break;
                }
                bc_rows_push(&out->rows, &r);
                last_id = bc_cv_get_string(a.page->u.arr.items[i], "_id");
                last_i = i;
            }
            bool stop = st != BC_OK || have_next || a.done;
            if (!stop) {
                free(s);
                s = bc_xstrdup(a.next);
                if (out->rows.n == limit || calls + 1 >= CALL_BUDGET) {
                    /* Convex cannot tell whether rows follow without reading them: the next page
                     * may be empty. A spent budget returns a short page ("searching..."). */
                    next = (position){bc_xstrdup(s), 0, NULL, 0};
                    have_next = true;
                    stop = true;
                }
            }
            bc_cv_free(v);
            if (stop)
                break;
        }
    }
    if (st == BC_OK) {
        position *h2 = bc_xcalloc(n_hist + 1, sizeof *h2);
        for (size_t i = 0; i < n_hist; i++)
            h2[i] = hist[i];
        h2[n_hist] = at;
        if (have_next)
            out->next_cursor = encode_cursor(f, &next, h2, n_hist + 1);
        bool at_start = !at.s && !at.k;
        if (n_hist)
            out->prev_cursor = encode_cursor(f, &hist[n_hist - 1], hist, n_hist - 1);
        else if (!at_start)
            out->prev_cursor = encode_cursor(f, &(position){0}, NULL, 0);
        free(h2);
        if (sp->want_total && (out->total < 0 || (at_start && out->total < (int64_t)out->rows.n))) {
            /* The count failed or read less than the page scanned: what is known, never less
             * than the rows found from the start. */
            out->total = (int64_t)out->rows.n;
            out->total_at_least = true;
        }
        if (sp->want_total && at_start && !have_next) { /* the whole filter was read: exact */
            out->total = (int64_t)out->rows.n;
            out->total_at_least = false;
        }
    }
    position_release(&next);
    position_release(&at);
    for (size_t i = 0; i < n_hist; i++)
        position_release(&hist[i]);
    free(hist);
    free(s);
    bc_cv_free(base);
    if (st != BC_OK)
        bc_page_release(out);
    return st;
}

/* Every row of sp, in order, to sink, in concurrent ranges (sp must be rangeable). */
static bc_status run_stream(cv *c, const page_spec *sp, bc_rows_sink sink, void *ctx,
                            bc_each_opts *o, bc_error *err)
{
    bc_cv *base = page_args(sp);
    ranged g = {
        .c = c, .sp = sp, .base = base, .now = bc_now_ms(), .sink = sink, .ctx = ctx, .o = o};
    char *resume = NULL;
    bc_status st = read_ranges(&g, NULL, false, &resume, err);
    free(resume);
    free(g.last_key);
    bc_cv_free(base);
    return st;
}

/* --- users and sessions -------------------------------------------------------------------- */

typedef struct {
    const bc_user_query *q;
    char *needle; /* the search: folded, or a prefix lowercased (the email rule) */
    char *typed;  /* a prefix as typed too, when that differs (bc_email_forms), else NULL */
} user_pred_ctx;

static bool starts_with(const char *s, const char *prefix)
{
    return s && prefix && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether the comma-separated list holds item exactly (SQLite: instr(',' || role || ',')). */
static bool list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

static bool date_after(const bc_record *r, const char *field, int64_t now)
{
    int64_t ms;
    return bc_record_date(r, field, &ms) && ms > now;
}

static bool user_pred(const bc_record *r, const void *ctx, int64_t now)
{
    const user_pred_ctx *u = ctx;
    const bc_user_query *q = u->q;
    if (u->needle) {
        const char *email = bc_record_text(r, "email"), *name = bc_record_text(r, "name");
        if (q->search_mode == BC_SEARCH_PREFIX) {
            if (!starts_with(email, u->needle) && !starts_with(email, u->typed))
                return false;
        } else {
            size_t nn = strlen(u->needle); /* folded: every alphabet's case, as on SQLite */
            if (!(email && bc_text_contains_folded(email, strlen(email), u->needle, nn)) &&
                !(name && bc_text_contains_folded(name, strlen(name), u->needle, nn)))
                return false;
        }
    }
    if (q->role && *q->role && !list_has(bc_record_text(r, "role"), q->role))
        return false;
    bool banned = bc_record_bool(r, "banned");
    bool has_expiry = bc_record_date(r, "banExpires", &(int64_t){0});
    switch (q->ban) {
    case BC_BAN_ANY:
        break;
    case BC_BAN_ACTIVE:
        if (banned)
            return false;
        break;
    case BC_BAN_BANNED:
        if (!banned || (has_expiry && !date_after(r, "banExpires", now)))
            return false;
        break;
    case BC_BAN_EXPIRED:
        if (!banned || !has_expiry || date_after(r, "banExpires", now))
            return false;
        break;
    }
    bool verified = bc_record_bool(r, "emailVerified");
    if ((q->verified == BC_VERIFIED_YES && !verified) ||
        (q->verified == BC_VERIFIED_NO && verified))
        return false;
    return true;
}

/* The page_spec of a users query (sp->where, sp->canonical and pc->needle are the caller's). */
static bc_status users_spec(const bc_user_query *q, page_spec *out, user_pred_ctx *pc_out,
                            bc_error *err)
{
    if ((unsigned)q->sort > BC_SORT_NAME)
        return bc_fail(err, BC_USAGE, "unknown sort key %d", (int)q->sort);
    if ((unsigned)q->ban > BC_BAN_EXPIRED)
        return bc_fail(err, BC_USAGE, "unknown ban filter %d", (int)q->ban);
    if (q->verified < BC_VERIFIED_ANY || q->verified > BC_VERIFIED_NO)
        return bc_fail(err, BC_USAGE, "unknown verified filter %d", q->verified);
    const char *search = q->search ? q->search : "";
    if (*search && q->search_mode != BC_SEARCH_PREFIX && q->search_mode != BC_SEARCH_CONTAINS)
        return bc_fail(err, BC_USAGE, "unknown search mode %d", (int)q->search_mode);
    user_pred_ctx pc = {q, NULL, NULL};
    page_spec sp = {.model = BC_MODEL_USER,
                    .where = bc_cv_array(),
                    .sort = bc_sort_field(q->sort),
                    .ascending = q->ascending,
                    .needs_index = q->sort != BC_SORT_CREATED,
                    .pred = user_pred, /* pred_ctx: the caller's, once pc is in place */
                    .limit = q->limit,
                    .stream = q->stream,
                    .cursor = q->cursor,
                    .want_total = q->want_total};
    /* Server-side: only after-read operators (they keep the sort's index), each a superset of
     * the exact test user_pred applies. */
    if (*search && q->search_mode == BC_SEARCH_PREFIX) {
        char *forms[2];
        bc_email_forms(search, forms);
        pc.needle = forms[0];
        pc.typed = forms[1];
        if (pc.typed) {
            /* A prefix as typed too (the email rule): no one where of better-convex or the
             * component ORs two prefixes in a page, so this side tests every row, as --search
             * does. */
            sp.batch = SCAN_BATCH;
            sp.scans = true;
        } else if (q->sort == BC_SORT_EMAIL) {
            /* A range on the email index: [prefix, prefix with its last byte + 1). */
            size_t n = strlen(pc.needle);
            char *hi = bc_xstrdup(pc.needle);
            while (n && (unsigned char)hi[n - 1] == 0xff)
                hi[--n] = '\0';
            where_add(sp.where, "email", "gte", bc_cv_string(pc.needle));
            if (n) {
                hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
                where_add(sp.where, "email", "lt", bc_cv_string(hi));
            }
            free(hi);
        } else {
            where_add(sp.where, "email", "starts_with", bc_cv_string(pc.needle));
            sp.scans = true;
        }
    } else if (*search) {
        pc.needle = bc_text_fold(search, strlen(search), NULL);
        sp.batch = SCAN_BATCH;
        sp.scans = true;
    }
    if (q->role && *q->role) {
        where_add(sp.where, "role", "contains", bc_cv_string(q->role));
        sp.scans = true;
    }
    if (q->ban == BC_BAN_ACTIVE)
        where_add(sp.where, "banned", "ne", bc_cv_bool(true));
    if (q->ban == BC_BAN_BANNED || q->ban == BC_BAN_EXPIRED)
        where_add(sp.where, "banned", "ne", bc_cv_bool(false));
    if (q->ban == BC_BAN_EXPIRED)
        where_add(sp.where, "banExpires", "ne", bc_cv_null());
    if (q->verified)
        where_add(sp.where, "emailVerified", "ne", bc_cv_bool(q->verified == BC_VERIFIED_NO));
    sp.scans |= q->ban != BC_BAN_ANY || q->verified != BC_VERIFIED_ANY;
    const char *role = q->role ? q->role : "";
    sp.canonical =
        bc_xasprintf("CU|%d|%zu:%s|%zu:%s|%d|%d|%d|%d", (int)q->search_mode, strlen(search), search,
                     strlen(role), role, (int)q->ban, q->verified, (int)q->sort, q->ascending);
    *pc_out = pc;
    *out = sp;
    return BC_OK;
}

static void spec_release(page_spec *sp, user_pred_ctx *pc)
{
    free(sp->canonical);
    bc_cv_free(sp->where);
    if (pc) {
        free(pc->needle);
        free(pc->typed);
    }
}

/* A users query as one page (into out) or, with a sink, whole: in concurrent ranges where its
 * order allows, else page by page as the wrappers do for any store. */
static bc_status users_query(bc_driver *d, const bc_user_query *q, bc_page *out, bc_rows_sink sink,
                             void *ctx, bc_each_opts *o, bc_error *err)
{
    page_spec sp;
    user_pred_ctx pc;
    bc_status st = users_spec(q, &sp, &pc, err);
    if (st != BC_OK)
        return st;
    sp.pred_ctx = &pc;
    if (!sink)
        st = run_page((cv *)d, &sp, out, err);
    else if (rangeable(&sp))
        st = run_stream((cv *)d, &sp, sink, ctx, o, err);
    else
        st = bc_driver_each_by_pages(d, q, NULL, sink, ctx, o, err);
    spec_release(&sp, &pc);
    return st;
}

static bc_status convex_users_page(bc_driver *d, const bc_user_query *q, bc_page *out,
                                   bc_error *err)
{
    return users_query(d, q, out, NULL, NULL, NULL, err);
}

static bc_status convex_users_each(bc_driver *d, const bc_user_query *q, bc_rows_sink sink,
                                   void *ctx, bc_each_opts *o, bc_error *err)
{
    return users_query(d, q, NULL, sink, ctx, o, err);
}

typedef struct {
    const bc_session_query *q;
    const cv *c;
    char *needle; /* folded search, or NULL */
} session_pred_ctx;

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort ids in place (an empty list may be NULL, which qsort must not be given). */
static void sort_ids(char **ids, size_t n)
{
    if (n > 1)
        qsort(ids, n, sizeof *ids, compare_ids);
}

static bool sorted_has(char *const *ids, size_t n, const char *id)
{
    return n && bsearch(&id, ids, n, sizeof(char *), compare_ids);
}

/* Whether the session's own text (IP address, user agent) holds the folded needle. */
static bool session_text_has(const bc_record *r, const char *needle)
{
    size_t nn = strlen(needle);
    const char *ip = bc_record_text(r, "ipAddress"), *ua = bc_record_text(r, "userAgent");
    return (ip && bc_text_contains_folded(ip, strlen(ip), needle, nn)) ||
           (ua && bc_text_contains_folded(ua, strlen(ua), needle, nn));
}

static bool session_pred(const bc_record *r, const void *ctx, int64_t now)
{
    const session_pred_ctx *pc = ctx;
    const bc_session_query *q = pc->q;
    if (q->active_only && !date_after(r, "expiresAt", now))
        return false;
    if (q->expired_only && date_after(r, "expiresAt", now))
        return false;
    if (q->impersonation_only) {
        const char *by = bc_record_text(r, "impersonatedBy");
        if (!by || !*by)
            return false;
    }
    /* as on SQLite: the IP address or user agent, or the owner's email or name (the owners
     * session_resolve found) */
    if (pc->needle && !session_text_has(r, pc->needle) &&
        !sorted_has(pc->c->session_users, pc->c->n_session_users, bc_record_text(r, "userId")))
        return false;
    return true;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static void forget_session_users(cv *c)
{
    free_ids(c->session_users, c->n_session_users);
    free_ids(c->session_seen, c->n_session_seen);
    free(c->session_needle);
    c->session_users = c->session_seen = NULL;
    c->session_needle = NULL;
    c->n_session_users = c->n_session_seen = c->session_looked = 0;
    c->session_all = false;
}

static void push_id(char ***ids, size_t *n, const char *id)
{
    *ids = bc_xrealloc(*ids, (*n + 1) * sizeof **ids);
    (*ids)[(*n)++] = bc_xstrdup(id);
}

/* Keeps the ids of the rows a users scan hands over (scan_session_users). */
static bc_status keep_session_users(void *ctx, bc_rows *rows, bc_error *err)
{
    cv *c = ctx;
    for (size_t i = 0; i < rows->n; i++) {
        const char *id = bc_record_text(&rows->items[i], "id");
        if (id)
            push_id(&c->session_users, &c->n_session_users, id);
    }
    return BC_OK;
}

/* Its "scanning" reports as the owners' phase, so a sessions count never shows the users read
 * as sessions read. */
static void owners_progress(void *ctx, const char *what, uint64_t done, uint64_t total)
{
    (void)what;
    bc_progress_report(ctx, "reading every user for the owners' emails and names", done, total);
}

/* Every user whose email or name holds the search: one users scan (at the deployment's pace). */
static bc_status scan_session_users(cv *c, const char *search, bc_error *err)
{
    free_ids(c->session_users, c->n_session_users);
    c->session_users = NULL;
    c->n_session_users = 0;
    bc_user_query uq = {.search = search};
    const bc_progress *before = c->base.progress;
    bc_progress phase = {owners_progress, (void *)before};
    c->base.progress = before ? &phase : NULL;
    bc_status st = users_query(&c->base, &uq, NULL, keep_session_users, c, NULL, err);
    c->base.progress = before;
    if (st != BC_OK)
        return st;
    sort_ids(c->session_users, c->n_session_users);
    c->session_all = true;
    return BC_OK;
}

/* A sessions search on a new needle (or its first page: users may have changed) starts with no
 * owners known; its later pages keep them. */
static void session_users_begin(cv *c, const char *needle, bool fresh)
{
    if (!fresh && c->session_needle && strcmp(c->session_needle, needle) == 0)
        return;
    forget_session_users(c);
    c->session_needle = bc_xstrdup(needle);
}

/* rows_resolve of a sessions search: the owners of the sessions whose own text does not hold
 * the needle and whose owner was not looked at yet, read by id in one round (`in` over ID_CHUNK
 * ids per call); past OWNER_LOOKUPS owners, or for every row from here on (n 0), every user once
 * instead. */
static bc_status session_resolve(cv *c, const page_spec *sp, const bc_cv *const *pages, size_t n,
                                 bc_error *err)
{
    const session_pred_ctx *pc = sp->pred_ctx;
    if (!pc->needle || c->session_all)
        return BC_OK;
    if (n == 0)
        return scan_session_users(c, pc->q->search, err);
    char **want = NULL;
    size_t n_want = 0;
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < pages[p]->u.arr.n; i++) {
            bc_record r = {0};
            if (bc_cv_doc_to_record(BC_MODEL_SESSION, pages[p]->u.arr.items[i], &r, NULL) ==
                BC_OK) {
                const char *user = bc_record_text(&r, "userId");
                if (user && !session_text_has(&r, pc->needle) &&
                    !sorted_has(c->session_seen, c->n_session_seen, user))
                    push_id(&want, &n_want, user);
            }
            bc_record_release(&r);
        }
    sort_ids(want, n_want);
    size_t k = 0;
    for (size_t i = 0; i < n_want; i++) {
        if (k && strcmp(want[k - 1], want[i]) == 0)
            free(want[i]);
        else
            want[k++] = want[i];
    }
    n_want = k;
    bc_status st = BC_OK;
    if (n_want && c->session_looked + n_want > OWNER_LOOKUPS) {
        st = scan_session_users(c, pc->q->search, err);
    } else if (n_want) {
        bc_read r = {.model = BC_MODEL_USER,
                     .match = {.field = "id", .values = (const char *const *)want, .n = n_want}};
        st = bc_driver_reads(&c->base, &r, 1, err);
        bc_user_query uq = {.search = pc->q->search, .search_mode = BC_SEARCH_CONTAINS};
        user_pred_ctx upc = {&uq, pc->needle, NULL}; /* the users search's own test */
        for (size_t i = 0; st == BC_OK && i < r.rows.n; i++) {
            const char *id = bc_record_text(&r.rows.items[i], "id");
            if (id && user_pred(&r.rows.items[i], &upc, 0))
                push_id(&c->session_users, &c->n_session_users, id);
        }
        bc_rows_release(&r.rows);
        for (size_t i = 0; st == BC_OK && i < n_want; i++)
            push_id(&c->session_seen, &c->n_session_seen, want[i]);
        c->session_looked += n_want;
        sort_ids(c->session_users, c->n_session_users);
        sort_ids(c->session_seen, c->n_session_seen);
    }
    free_ids(want, n_want);
    return st;
}

/* The page_spec of a sessions query and its predicate's context (release with spec_release and
 * free pc->needle); sp.pred_ctx is set by the caller to pc, which must outlive the spec. */
static bc_status sessions_spec(cv *c, const bc_session_query *q, page_spec *out,
                               session_pred_ctx *pc, bc_error *err)
{
    if (q->active_only && q->expired_only)
        return bc_fail(err, BC_USAGE, "sessions cannot be both active and expired");
    if ((unsigned)q->sort >= BC_SESSION_SORT_COUNT)
        return bc_fail(err, BC_USAGE, "unknown session sort key %d", (int)q->sort);
    const char *search = q->search ? q->search : "";
    *pc = (session_pred_ctx){.q = q, .c = c};
    page_spec sp = {.model = BC_MODEL_SESSION,
                    .where = bc_cv_array(),
                    .sort = bc_session_sort_field(q->sort),
                    .ascending = q->ascending,
                    /* createdAt is _creationTime's order; the others need an index */
                    .needs_index = q->sort != BC_SESSION_SORT_CREATED,
                    .pred = session_pred,
                    .limit = q->limit,
                    .stream = q->stream,
                    .cursor = q->cursor,
                    .want_total = q->want_total};
    if (q->user_id)
        where_add(sp.where, "userId", "eq", bc_cv_string(alias(c, q->user_id)));
    if (q->impersonation_only) {
        where_add(sp.where, "impersonatedBy", "ne", bc_cv_null());
        sp.scans = true;
    }
    sp.scans |= q->active_only || q->expired_only;
    if (*search) {
        pc->needle = bc_text_fold(search, strlen(search), NULL);
        sp.batch = SCAN_BATCH;
        sp.scans = true;
        sp.resolve = session_resolve;
    }
    const char *user = q->user_id ? q->user_id : "";
    sp.canonical = bc_xasprintf("CS|%zu:%s|%d%d%d|%zu:%s|%d|%d", strlen(user), user, q->active_only,
                                q->expired_only, q->impersonation_only, strlen(search), search,
                                (int)q->sort, q->ascending);
    *out = sp;
    return BC_OK;
}

/* A sessions query as one page or whole, as users_query. */
static bc_status sessions_query(bc_driver *d, const bc_session_query *q, bc_page *out,
                                bc_rows_sink sink, void *ctx, bc_error *err)
{
    cv *c = (cv *)d;
    page_spec sp = {0};
    session_pred_ctx pc = {0};
    bc_status st = sessions_spec(c, q, &sp, &pc, err);
    sp.pred_ctx = &pc;
    if (st == BC_OK && sink && !rangeable(&sp)) {
        st = bc_driver_each_by_pages(d, NULL, q, sink, ctx, NULL, err); /* its pages search */
    } else if (st == BC_OK) {
        /* A page reads its first round's owners by id (kept for its later pages); a stream
         * reads every session, whose owners are about every user: one users scan first. */
        if (pc.needle)
            session_users_begin(c, pc.needle, sink || !q->cursor || !*q->cursor);
        if (pc.needle && sink)
            st = scan_session_users(c, q->search, err);
        if (st == BC_OK && !sink)
            st = run_page(c, &sp, out, err);
        else if (st == BC_OK)
            st = run_stream(c, &sp, sink, ctx, NULL, err);
    }
    spec_release(&sp, NULL);
    free(pc.needle);
    return st;
}

static bc_status convex_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out,
                                      bc_error *err)
{
    return sessions_query(d, q, out, NULL, NULL, err);
}

static bc_status convex_sessions_each(bc_driver *d, const bc_session_query *q, bc_rows_sink sink,
                                      void *ctx, bc_error *err)
{
    return sessions_query(d, q, NULL, sink, ctx, err);
}

/* Every row of a model, newest first: how core/stats reads what it cannot count here. */
static bc_status convex_rows_page(bc_driver *d, bc_model model, size_t limit, const char *cursor,
                                  bc_page *out, bc_error *err)
{
    cv *c = (cv *)d;
    if ((unsigned)model >= BC_MODEL_COUNT)
        return bc_fail(err, BC_USAGE, "unknown model %d", (int)model);
    page_spec sp = {.model = model,
                    .sort = "createdAt",
                    .limit = limit,
                    .cursor = cursor,
                    .canonical = bc_xasprintf("CR|%s", bc_model_get(model)->name)};
    bc_status st = run_page(c, &sp, out, err);
    free(sp.canonical);
    return st;
}

/* --- open / close -------------------------------------------------------------------------- */

static void convex_close(bc_driver *d)
{
    cv *c = (cv *)d;
    for (size_t i = 0; i < c->n_alias; i++) {
        free(c->alias_from[i]);
        free(c->alias_to[i]);
    }
    free(c->alias_from);
    free(c->alias_to);
    forget_session_users(c);
    bc_convex_set_cancel(c->cx, NULL);
    if (c->own_cx)
        bc_convex_free(c->cx);
    free(c->module);
    free(c->component);
    free(c->functions);
    free(c);
}

/* --- a cached layout that went stale --------------------------------------------------------- */

typedef struct {
    layout layout;
    const char *module;
    const char *component;
    const char *shown;
} candidate;

static const candidate known_layouts[] = {
    {LAYOUT_ROOT, "auth:", NULL, "auth:* (better-convex <= 0.6)"},
    {LAYOUT_GENERATED, "generated/auth:", NULL, "generated/auth:* (better-convex 0.11)"},
    {LAYOUT_COMPONENT, "adapter:", "betterAuth",
     "component betterAuth, adapter:* (@convex-dev/better-auth)"},
};
#define N_KNOWN (sizeof known_layouts / sizeof *known_layouts)

static bc_status detect(cv *c, const candidate *cands, size_t n, bc_error *err);

/* A call failed because the function is not where the cached layout said (the app moved to
 * another better-convex version, or another deployment now answers at the URL): probe again once
 * and report the new layout. True when the call should be repeated. */
static bool redetect(cv *c, bc_status st, const bc_error *err)
{
    if (st == BC_OK || !c->trusted || !strstr(err->msg, "Could not find"))
        return false;
    c->trusted = false;
    free(c->module);
    free(c->component);
    free(c->functions);
    c->module = c->component = c->functions = NULL;
    bc_error ignored = {0};
    return detect(c, known_layouts, N_KNOWN, &ignored) == BC_OK;
}

/* Every op through the layout check: a "function not found" answer under a cached layout
 * re-detects and repeats the call once (nothing ran: the function was not there). */
#define LAYOUT_RETRY(call)                                                                         \
    do {                                                                                           \
        bc_status st_ = (call);                                                                    \
        if (redetect((cv *)d, st_, err))                                                           \
            st_ = (call);                                                                          \
        return st_;                                                                                \
    } while (0)

static bc_status layout_users_page(bc_driver *d, const bc_user_query *q, bc_page *out,
                                   bc_error *err)
{
    LAYOUT_RETRY(convex_users_page(d, q, out, err));
}

static bc_status layout_sessions_page(bc_driver *d, const bc_session_query *q, bc_page *out,
                                      bc_error *err)
{
    LAYOUT_RETRY(convex_sessions_page(d, q, out, err));
}

/* A stream is repeated only when "function not found" came first: nothing was handed on. */
static bc_status layout_users_each(bc_driver *d, const bc_user_query *q, bc_rows_sink sink,
                                   void *ctx, bc_each_opts *o, bc_error *err)
{
    LAYOUT_RETRY(convex_users_each(d, q, sink, ctx, o, err));
}

static bc_status layout_sessions_each(bc_driver *d, const bc_session_query *q, bc_rows_sink sink,
                                      void *ctx, bc_error *err)
{
    LAYOUT_RETRY(convex_sessions_each(d, q, sink, ctx, err));
}

static bc_status layout_rows_get(bc_driver *d, bc_model model, const bc_match *m, size_t limit,
                                 bc_rows *out, bc_error *err)
{
    LAYOUT_RETRY(convex_rows_get(d, model, m, limit, out, err));
}

static bc_status layout_row_insert(bc_driver *d, bc_model model, const bc_record *row,
                                   bc_error *err)
{
    LAYOUT_RETRY(convex_row_insert(d, model, row, err));
}

static bc_status layout_rows_update(bc_driver *d, bc_model model, const bc_match *m,
                                    const bc_record *patch, size_t *changed, bc_error *err)
{
    LAYOUT_RETRY(convex_rows_update(d, model, m, patch, changed, err));
}

static bc_status layout_rows_delete(bc_driver *d, bc_model model, const bc_match *m,
                                    size_t *deleted, bc_error *err)
{
    LAYOUT_RETRY(convex_rows_delete(d, model, m, deleted, err));
}

static bc_status layout_batch(bc_driver *d, bc_read *r, size_t nr, bc_write *w, size_t nw,
                              bc_error *err)
{
    bc_status st = convex_batch(d, r, nr, w, nw, err);
    if (!redetect((cv *)d, st, err))
        return st;
    for (size_t i = 0; i < nr; i++) { /* nothing ran: the function was not there */
        bc_rows_release(&r[i].rows);
        r[i].status = BC_OK;
    }
    for (size_t i = 0; i < nw; i++)
        w[i].changed = 0, w[i].status = BC_OK;
    return convex_batch(d, r, nr, w, nw, err);
}

static bc_status layout_rows_page(bc_driver *d, bc_model model, size_t limit, const char *cursor,
                                  bc_page *out, bc_error *err)
{
    LAYOUT_RETRY(convex_rows_page(d, model, limit, cursor, out, err));
}

static const bc_driver_ops convex_ops = {
    .kind = "convex",
    .close = convex_close,
    .users_page = layout_users_page,
    .sessions_page = layout_sessions_page,
    .users_each = layout_users_each,
    .sessions_each = layout_sessions_each,
    .rows_get = layout_rows_get,
    .row_insert = layout_row_insert,
    .rows_update = layout_rows_update,
    .rows_delete = layout_rows_delete,
    .batch = layout_batch,
    .writes_start = convex_writes_start,
    .txn = NULL, /* Convex gives outside callers no transactions: each call is one */
    /* No count ops: counting is reading every row (core/stats reads rows_page instead). */
    .rows_page = layout_rows_page,
};

static void use(cv *c, const candidate *k)
{
    c->layout = k->layout;
    c->module = bc_xstrdup(k->module);
    c->component = bc_xstrdup(k->component);
    c->functions = bc_xasprintf("%s%s%s*", k->component ? k->component : "",
                                k->component ? "/" : "", k->module);
    if (c->on_layout)
        c->on_layout(c->layout_ctx, c->functions);
}

/* Ask every candidate layout at once for one user; keep the first (in order) that answers. */
static bc_status detect(cv *c, const candidate *cands, size_t n, bc_error *err)
{
    fcall *calls = bc_xcalloc(n, sizeof *calls);
    bc_convex_call *raw = bc_xcalloc(n, sizeof *raw);
    for (size_t i = 0; i < n; i++) {
        c->module = (char *)cands[i].module;
        c->component = (char *)cands[i].component;
        bc_cv *args = bc_cv_object();
        bc_cv_set(args, "model", bc_cv_string("user"));
        bc_cv_set(args, "paginationOpts", pagination(NULL, 1, 0));
        fcall_init(c, &calls[i], "findMany", args, true);
        raw[i] = calls[i].call;
    }
    c->module = c->component = NULL;
    bc_convex_run(c->cx, raw, n);
    bc_status st = BC_ERR;
    bc_buf tried = {0};
    for (size_t i = 0; i < n; i++) {
        calls[i].call = raw[i];
        if (st != BC_OK && raw[i].status == BC_OK && json_is_object(raw[i].value) &&
            json_object_get(raw[i].value, "page")) {
            use(c, &cands[i]);
            st = BC_OK;
        }
        bc_buf_printf(&tried, "\n  %s: %s", cands[i].shown,
                      raw[i].status == BC_OK ? "answered, but not like createApi's findMany"
                                             : raw[i].err.msg);
    }
    if (st != BC_OK) {
        const bc_convex_call *refused = NULL, *unreachable = NULL;
        for (size_t i = 0; i < n && !refused; i++)
            if (raw[i].http_status == 401 || raw[i].http_status == 403)
                refused = &raw[i];
        for (size_t i = 0; i < n && !unreachable; i++)
            if (raw[i].http_status == 0 && raw[i].status != BC_OK)
                unreachable = &raw[i];
        if (unreachable && !refused)
            bc_fail(err, unreachable->status == BC_CANCELLED ? BC_CANCELLED : BC_ERR, "%s",
                    unreachable->err.msg);
        else if (refused)
            bc_fail(err, BC_ERR, "%s refused the admin key: %s", bc_convex_url(c->cx),
                    refused->err.msg);
        else
            bc_fail(err, BC_ERR,
                    "no better-convex auth functions answered on %s; tried:%s\nIs the app "
                    "deployed with better-convex's createApi exported from convex/auth.ts? Use "
                    "--auth-functions MODULE or --component PATH if they live elsewhere",
                    bc_convex_url(c->cx), tried.data);
    }
    bc_buf_release(&tried);
    for (size_t i = 0; i < n; i++)
        fcall_release(&calls[i]);
    free(calls);
    free(raw);
    return st;
}

/* The candidate a layout string names: "auth:*", "generated/auth:*", "betterAuth/adapter:*", or
 * the operator's --auth-functions / --component. module and shown are the caller's (free). */
static candidate named_layout(const char *functions, const char *component, char **module,
                              char **shown)
{
    /* "auth", "auth:" and "auth:*" all name the module auth */
    int len = functions ? (int)strcspn(functions, ":") : 0;
    *module = functions ? bc_xasprintf("%.*s:", len, functions) : bc_xstrdup("adapter:");
    *shown = bc_xasprintf("%s%s%s*", component ? component : "", component ? "/" : "", *module);
    return (candidate){component                                  ? LAYOUT_COMPONENT
                       : strcmp(*module, "generated/auth:") == 0 ? LAYOUT_GENERATED
                       : strcmp(*module, "auth:") == 0           ? LAYOUT_ROOT
                                                                 : LAYOUT_CUSTOM,
                       *module, component, *shown};
}

/* A remembered layout string ("betterAuth/adapter:*") as --auth-functions / --component. */
static bc_status use_cached(cv *c, const char *functions)
{
    const char *slash = strstr(functions, "/adapter:");
    char *component = slash ? bc_xstrndup(functions, (size_t)(slash - functions)) : NULL;
    char *module, *shown;
    candidate k = named_layout(slash ? NULL : functions, component, &module, &shown);
    void (*report)(void *, const char *) = c->on_layout;
    c->on_layout = NULL; /* already remembered */
    use(c, &k);
    c->on_layout = report;
    c->trusted = true;
    free(module);
    free(shown);
    free(component);
    return BC_OK;
}

static bc_status find_functions(cv *c, const bc_convex_opts *o, bc_error *err)
{
    if (o->auth_functions || o->component) {
        /* The operator said where: check it answers, with the same probe. */
        char *module, *shown;
        candidate k = named_layout(o->auth_functions, o->component, &module, &shown);
        bc_status st = detect(c, &k, 1, err);
        free(module);
        free(shown);
        return st;
    }
    if (o->cached_functions)
        return use_cached(c, o->cached_functions);
    return detect(c, known_layouts, N_KNOWN, err);
}

bc_status bc_convex_open(const char *url, const char *admin_key, const bc_convex_opts *o,
                         bc_driver **out, bc_error *err)
{
    static const bc_convex_opts none = {0};
    if (!o)
        o = &none;
    *out = NULL;
    bc_convex *cx = o->conn;
    bc_status st = cx ? BC_OK : bc_convex_new(url, admin_key, &cx, err);
    if (st != BC_OK)
        return st;
    cv *c = bc_xcalloc(1, sizeof *c);
    c->base.ops = &convex_ops;
    c->base.label = bc_xstrdup(o->label ? o->label : bc_convex_url(cx));
    c->base.production = o->production;
    c->base.read_only = o->read_only;
    c->cx = cx;
    c->own_cx = !o->conn;
    c->on_layout = o->on_layout;
    c->layout_ctx = o->layout_ctx;
    if (o->read_only)
        bc_convex_set_read_only(cx, c->base.label);
    bc_convex_set_cancel(cx, &c->base.cancel);
    st = find_functions(c, o, err);
    if (st != BC_OK) {
        char *label = c->base.label;
        convex_close(&c->base);
        free(label);
        return st;
    }
    *out = &c->base;
    return BC_OK;
}

bool bc_driver_is_convex(const bc_driver *d)
{
    return d && d->ops == &convex_ops;
}

const char *bc_convex_functions(const bc_driver *d)
{
    return bc_driver_is_convex(d) ? ((const cv *)d)->functions : NULL;
}

bool bc_convex_bypasses_triggers(const bc_driver *d)
{
    /* Only better-convex 0.11's generated functions run the app's triggers themselves. */
    return bc_driver_is_convex(d) && ((const cv *)d)->layout != LAYOUT_GENERATED;
}

size_t bc_convex_driver_round_trips(const bc_driver *d)
{
    return bc_driver_is_convex(d) ? bc_convex_round_trips(((const cv *)d)->cx) : 0;
}

bc_convex *bc_convex_driver_http(bc_driver *d)
{
    return bc_driver_is_convex(d) ? ((cv *)d)->cx : NULL;
}
