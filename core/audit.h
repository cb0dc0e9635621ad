/* audit.h - the audit log in bcadmin's state database (migrations/0001_audit.sql, 0005).
 *
 * Every change is written before it is applied (state 'pending') and updated after ('done' or
 * 'failed' with the error), so a crash in between leaves a pending row that says what may have
 * happened. Entries hold field values before and after, never secrets: callers pass records that
 * have been through bc_audit_scrub (tokens, hashes, keys and passwords removed).
 *
 * A bulk action is one entry whose members (group_id = its id) are the entries of each user it
 * changed; bc_audit_list shows top-level entries only, bc_audit_members a bulk entry's members.
 *
 * Strings in bc_audit_entry are owned by the entry (bc_audit_entries_release frees them).
 */
#ifndef BC_AUDIT_H
#define BC_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "record.h"
#include "state.h"
#include "status.h"

typedef struct {
    const char *os_user;     /* the login that ran bcadmin */
    const char *actor;       /* acting admin: "<id> <email>", or NULL */
    const char *target_kind; /* driver kind: "sqlite" | "convex" */
    const char *target;      /* file path, or deployment URL + key fingerprint */
} bc_audit_who;

/* What is about to change. before/after hold only the changed fields (may be NULL). */
typedef struct {
    const char *action;  /* "users.ban", "sessions.revoke", "env.sync"... */
    const char *subject; /* the row acted on: user id, session id, variable name */
    const bc_record *before;
    const bc_record *after;
    int64_t undo_of;   /* the entry this change undoes, or 0 */
    int64_t group_id;  /* the bulk entry this change is a member of, or 0 */
    const char *label; /* the subject as a person reads it (a user's email), or NULL */
} bc_audit_change;

/* Record a pending change; *id gets its row id for bc_audit_finish. */
bc_status bc_audit_begin(bc_state *state, const bc_audit_who *who, const bc_audit_change *change,
                         int64_t *id, bc_error *err);
/* Mark a pending change done (error NULL) or failed (error = what went wrong). */
bc_status bc_audit_finish(bc_state *state, int64_t id, const char *error, bc_error *ignored);
/* Mark a pending change by how its write ended: done (failure NULL), 'unknown' when
 * failure->uncertain (the request reached the target and its answer was lost: the change may
 * stand), 'partly applied' when failure->status is BC_INCOMPLETE (part of it stands), else
 * failed. The entry's error is failure's message. Returns the status the write ends with, so
 * that the exit status agrees with the entry: BC_OK (done), BC_INCOMPLETE (unknown or partly
 * applied; failure->status is set to it too) or failure's own. */
bc_status bc_audit_finish_error(bc_state *state, int64_t id, bc_error *failure, bc_error *ignored);
/* Name the row a change made once it exists: where the store chooses ids (Convex), the subject
 * and the after recorded by bc_audit_begin held the id bcadmin proposed, not the real one. */
bc_status bc_audit_set_subject(bc_state *state, int64_t id, const char *subject,
                               const bc_record *after, bc_error *err);

/* Set the label of an entry (a bulk entry's "N users: ..." once its users are known). */
bc_status bc_audit_set_label(bc_state *state, int64_t id, const char *label, bc_error *err);

typedef struct {
    int64_t id;
    char *started_at, *finished_at, *os_user, *actor, *target_kind, *target, *action, *subject;
    char *before_json, *after_json, *state, *error;
    int64_t undo_of;    /* 0 when not an undo */
    int64_t group_id;   /* the bulk entry it belongs to, or 0 */
    int64_t members;    /* entries in this bulk entry (0: not a bulk entry) */
    bool undone;        /* a completed undo of this entry exists */
    char *label;        /* the subject as recorded for people (an email), or NULL */
    int64_t writer_pid; /* the process that wrote it (process.h), or 0 when not recorded */
    char *writer_start; /* that process's start "BOOT_ID:TICKS", or NULL */
} bc_audit_entry;

typedef struct {
    bc_audit_entry *items;
    size_t n;
} bc_audit_entries;

/* The newest `limit` top-level entries, newest first (before_id > 0: only entries older than
 * it); members of bulk entries are left out. */
bc_status bc_audit_list(bc_state *state, size_t limit, int64_t before_id, bc_audit_entries *out,
                        bc_error *err);
/* The members of bulk entry id, oldest first. */
bc_status bc_audit_members(bc_state *state, int64_t id, bc_audit_entries *out, bc_error *err);
bc_status bc_audit_get(bc_state *state, int64_t id, bc_audit_entry *out, bc_error *err);
void bc_audit_entry_release(bc_audit_entry *e);
void bc_audit_entries_release(bc_audit_entries *list);

/* What entry e changed, for people: "field: BEFORE<arrow>AFTER" for each field of its after (of
 * its before when it has no after), joined by ", ", each value as compact JSON (strings quoted, a
 * NUL inside as \u0000), a null or absent value as "-" as in every human table; updatedAt and
 * createdAt are left out (every change moves them); a bulk entry (its members hold each user's
 * before) shows "field: AFTER", the value every user was given. arrow is the reader's: " -> " in
 * plain text, "\u2192" on the console. The one rule of the audit's changes text (the audit verb and the
 * console's audit screen); not escaped for a terminal (the table or the drawing escapes it). The
 * caller frees it; "" when the entry recorded no fields. */
char *bc_audit_changes_text(const bc_audit_entry *e, const char *arrow);

/* Drop every secret field of model m from r (tokens, password hashes, keys). */
void bc_audit_scrub(bc_model m, bc_record *r);

#endif
