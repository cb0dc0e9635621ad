/* lookup.c - resolving an operator's name for a row. */
#include "lookup.h"

#include <string.h>

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
