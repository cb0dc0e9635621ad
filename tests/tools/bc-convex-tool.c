/* bc-convex-tool - drives the Convex driver through driver.h for the integration tests, until
 * the bcadmin CLI can select a deployment itself. Selection is bcadmin's (deployment.h, from
 * the flags, the environment, .env.local and .env); output is one JSON object per command.
 *
 *   bc-convex-tool [--url U] [--admin-key K] [--prod] [--auth-functions M] [--component P] CMD
 *   CMD: which | users [--search S] [--prefix] [--role R] [--ban any|active|banned|expired]
 *        [--verified yes|no] [--sort created|updated|email|name] [--asc] [--limit N]
 *        [--cursor C] [--total] | show ID | sessions [USER_ID] | ban ID | insert-user EMAIL
 *        | ids N (ids of the first N users, for bulk) | bulk-ban N
 * Exit status: bc_status_exit_code of the failure (the message on stderr).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convex_driver.h"
#include "deployment.h"
#include "isotime.h"
#include "users.h"

static json_t *record_json(const bc_record *r)
{
    json_t *o = json_object();
    for (size_t i = 0; i < r->n; i++) {
        const bc_value *v = &r->fields[i].value;
        json_t *j;
        switch (v->kind) {
        case BC_V_TEXT:
        case BC_V_BLOB:
            j = json_stringn(v->u.text, v->len);
            break;
        case BC_V_INT:
            j = json_integer(v->u.i);
            break;
        case BC_V_REAL:
            j = json_real(v->u.r);
            break;
        case BC_V_BOOL:
            j = json_boolean(v->u.b);
            break;
        case BC_V_DATE:
            j = json_integer(v->u.ms);
            break;
        default:
            j = json_null();
        }
        json_object_set_new(o, r->fields[i].name, j);
    }
    return o;
}

static json_t *rows_json(const bc_rows *rows)
{
    json_t *a = json_array();
    for (size_t i = 0; i < rows->n; i++)
        json_array_append_new(a, record_json(&rows->items[i]));
    return a;
}

static json_t *page_json(const bc_page *p)
{
    return json_pack("{s:o,s:s?,s:s?,s:I,s:b}", "rows", rows_json(&p->rows), "next", p->next_cursor,
                     "prev", p->prev_cursor, "total", (json_int_t)p->total, "atLeast",
                     p->total_at_least);
}

static int fail(const bc_error *e)
{
    fprintf(stderr, "error: %s\n", e->msg);
    return bc_status_exit_code(e->status);
}

static const char *arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "missing value for %s\n", argv[*i]);
        exit(2);
    }
    return argv[++*i];
}

static bc_status ban(bc_driver *d, const char *id, bc_error *err)
{
    bc_record patch = {0};
    bc_record_set_bool(&patch, "banned", true);
    bc_record_set_text(&patch, "banReason", "No reason");
    bc_record_set_null(&patch, "banExpires");
    bc_record_set_date(&patch, "updatedAt", bc_now_ms());
    bc_match by_id = {"id", &id, 1}, by_user = {"userId", &id, 1};
    size_t changed = 0;
    bc_status st = bc_driver_rows_update(d, BC_MODEL_USER, &by_id, &patch, &changed, err);
    if (st == BC_OK && changed == 0)
        st = bc_fail(err, BC_NOT_FOUND, "no user %s", id);
    if (st == BC_OK)
        st = bc_driver_rows_delete(d, BC_MODEL_SESSION, &by_user, NULL, err);
    bc_record_release(&patch);
    return st;
}

/* The ids of the first n users (by paging). */
static bc_status first_ids(bc_driver *d, size_t n, char ***ids, size_t *got, bc_error *err)
{
    *ids = calloc(n + 1, sizeof **ids);
    *got = 0;
    char *cursor = NULL;
    bc_status st = BC_OK;
    while (*got < n && st == BC_OK) {
        bc_user_query q = {.limit = n - *got > BC_PAGE_MAX ? BC_PAGE_MAX : n - *got,
                           .cursor = cursor};
        bc_page p;
        st = bc_driver_users_page(d, &q, &p, err);
        if (st != BC_OK)
            break;
        for (size_t i = 0; i < p.rows.n && *got < n; i++)
            (*ids)[(*got)++] = strdup(bc_record_text(&p.rows.items[i], "id"));
        free(cursor);
        cursor = p.next_cursor ? strdup(p.next_cursor) : NULL;
        bc_page_release(&p);
        if (!cursor)
            break;
    }
    free(cursor);
    return st;
}

