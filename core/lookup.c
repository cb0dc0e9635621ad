/* lookup.c - resolving an operator's name for a row. */
#include "lookup.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

const char *bc_lookup_field(const char *user)
{
    return user && strchr(user, '@') ? "email" : "id";
}

bc_status bc_lookup_not_found(const bc_driver *d, const char *user, bc_error *err)
{
    return bc_fail(err, BC_NOT_FOUND, "no user with %s \"%s\" in %s", bc_lookup_field(user), user,
                   d->label ? d->label : "the target");
}

bc_status bc_lookup_user(bc_driver *d, const char *user, bc_record *out, bc_error *err)
{
    bc_status found;
    bc_error why = {0};
    bc_status st = bc_lookup_users(d, &user, 1, out, &found, &why, err);
    if (st != BC_OK)
        return st;
    if (found != BC_OK && err)
        *err = why;
    return found;
}

/* Whether an email name needs a second look as typed (the email rule, bc_email_forms). */
static bool read_as_typed_too(const char *user)
{
    char *forms[2];
    size_t n = bc_email_forms(user, forms);
    free(forms[0]);
    free(forms[1]);
    return n == 2;
}

void bc_lookup_prepare(const char *const *users, size_t n, bc_lookup_plan *plan, bc_record *out,
                       bc_status *status, bc_error *errs)
{
    /* Per name one read by the email rule (lowercased, as Better Auth looks a user up), and for an
     * email that is not lowercase a second read as typed: Better Auth's admin update-user stores
     * an email as given, and the name printed for such a user must find it. */
    *plan = (bc_lookup_plan){.reads = bc_xcalloc(2 * n + 1, sizeof *plan->reads),
                             .slot = bc_xcalloc(n + 1, sizeof *plan->slot),
                             .users = users,
                             .n = n};
    bc_read *r = plan->reads;
    size_t nr = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (bc_record){0};
        errs[i] = (bc_error){0};
        status[i] = BC_OK;
        if (!users[i] || !*users[i]) {
            status[i] = bc_fail(&errs[i], BC_USAGE, "no user given: name one by id or email");
            continue;
        }
        plan->slot[i] = nr;
        r[nr++] = (bc_read){.model = BC_MODEL_USER,
                            .match = {bc_lookup_field(users[i]), &users[i], 1},
                            .limit = 1};
        if (strcmp(bc_lookup_field(users[i]), "email") == 0 && read_as_typed_too(users[i]))
            r[nr++] = (bc_read){.model = BC_MODEL_USER,
                                .match = {"email", &users[i], 1},
                                .limit = 1,
                                .as_typed = true};
    }
    plan->n_reads = nr;
}

void bc_lookup_settle(bc_driver *d, bc_lookup_plan *plan, bc_status read_status, bc_record *out,
                      bc_status *status, bc_error *errs)
{
    bc_read *r = plan->reads;
    size_t nr = plan->n_reads;
    for (size_t i = 0; read_status == BC_OK && i < plan->n; i++) {
        if (status[i] != BC_OK)
            continue;
        bc_rows *rows = &r[plan->slot[i]].rows;
        if (rows->n == 0 && plan->slot[i] + 1 < nr && r[plan->slot[i] + 1].as_typed)
            rows = &r[plan->slot[i] + 1].rows;
        if (rows->n == 0) {
            status[i] = bc_lookup_not_found(d, plan->users[i], &errs[i]);
            continue;
        }
        out[i] = rows->items[0];
        rows->items[0] = (bc_record){0};
    }
    for (size_t i = 0; i < nr; i++)
        bc_rows_release(&r[i].rows);
    free(r);
    free(plan->slot);
    *plan = (bc_lookup_plan){0};
}

bc_status bc_lookup_users(bc_driver *d, const char *const *users, size_t n, bc_record *out,
                          bc_status *status, bc_error *errs, bc_error *err)
{
    bc_lookup_plan plan;
    bc_lookup_prepare(users, n, &plan, out, status, errs);
    bc_status st = bc_driver_reads(d, plan.reads, plan.n_reads, err);
    bc_lookup_settle(d, &plan, st, out, status, errs);
    return st;
}
