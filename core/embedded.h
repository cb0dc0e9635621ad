/* embedded.h - files compiled into the binary (assets/, migrations/).
 *
 * The tables are generated at build time by assets/embed.py; entries are sorted by name and the
 * table ends with an entry whose name is NULL. Data is static and NUL-terminated: never free it.
 */
#ifndef BC_EMBEDDED_H
#define BC_EMBEDDED_H

#include <stddef.h>

struct bc_embedded {
    const char *name;
    const char *data;
    size_t len;
};

/* assets/: the Better Auth schema, demo name lists, checklists. */
extern const struct bc_embedded bc_assets[];
/* migrations/: NNNN_name.sql, in version order. */
extern const struct bc_embedded bc_migrations[];

/* Look up an entry by name; NULL when absent. */
const struct bc_embedded *bc_embedded_find(const struct bc_embedded *table, const char *name);

#endif
