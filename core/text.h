/* text.h - untrusted text made safe and measured for a terminal.
 *
 * Anything that came from a database or a deployment may hold escape sequences, control
 * characters, bidirectional overrides or broken UTF-8. Every string the TUI draws and every
 * human-readable line a verb prints to a terminal goes through bc_text_escape or bc_text_fit
 * first, so none of it reaches the terminal raw. Widths are display columns (wide characters
 * count 2, combining marks 0), independent of the process locale.
 *
 * Every char * returned here is the caller's to free.
 */
#ifndef BC_TEXT_H
#define BC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xalloc.h"

/* A copy of s[0..len) (which may hold NULs) in which every byte that could act on a terminal is
 * written visibly: C0 controls (a NUL too) and DEL as \xNN (or \n, \r, \t), C1 controls, bidi
 * controls, line/paragraph separators and invisible characters (zero-width space/joiners, word
 * joiner, soft hyphen, BOM) as \uNNNN, bytes that are not valid UTF-8 as \xNN, and a backslash as
 * itself. The result is valid UTF-8 with no control characters. */
char *bc_text_escape(const char *s, size_t len);

/* Whether what an operator typed to confirm is expected: the same bytes once blanks (spaces,
 * tabs, a line end) around it are dropped. The one rule for every typed confirmation. */
bool bc_text_typed_matches(const char *typed, const char *expected);

/* JSON text (jansson's output, which already escapes C0 controls) with every character from
 * U+007F up that bc_text_escape would escape (DEL, C1 controls, bidi controls and marks,
 * separators, invisible characters) written as \uNNNN: the same string once parsed, inert on a
 * terminal or in an editor. */
char *bc_text_json_safe(const char *json);

/* One CSV cell's text before quoting, from s[0..len) (which may hold NULs): control and invisible
 * characters escaped as in bc_text_escape (a NUL as \x00) except newline, CR and tab (kept; the
 * CSV writer quotes them), and when neutralise, a cell starting with = + - @ TAB or CR gets a
 * leading ' so a spreadsheet shows it instead of running it as a formula. */
char *bc_text_csv_cell(const char *s, size_t len, bool neutralise);

/* Whether s[0..len) can be printed raw (no byte would be changed by bc_text_escape). */
bool bc_text_is_safe(const char *s, size_t len);

/* Display columns of a valid UTF-8 string (as returned by bc_text_escape). */
size_t bc_text_width(const char *s);

/* Escape s, then cut it to at most width columns, ending with "…" when cut, always at a
 * character boundary (a combining mark stays with its base). *used (may be NULL) gets the
 * columns the result occupies. */
char *bc_text_fit(const char *s, size_t width, size_t *used);

/* s[0..len) lowercased as JavaScript's toLowerCase does (full Unicode case mapping), the way
 * Better Auth stores emails; an invalid UTF-8 sequence becomes U+FFFD, as JavaScript decodes it.
 * *out_len (may be NULL) gets the length. */
char *bc_text_lower(const char *s, size_t len, size_t *out_len);

/* The search key of s[0..len): each character by its simple lowercase mapping (after NFC when the
 * text holds combining marks), so "ŞTEFAN", "Ştefan" and "ştefan", or a decomposed "É" and "é",
 * give the same bytes; it is the per-character folding the search index's trigram tokenizer
 * applies. The one folding rule of every search (both drivers, with or without the search index,
 * the help screen): fold the needle once with this, then test rows with bc_text_contains_folded.
 * Invalid UTF-8 gets only its ASCII letters lowered. *out_len (may be NULL) gets the length. */
char *bc_text_fold(const char *s, size_t len, size_t *out_len);

/* Whether hay[0..hn) (up to its first NUL, as SQLite's LIKE reads text) contains needle[0..nn),
 * a string folded by bc_text_fold, once hay is folded the same way. An empty needle is in every
 * text. ASCII text is compared in place; other text is folded into a stack buffer when it fits. */
bool bc_text_contains_folded(const char *hay, size_t hn, const char *needle, size_t nn);

/* Append to b the text hay[0..hn) as bc_text_contains_folded reads it (up to its first NUL) and
 * folded by bc_text_fold: the needle folded by bc_text_fold is in that text exactly when
 * bc_text_contains_folded(hay, hn, needle) says so (the search image, sqlite_image.c). */
void bc_text_fold_append(bc_buf *b, const char *hay, size_t hn);

/* n with thousands separators ("1,234,567"; "-12,000") into out (truncated to size). */
void bc_text_count(char *out, size_t size, int64_t n);

#endif
