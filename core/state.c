/* state.c - open bcadmin's state database and run the embedded migrations over it. */
#include "state_db.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "xalloc.h"

#define BUSY_TIMEOUT_MS 5000

struct bc_state {
    sqlite3 *db;
    char *path;
    int version;
};

/* The number of "NNNN_name.sql", or -1 when the name does not have that shape. */
static int migration_number(const char *name)
{
    size_t len = strlen(name);
    if (len < 4 + 1 + 1 + 4 || strcmp(name + len - 4, ".sql") != 0 || name[4] != '_')
        return -1;
    int n = 0;
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)name[i]))
            return -1;
        n = n * 10 + (name[i] - '0');
    }
    for (size_t i = 5; i < len - 4; i++)
        if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) && name[i] != '_')
            return -1;
    return n;
}

bc_status bc_state_check_migrations(const struct bc_embedded *migrations, int *latest,
                                    bc_error *err)
{
    int expect = 1;
    for (const struct bc_embedded *m = migrations; m->name; m++, expect++) {
        int n = migration_number(m->name);
        if (n < 0)
            return bc_fail(err, BC_ERR,
                           "migration \"%s\" is misnamed: expected NNNN_name.sql (4 digits, "
                           "then lowercase letters, digits or _)",
                           m->name);
        if (n != expect)
            return bc_fail(err, BC_ERR,
                           "migration %s is number %d, expected %d: migrations "
                           "must be numbered 1, 2, 3... without gaps",
                           m->name, n, expect);
    }
    if (latest)
        *latest = expect - 1;
    return BC_OK;
}

/* Why SQLite failed, phrased for the operator: a non-SQLite file is the common mistake. */
static bc_status sqlite_fail(bc_state *s, int rc, const char *doing, bc_error *err)
{
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return bc_fail(err, BC_ERR,
                       "state database %s is not a usable SQLite database (%s): move it aside "
                       "or choose another file with --state",
                       s->path, sqlite3_errstr(rc));
    return bc_fail(err, BC_ERR, "state database %s: %s: %s", s->path, doing, sqlite3_errmsg(s->db));
}

