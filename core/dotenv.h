/* dotenv.h - read and write `.env` files exactly as the `dotenv` npm package (17.x) parses them.
 *
 * better-convex reads convex/.env with dotenv's parse(); bcadmin must see the same names and
 * values, byte for byte, and must say which lines dotenv ignores or probably reads differently
 * from what the author meant. The writer changes single entries and keeps every other byte.
 */
#ifndef BC_DOTENV_H
#define BC_DOTENV_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* One `NAME=value` dotenv found, in file order. Lines are 1-based; a multi-line quoted value
 * spans line..last_line. Offsets are bytes in the file as read (before CRLF handling). */
typedef struct {
    char *name;
    char *value; /* NUL-terminated; value_len bytes (a file may hold NUL bytes) */
    size_t value_len;
    unsigned line;      /* line of the name */
    unsigned last_line; /* line where the value (or the name, if the value is empty) ends */
    size_t raw_start;   /* start of `line` */
    size_t raw_end;     /* end of `last_line`, after its line break */
    size_t value_start; /* the value as written (quotes included) is file[value_start..value_end) */
    size_t value_end;
    char quote;      /* '\'', '"', '`' when dotenv read a quoted value, else 0 */
    bool overridden; /* a later entry with the same name wins (dotenv keeps the last) */
} bc_dotenv_entry;

typedef enum {
    BC_DOTENV_IGNORED,    /* dotenv drops this line (or this name) */
    BC_DOTENV_SUSPICIOUS, /* dotenv reads it, probably not as the author meant */
} bc_dotenv_diag_kind;

typedef struct {
    bc_dotenv_diag_kind kind;
    unsigned line;
    char *name;    /* the entry concerned, or NULL */
    char *message; /* without file and line: see bc_dotenv_diag_format */
} bc_dotenv_diag;

/* A parsed file. Everything inside belongs to it; bc_dotenv_free releases it. */
typedef struct {
    char *path; /* as given, for messages */
    char *text; /* the file's bytes, text_len of them, NUL-terminated */
    size_t text_len;
    bool crlf; /* the file's first line break is CRLF: new lines are written the same way */
    bc_dotenv_entry *entries;
    size_t n_entries;
    bc_dotenv_diag *diags;
    size_t n_diags;
} bc_dotenv;

/* Parse text[0..len). path (may be NULL) only names the file in messages. *out is the
 * caller's, freed with bc_dotenv_free. Never fails on content: what dotenv would drop becomes
 * a diagnostic. */
bc_status bc_dotenv_parse(const char *text, size_t len, const char *path, bc_dotenv **out,
                          bc_error *err);
/* Read and parse a file: BC_NOT_FOUND when it does not exist, BC_ERR when unreadable. */
bc_status bc_dotenv_load(const char *path, bc_dotenv **out, bc_error *err);
void bc_dotenv_free(bc_dotenv *env);

/* The entry whose value dotenv keeps for name (the last one), or NULL. Owned by env. */
const bc_dotenv_entry *bc_dotenv_get(const bc_dotenv *env, const char *name);
/* "path:line: warning: message" (or "ignored:"), for any diagnostic of env. Caller frees. */
char *bc_dotenv_diag_format(const bc_dotenv *env, const bc_dotenv_diag *diag);

/* Whether dotenv accepts name as a key (letters, digits, '_', '.', '-'; not __proto__). */
bool bc_dotenv_name_ok(const char *name);

/* The right-hand side to write after `NAME=` so that dotenv reads value[0..len) back exactly:
 * bare when that is safe, else single, double or backtick quotes, chosen by content. BC_REFUSED
 * (with the reason) for values dotenv cannot represent. *out is the caller's. */
bc_status bc_dotenv_quote(const char *value, size_t len, char **out, bc_error *err);

/* One change to a file: set name to value[0..value_len), or remove every entry of name when
 * value is NULL. A name not yet in the file is appended at the end, after a `# comment` line
 * when comment is not NULL (one line, no line break). */
typedef struct {
    const char *name;
    const char *value;
    size_t value_len;
    const char *comment;
} bc_dotenv_change;

/* Apply changes to env's text in memory: the value of an existing entry (the one dotenv keeps)
 * is replaced in place, everything else stays byte for byte. Each result is parsed again; when
 * dotenv would read any value differently (an open quote elsewhere swallowing the new line),
 * the next way of quoting is tried, and BC_REFUSED names the entry if none works. BC_USAGE for
 * a bad name or a multi-line comment. *out (len *out_len) is the caller's. */
bc_status bc_dotenv_edit(const bc_dotenv *env, const bc_dotenv_change *changes, size_t n,
                         char **out, size_t *out_len, bc_error *err);

/* Load path (a missing file counts as empty), bc_dotenv_edit it and replace it atomically with
 * bc_dotenv_write_atomic. Nothing is written when the content would not change. */
bc_status bc_dotenv_save(const char *path, const bc_dotenv_change *changes, size_t n,
                         bc_error *err);

/* Replace path with data: a temporary file in the same directory, fsync, rename, fsync of the
 * directory. Keeps the mode (and, where allowed, the owner) of an existing file; a new file is
 * 0600. A symlink is followed and the file it points to replaced. On failure the original is
 * untouched and no temporary file remains. */
bc_status bc_dotenv_write_atomic(const char *path, const char *data, size_t len, bc_error *err);

#endif