int main(int argc, char **argv)
{
    bc_deploy_opts o = {0};
    bc_convex_opts co = {0};
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--url") == 0)
            o.url = arg(argc, argv, &i);
        else if (strcmp(argv[i], "--admin-key") == 0)
            o.admin_key = arg(argc, argv, &i);
        else if (strcmp(argv[i], "--prod") == 0)
            o.prod = true;
        else if (strcmp(argv[i], "--auth-functions") == 0)
            co.auth_functions = arg(argc, argv, &i);
        else if (strcmp(argv[i], "--component") == 0)
            co.component = arg(argc, argv, &i);
        else
            return fprintf(stderr, "unknown option %s\n", argv[i]), 2;
    }
    if (i >= argc)
        return fprintf(stderr, "no command\n"), 2;
    const char *cmd = argv[i++];

    bc_error err = {0};
    bc_deployment dep;
    bc_env_source src[] = {bc_env_process};
    if (bc_deployment_choose(&o, src, 1, &dep, &err) != BC_OK)
        return fail(&err);
    co.label = dep.label;
    co.production = dep.production;
    bc_driver *d = NULL;
    bc_status st = bc_convex_open(dep.url, dep.key, &co, &d, &err);
    json_t *out = NULL;
    if (st == BC_OK && strcmp(cmd, "which") == 0) {
        out = json_pack("{s:s,s:s,s:b,s:s,s:b}", "label", d->label, "functions",
                        bc_convex_functions(d), "production", d->production, "how", dep.how,
                        "bypassesTriggers", bc_convex_bypasses_triggers(d));
    } else if (st == BC_OK && strcmp(cmd, "users") == 0) {
        bc_user_query q = {0};
        for (; i < argc; i++) {
            const char *a = argv[i];
            if (!strcmp(a, "--search"))
                q.search = arg(argc, argv, &i);
            else if (!strcmp(a, "--prefix"))
                q.search_mode = BC_SEARCH_PREFIX;
            else if (!strcmp(a, "--role"))
                q.role = arg(argc, argv, &i);
            else if (!strcmp(a, "--ban")) {
                const char *b = arg(argc, argv, &i);
                q.ban = !strcmp(b, "active")    ? BC_BAN_ACTIVE
                        : !strcmp(b, "banned")  ? BC_BAN_BANNED
                        : !strcmp(b, "expired") ? BC_BAN_EXPIRED
                                                : BC_BAN_ANY;
            } else if (!strcmp(a, "--verified"))
                q.verified = !strcmp(arg(argc, argv, &i), "yes") ? BC_VERIFIED_YES : BC_VERIFIED_NO;
            else if (!strcmp(a, "--sort")) {
                const char *s = arg(argc, argv, &i);
                q.sort = !strcmp(s, "updated") ? BC_SORT_UPDATED
                         : !strcmp(s, "email") ? BC_SORT_EMAIL
                         : !strcmp(s, "name")  ? BC_SORT_NAME
                                               : BC_SORT_CREATED;
            } else if (!strcmp(a, "--asc"))
                q.ascending = true;
            else if (!strcmp(a, "--limit"))
                q.limit = strtoul(arg(argc, argv, &i), NULL, 10);
            else if (!strcmp(a, "--cursor"))
                q.cursor = arg(argc, argv, &i);
            else if (!strcmp(a, "--total"))
                q.want_total = true;
        }
        bc_page p;
        st = bc_driver_users_page(d, &q, &p, &err);
        if (st == BC_OK)
            out = page_json(&p);
        bc_page_release(&p);
    } else if (st == BC_OK && strcmp(cmd, "show") == 0 && i < argc) {
        /* what a detail view reads (users.h): the user, its sessions, its accounts */
        size_t before = bc_convex_driver_round_trips(d);
        bc_user_detail detail;
        st = bc_users_detail(d, argv[i], true, &detail, &err);
        if (st == BC_OK)
            out = json_pack("{s:o,s:o,s:o,s:I}", "user", record_json(&detail.user), "sessions",
                            rows_json(&detail.sessions), "accounts", rows_json(&detail.accounts),
                            "roundTrips",
                            (json_int_t)(bc_convex_driver_round_trips(d) - before));
        bc_users_detail_release(&detail);
    } else if (st == BC_OK && strcmp(cmd, "sessions") == 0) {
        bc_session_query sq = {.user_id = i < argc ? argv[i] : NULL};
        bc_page p;
        st = bc_driver_sessions_page(d, &sq, &p, &err);
        if (st == BC_OK)
            out = page_json(&p);
        bc_page_release(&p);
    } else if (st == BC_OK && strcmp(cmd, "ban") == 0 && i < argc) {
        size_t before = bc_convex_driver_round_trips(d);
        st = ban(d, argv[i], &err);
        if (st == BC_OK)
            out = json_pack("{s:I}", "roundTrips",
                            (json_int_t)(bc_convex_driver_round_trips(d) - before));
    } else if (st == BC_OK && strcmp(cmd, "insert-user") == 0 && i < argc) {
        /* what create-user writes: a user with a caller-chosen id, then its account */
        bc_record u = {0}, acc = {0};
        int64_t now = bc_now_ms();
        bc_record_set_text(&u, "id", "callerChosenId00000000000000000a");
        bc_record_set_text(&u, "name", "New User");
        bc_record_set_text(&u, "email", argv[i]);
        bc_record_set_bool(&u, "emailVerified", false);
        bc_record_set_date(&u, "createdAt", now);
        bc_record_set_date(&u, "updatedAt", now);
        bc_record_set_text(&u, "role", "user");
        bc_record_set_text(&acc, "id", "callerChosenAccount0000000000000");
        bc_record_set_text(&acc, "accountId", "callerChosenId00000000000000000a");
        bc_record_set_text(&acc, "providerId", "credential");
        bc_record_set_text(&acc, "userId", "callerChosenId00000000000000000a");
        bc_record_set_date(&acc, "createdAt", now);
        bc_record_set_date(&acc, "updatedAt", now);
        st = bc_driver_row_insert(d, BC_MODEL_USER, &u, &err);
        if (st == BC_OK)
            st = bc_driver_row_insert(d, BC_MODEL_ACCOUNT, &acc, &err);
        bc_record got = {0};
        if (st == BC_OK)
            st = bc_driver_row_get(d, BC_MODEL_USER, "id", "callerChosenId00000000000000000a", &got,
                                   &err);
        if (st == BC_OK)
            out = json_pack("{s:o}", "user", record_json(&got));
        bc_record_release(&got);
        bc_record_release(&u);
        bc_record_release(&acc);
    } else if (st == BC_OK && strcmp(cmd, "bulk-ban") == 0 && i < argc) {
        char **ids = NULL;
        size_t n = 0;
        st = first_ids(d, strtoul(argv[i], NULL, 10), &ids, &n, &err);
        size_t before = bc_convex_driver_round_trips(d), changed = 0, deleted = 0;
        bc_record patch = {0};
        bc_record_set_bool(&patch, "banned", true);
        bc_record_set_text(&patch, "banReason", "bulk");
        bc_record_set_null(&patch, "banExpires");
        bc_match m = {"id", (const char *const *)ids, n},
                 mu = {"userId", (const char *const *)ids, n};
        if (st == BC_OK)
            st = bc_driver_rows_update(d, BC_MODEL_USER, &m, &patch, &changed, &err);
        if (st == BC_OK)
            st = bc_driver_rows_delete(d, BC_MODEL_SESSION, &mu, &deleted, &err);
        if (st == BC_OK)
            out = json_pack("{s:I,s:I,s:I}", "changed", (json_int_t)changed, "sessionsDeleted",
                            (json_int_t)deleted, "roundTrips",
                            (json_int_t)(bc_convex_driver_round_trips(d) - before));
        bc_record_release(&patch);
        for (size_t k = 0; k < n; k++)
            free(ids[k]);
        free(ids);
    } else if (st == BC_OK) {
        st = bc_fail(&err, BC_USAGE, "unknown command %s", cmd);
    }
    bc_driver_close(d);
    bc_deployment_release(&dep);
    if (st != BC_OK)
        return fail(&err);
    char *text = json_dumps(out, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(out);
    return 0;
}
