/* lookup.c - resolving an operator's name for a row. */
#include "lookup.h"

#include <stdlib.h>
#include <string.h>

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
    *out = (bc_record){0};
    if (!user || !*user)
        return bc_fail(err, BC_USAGE, "no user given: name one by id or email");
    bc_status st = bc_driver_row_get(d, BC_MODEL_USER, bc_lookup_field(user), user, out, err);
    if (st == BC_NOT_FOUND)
        return bc_lookup_not_found(d, user, err);
    return st;
}

bc_status bc_lookup_users(bc_driver *d, const char *const *users, size_t n, bc_record *out,
                          bc_status *status, bc_error *errs, bc_error *err)
{
    bc_read *r = bc_xcalloc(n + 1, sizeof *r);
    size_t *slot = bc_xcalloc(n + 1, sizeof *slot), nr = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (bc_record){0};
        errs[i] = (bc_error){0};
        status[i] = BC_OK;
        if (!users[i] || !*users[i]) {
            status[i] = bc_fail(&errs[i], BC_USAGE, "no user given: name one by id or email");
            continue;
        }
        slot[i] = nr;
        r[nr++] = (bc_read){.model = BC_MODEL_USER,
                            .match = {bc_lookup_field(users[i]), &users[i], 1},
                            .limit = 1};
    }
    bc_status st = bc_driver_reads(d, r, nr, err);
    for (size_t i = 0; st == BC_OK && i < n; i++) {
        if (status[i] != BC_OK)
            continue;
        bc_rows *rows = &r[slot[i]].rows;
        if (rows->n == 0) {
            status[i] = bc_lookup_not_found(d, users[i], &errs[i]);
            continue;
        }
        out[i] = rows->items[0];
        rows->items[0] = (bc_record){0};
    }
    for (size_t i = 0; i < nr; i++)
        bc_rows_release(&r[i].rows);
    free(r);
    free(slot);
    return st;
}
