/* line.c - the release line a target shows; see line.h. */
#include "line.h"

#include <string.h>

#include "convex_driver.h"
#include "sqlite_driver.h"

const char *bc_ba_line_describe(bc_ba_line line)
{
    switch (line) {
    case BC_LINE_1_7:
        return "Better Auth 1.7 (jwks has alg and crv)";
    case BC_LINE_1_4_TO_1_6:
        return "Better Auth 1.4.9 to 1.6 (jwks without alg and crv; their schemas are identical)";
    case BC_LINE_UNKNOWN:
        break;
    }
    return "Better Auth (line not shown: no jwks table)";
}

const char *bc_ba_line_short(bc_ba_line line)
{
    return line == BC_LINE_1_7 ? "BA 1.7" : line == BC_LINE_1_4_TO_1_6 ? "BA 1.4-1.6" : "BA ?";
}

const char *bc_line_of_driver(bc_driver *d, bool short_form)
{
    if (!d)
        return short_form ? "" : "no target";
    if (!bc_driver_is_convex(d)) {
        bc_ba_line l = bc_sqlite_line(d);
        return short_form ? bc_ba_line_short(l) : bc_ba_line_describe(l);
    }
    const char *f = bc_convex_functions(d);
    if (f && strcmp(f, "auth:*") == 0)
        return short_form ? "better-convex <=0.6" : "better-convex up to 0.6 (auth:*)";
    if (f && strcmp(f, "generated/auth:*") == 0)
        return short_form ? "better-convex 0.11" : "better-convex 0.11 (generated/auth:*)";
    if (f && strncmp(f, "betterAuth/", 11) == 0)
        return short_form ? "@convex-dev/better-auth"
                          : "@convex-dev/better-auth component install (betterAuth adapter:*)";
    return short_form ? "custom functions" : "custom auth functions (--auth-functions)";
}