static bc_status query_int(bc_state *s, const char *sql, int *out, bc_error *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(stmt, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_OK ? BC_OK : sqlite_fail(s, rc, sql, err);
}

static bc_status exec(bc_state *s, const char *sql, const char *doing, bc_error *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? BC_OK : sqlite_fail(s, rc, doing, err);
}

/* Refuse files that are not ours before writing anything to them. */
static bc_status check_owner(bc_state *s, int latest, bc_error *err)
{
    int app_id = 0, tables = 0;
    bc_status st = query_int(s, "PRAGMA application_id", &app_id, err);
    if (st == BC_OK)
        st = query_int(s, "PRAGMA user_version", &s->version, err);
    if (st == BC_OK)
        st = query_int(s, "SELECT count(*) FROM sqlite_master", &tables, err);
    if (st != BC_OK)
        return st;
    if (app_id != 0 && app_id != BC_STATE_APP_ID)
        return bc_fail(err, BC_ERR,
                       "%s is not a bcadmin state database (SQLite application_id 0x%08x): "
                       "choose another file with --state",
                       s->path, (unsigned)app_id);
    if (app_id == 0 && tables > 0)
        return bc_fail(err, BC_ERR,
                       "%s is not a bcadmin state database (it holds %d other tables or "
                       "indexes): choose another file with --state",
                       s->path, tables);
    if (s->version > latest)
        return bc_fail(err, BC_REFUSED,
                       "state database %s is version %d, this bcadmin knows up to %d: upgrade "
                       "bcadmin",
                       s->path, s->version, latest);
    return BC_OK;
}

/* Apply the next pending migration in one transaction with its version bump. The version is
 * read again inside the write lock, so two bcadmins starting together never apply one twice.
 * *done is set when nothing was pending. */
static bc_status migrate_one(bc_state *s, const struct bc_embedded *migrations, int latest,
                             bool *done, bc_error *err)
{
    bc_status st = exec(s, "BEGIN IMMEDIATE", "starting a migration", err);
    if (st != BC_OK)
        return st;
    st = query_int(s, "PRAGMA user_version", &s->version, err);
    if (st == BC_OK && s->version > latest)
        st = bc_fail(err, BC_REFUSED,
                     "state database %s is version %d, this bcadmin knows up to %d: upgrade "
                     "bcadmin",
                     s->path, s->version, latest);
    *done = st == BC_OK && s->version == latest;
    if (st == BC_OK && !*done) {
        const struct bc_embedded *m = &migrations[s->version]; /* numbered 1..latest, no gaps */
        st = exec(s, m->data, m->name, err);
        if (st == BC_OK) {
            /* PRAGMAs take no bound parameters; the values are our own integers. */
            char *sql = bc_xasprintf("PRAGMA user_version = %d; PRAGMA application_id = %d",
                                     s->version + 1, BC_STATE_APP_ID);
            st = exec(s, sql, "recording the schema version", err);
            free(sql);
        }
        if (st != BC_OK)
            bc_error_prefix(err, "applying migration %s", m->name);
    }
    if (st != BC_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    st = exec(s, "COMMIT", "committing a migration", err);
    if (st == BC_OK && !*done)
        s->version++;
    return st;
}

/* Create the file ourselves so it is 0600 from its first byte, whatever the umask. */
static bc_status create_private(const char *path, bc_error *err)
{
    bc_status st = bc_paths_make_parents(path, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "state database %s", path);
    /* Never through a symbolic link: whoever can place one chooses where the audit log goes. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ELOOP)
        return bc_fail(err, BC_REFUSED,
                       "state database %s is a symbolic link: refused (give --state the real "
                       "file's path)", path);
    if (fd < 0)
        return bc_fail(err, BC_ERR, "cannot open state database %s: %s", path, strerror(errno));
    struct stat sb;
    st = fstat(fd, &sb) == 0 ? BC_OK : bc_fail(err, BC_ERR, "cannot stat %s", path);
    if (st == BC_OK && !S_ISREG(sb.st_mode))
        st = bc_fail(err, BC_ERR, "state database %s is not a regular file", path);
    else if (st == BC_OK && sb.st_uid != geteuid())
        st = bc_fail(err, BC_REFUSED,
                     "state database %s belongs to another user (uid %u): refused", path,
                     (unsigned)sb.st_uid);
    close(fd);
    return st;
}

/* Checked once the file is known to be bcadmin's (a foreign file gets that message instead). */
static bc_status check_private(const char *path, bc_error *err)
{
    struct stat sb;
    if (lstat(path, &sb) != 0 || !(sb.st_mode & 077))
        return BC_OK;
    return bc_fail(err, BC_REFUSED,
                   "state database %s is open to other users (mode %04o): refused, as the audit "
                   "log must be private; run `chmod 600 %s`",
                   path, (unsigned)(sb.st_mode & 07777), path);
}

bc_status bc_state_open_with(const char *path, const struct bc_embedded *migrations, bc_state **out,
                             bc_error *err)
{
    *out = NULL;
    int latest;
    bc_status st = bc_state_check_migrations(migrations, &latest, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "bcadmin's embedded migrations");
    st = create_private(path, err);
    if (st != BC_OK)
        return st;

    bc_state *s = bc_xcalloc(1, sizeof *s);
    s->path = bc_xstrdup(path);
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        st = sqlite_fail(s, rc, "opening", err);
        bc_state_close(s);
        return st;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    st = check_owner(s, latest, err);
    if (st == BC_OK)
        st = check_private(path, err);
    for (bool done = false; st == BC_OK && !done;)
        st = migrate_one(s, migrations, latest, &done, err);
    if (st != BC_OK) {
        bc_state_close(s);
        return st;
    }
    *out = s;
    return BC_OK;
}

bc_status bc_state_open(const char *path, bc_state **out, bc_error *err)
{
    return bc_state_open_with(path, bc_migrations, out, err);
}

void bc_state_close(bc_state *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int bc_state_version(const bc_state *s)
{
    return s->version;
}

sqlite3 *bc_state_db(bc_state *s)
{
    return s ? s->db : NULL;
}

const char *bc_state_path(const bc_state *s)
{
    return s->path;
}
