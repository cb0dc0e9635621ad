/* print.c - tables, CSV and JSON output for the verbs. */
#include "print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "isotime.h"
#include "text.h"
#include "timefmt.h"
#include "xalloc.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

/* The text of a value that is not text (NULL for NULL). */
static char *other_value(const bc_value *v)
{
    switch (v->kind) {
    case BC_V_NULL:
    case BC_V_TEXT:
        return NULL;
    case BC_V_INT:
        return bc_xasprintf("%" PRId64, v->u.i);
    case BC_V_REAL:
        return bc_xasprintf("%.17g", v->u.r);
    case BC_V_BOOL:
        return bc_xstrdup(v->u.b ? "true" : "false");
    case BC_V_DATE: {
        char *iso = bc_xmalloc(BC_ISO_LEN + 1);
        bc_iso_format(v->u.ms, iso);
        return iso;
    }
    case BC_V_BLOB:
        return bc_base64_encode((const unsigned char *)v->u.text, v->len, false);
    }
    return NULL;
}

char *bc_print_value(const bc_value *v, size_t *len)
{
    char *s;
    size_t n;
    if (v->kind == BC_V_TEXT) { /* as stored: a NUL inside is kept, and counted */
        s = bc_xmalloc(v->len + 1);
        memcpy(s, v->u.text, v->len);
        s[v->len] = '\0';
        n = v->len;
    } else {
        s = other_value(v);
        n = s ? strlen(s) : 0;
    }
    if (len)
        *len = n;
    return s;
}

/* --- tables -------------------------------------------------------------------------------- */

void bc_table_init(bc_table *t, FILE *f, size_t screen, const bc_print_col *cols, size_t ncols)
{
    *t = (bc_table){.f = f, .screen = screen, .cols = cols, .ncols = ncols, .indent = ""};
    t->width = bc_xcalloc(ncols, sizeof *t->width);
}

/* The cell as stored: always escaped (piped human output often ends up on a terminal anyway,
 * through cat or less -R), and cut to the column's limit, terminal or not. */
static char *prepare(const bc_table *t, size_t col, const char *raw, size_t len)
{
    if (!raw) /* NULL (or absent) reads "-" in every human table; JSON says null */
        raw = "-", len = 1;
    char *safe = bc_text_escape(raw, len);
    size_t max = t->cols[col].max;
    if (!max || bc_text_width(safe) <= max)
        return safe;
    char *cut = bc_text_fit(safe, max, NULL); /* safe text escapes to itself */
    free(safe);
    return cut;
}

void bc_table_row(bc_table *t, const char *const *cells, const size_t *lens)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = bc_xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++)
        row[c] = prepare(t, c, cells[c], lens ? lens[c] : cells[c] ? strlen(cells[c]) : 0);
    t->nrows++;
}

static void print_row(bc_table *t, char *const *cells)
{
    bc_buf line = {0};
    bc_buf_append(&line, "", 0); /* never NULL, even for an empty line */
    bc_buf_puts(&line, t->indent);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *cell = cells[c];
        size_t w = bc_text_width(cell);
        char *cut = NULL;
        if (t->cols[c].max && w > t->width[c]) { /* narrowed to the terminal, or a later page */
            cut = bc_text_fit(cell, t->width[c], &w);
            cell = cut;
        }
        bc_buf_puts(&line, cell);
        free(cut);
        /* Pad to the column; a cell that overflows it (one never cut) keeps a gap. */
        size_t end = (w > t->width[c] ? w : t->width[c]) + 2;
        if (c + 1 < t->ncols)
            for (size_t pad = w; pad < end; pad++)
                bc_buf_puts(&line, " ");
    }
    /* Empty trailing cells leave padding behind: lines never end in spaces. */
    while (line.len > 0 && line.data[line.len - 1] == ' ')
        line.data[--line.len] = '\0';
    fputs(line.data, t->f);
    fputc('\n', t->f);
    bc_buf_release(&line);
}

/* The narrowest a column gets on a small terminal (its header is cut too by then). */
enum { NARROWEST = 8 };

/* On a terminal, narrow the columns that may be cut (max > 0), the widest first, until a line
 * fits the screen; the columns shown whole keep their width. When they alone leave no room for
 * the others at NARROWEST, nothing is narrowed: the terminal wraps those lines anyway, and the
 * others keep their limits (an env plan's long notes). */
