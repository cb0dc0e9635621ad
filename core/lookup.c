/* lookup.c - resolving an operator's name for a row. */
#include "lookup.h"

#include <string.h>

bc_status bc_lookup_user(bc_driver *d, const char *user, bc_record *out, bc_error *err)
{
    *out = (bc_record){0};
    if (!user || !*user)
        return bc_fail(err, BC_USAGE, "no user given: name one by id or email");
    bool email = strchr(user, '@') != NULL;
    bc_status st = bc_driver_row_get(d, BC_MODEL_USER, email ? "email" : "id", user, out, err);
    if (st == BC_NOT_FOUND)
        return bc_fail(err, BC_NOT_FOUND, "no user with %s \"%s\" in %s", email ? "email" : "id",
                       user, d->label ? d->label : "the target");
    return st;
}