static void fit_screen(bc_table *t)
{
    if (!t->screen)
        return;
    size_t total = bc_text_width(t->indent) + (t->ncols ? 2 * (t->ncols - 1) : 0), least = total;
    for (size_t c = 0; c < t->ncols; c++) {
        total += t->width[c];
        least += t->cols[c].max && t->width[c] > NARROWEST ? NARROWEST : t->width[c];
    }
    if (least > t->screen)
        return;
    while (total > t->screen) {
        size_t widest = t->ncols;
        for (size_t c = 0; c < t->ncols; c++) {
            if (t->cols[c].max && t->width[c] > NARROWEST &&
                (widest == t->ncols || t->width[c] > t->width[widest]))
                widest = c;
        }
        if (widest == t->ncols)
            return; /* as narrow as it goes: the terminal wraps the rest */
        t->width[widest]--;
        total--;
    }
}

void bc_table_flush(bc_table *t)
{
    bool header = t->ncols > 0 && t->cols[0].header;
    if (!t->flushed) {
        /* A time column's header names the zone its cells are in (timefmt.h). */
        const char *zone = tui_time_zone();
        char **heads = bc_xcalloc(t->ncols, sizeof *heads);
        for (size_t c = 0; c < t->ncols && header; c++) {
            char *h = bc_xasprintf("%s%s%s", t->cols[c].header, t->cols[c].time && *zone ? " " : "",
                                   t->cols[c].time ? zone : "");
            heads[c] = bc_text_escape(h, strlen(h)); /* TZ names the zone */
            free(h);
        }
        for (size_t c = 0; c < t->ncols; c++) {
            if (header)
                t->width[c] = bc_text_width(heads[c]);
            if (t->fixed && t->cols[c].max > t->width[c])
                t->width[c] = t->cols[c].max;
            for (size_t r = 0; r < t->nrows; r++) {
                size_t w = bc_text_width(t->cells[r * t->ncols + c]);
                if (w > t->width[c])
                    t->width[c] = w;
            }
        }
        fit_screen(t);
        if (header)
            print_row(t, heads);
        for (size_t c = 0; c < t->ncols; c++)
            free(heads[c]);
        free(heads);
        t->flushed = true;
    }
    for (size_t r = 0; r < t->nrows; r++)
        print_row(t, t->cells + r * t->ncols);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    t->nrows = 0;
}

void bc_table_release(bc_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->width);
    *t = (bc_table){0};
}

/* --- CSV ------------------------------------------------------------------------------------ */

void bc_csv_row(FILE *f, const char *const *fields, const size_t *lens, size_t n, bool neutralise)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        if (!fields[i])
            continue;
        char *cell = bc_text_csv_cell(fields[i], lens ? lens[i] : strlen(fields[i]), neutralise);
        const char *s = cell;
        if (!strpbrk(s, ",\"\r\n")) {
            fputs(s, f);
            free(cell);
            continue;
        }
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
        free(cell);
    }
    fputs("\r\n", f);
}

/* --- JSON ----------------------------------------------------------------------------------- */

/* Every JSON text the verbs print goes through here: jansson's encoding, then the characters it
 * leaves raw that could act on a terminal or hide text (text.h: bc_text_json_safe). */
static void dump(json_t *j, FILE *f, size_t flags)
{
    char *text = json_dumps(j, flags);
    if (!text)
        return;
    char *safe = bc_text_json_safe(text);
    fputs(safe, f);
    free(safe);
    free(text);
}

void bc_json_stream_open(bc_json_stream *s, FILE *f, const char *key)
{
    *s = (bc_json_stream){.f = f};
    json_t *k = json_string(key);
    fputc('{', f);
    dump(k, f, JSON_FLAGS);
    fputs(":[", f);
    json_decref(k);
}

void bc_json_stream_item(bc_json_stream *s, json_t *item)
{
    fputs(s->items++ ? ",\n" : "\n", s->f);
    dump(item, s->f, JSON_FLAGS);
    json_decref(item);
}

void bc_json_stream_close(bc_json_stream *s, json_t *tail)
{
    fputs(s->items ? "\n]" : "]", s->f);
    const char *key;
    json_t *v;
    json_object_foreach(tail, key, v)
    {
        json_t *k = json_string(key);
        fputc(',', s->f);
        dump(k, s->f, JSON_FLAGS);
        fputc(':', s->f);
        dump(v, s->f, JSON_FLAGS);
        json_decref(k);
    }
    fputs("}\n", s->f);
    json_decref(tail);
}

void bc_json_print(FILE *f, json_t *doc)
{
    dump(doc, f, JSON_INDENT(2) | JSON_ENCODE_ANY);
    fputc('\n', f);
    json_decref(doc);
}
