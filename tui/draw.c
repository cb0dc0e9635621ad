/* draw.c - curses set-up, restore on every exit path, and the drawing primitives. */
#define NCURSES_WIDECHAR 1
#include "draw.h"

#include <ncursesw/curses.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unistr.h>
#include <wchar.h>

#include "text.h"
#include "xalloc.h"

static SCREEN *screen;
static bool use_color;
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    /* Only note it: get_wch returns (EINTR) and the main loop leaves curses cleanly. */
    stop_signal = sig;
}

static void on_fatal_signal(int sig)
{
    /* Not async-signal-safe, but the process is dying anyway and a terminal left in raw mode on
     * the alternate screen is worse (htop and tig do the same). */
    if (screen)
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read must return */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
}

static void restore_at_exit(void)
{
    tui_term_done();
}

bc_status tui_term_init(bc_error *err)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return bc_fail(err, BC_USAGE,
                       "the interactive console needs a terminal on stdin and stdout (use a verb "
                       "such as `bcadmin users list` in scripts)");
    screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        const char *term = getenv("TERM");
        return bc_fail(err, BC_ERR, "cannot use terminal type \"%s\"", term ? term : "(unset)");
    }
    static bool registered;
    if (!registered) {
        atexit(restore_at_exit);
        registered = true;
    }
    install_handlers();
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    const char *no_color = getenv("NO_COLOR");
    use_color = has_colors() && !(no_color && *no_color);
    if (use_color) {
        start_color();
        use_default_colors();
        static const short colours[] = {COLOR_RED,  COLOR_GREEN,   COLOR_YELLOW,
                                        COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
        for (short i = 0; i < 6; i++)
            init_pair((short)(i + 1), colours[i], -1);
    }
    mouseinterval(0);
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    return BC_OK;
}

void tui_term_done(void)
{
    if (!screen)
        return;
    mousemask(0, NULL);
    curs_set(1);
    endwin();
    delscreen(screen);
    screen = NULL;
    fflush(stdout);
}

void tui_term_suspend(void)
{
    if (!screen)
        return;
    mousemask(0, NULL);
    curs_set(1);
    endwin(); /* the shell gets its terminal back as it was */
    fflush(stdout);
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTSTP, &dfl, &old);
    kill(getpid(), SIGTSTP); /* stopped here until the shell's fg sends SIGCONT */
    sigaction(SIGTSTP, &old, NULL);
    reset_prog_mode();
    curs_set(0);
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    clearok(curscr, TRUE);
    refresh();
}

bool tui_draw_plain(void)
{
    return !use_color;
}

bool tui_term_active(void)
{
    return screen != NULL;
}

int tui_term_stop_signal(void)
{
    return stop_signal;
}

void tui_term_size(int *rows, int *cols)
{
    getmaxyx(stdscr, *rows, *cols);
}

void tui_term_mouse(bool capture)
{
    if (screen)
        mousemask(capture ? (BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
}

void tui_draw_clear(void)
{
    erase();
}

void tui_draw_invalidate(void)
{
    clearok(curscr, TRUE);
}

void tui_draw_flush(void)
{
    refresh();
}

static attr_t to_attr(tui_style s, short *pair)
{
    attr_t a = A_NORMAL;
    if (s & TUI_A_BOLD)
        a |= A_BOLD;
    if (s & TUI_A_REVERSE)
        a |= A_REVERSE;
    if (s & TUI_A_DIM)
        a |= A_DIM;
    if (s & TUI_A_UNDERLINE)
        a |= A_UNDERLINE;
    *pair = use_color ? (short)((s & TUI_C_MASK) >> TUI_C_SHIFT) : 0;
    return a;
}

/* Write valid, control-free UTF-8 (from bc_text_fit) as wide characters. */
static void put_utf8(int y, int x, const char *s, tui_style style)
{
    size_t len = strlen(s), n = 0;
    wchar_t *w = bc_xcalloc(len + 1, sizeof *w);
    for (size_t i = 0; i < len;) {
        ucs4_t c;
        int k = u8_mbtouc(&c, (const uint8_t *)s + i, len - i);
        w[n++] = (wchar_t)c;
        i += (size_t)(k > 0 ? k : 1);
    }
    short pair;
    attr_t a = to_attr(style, &pair);
    attr_set(a, pair, NULL);
    mvaddnwstr(y, x, w, (int)n);
    attr_set(A_NORMAL, 0, NULL);
    free(w);
}

int tui_draw_text(int y, int x, int width, const char *text, tui_style style, bool pad)
{
    if (width <= 0)
        return 0;
    size_t used = 0;
    char *fit = bc_text_fit(text ? text : "", (size_t)width, &used);
    if (pad && used < (size_t)width)
        tui_draw_fill(y, x + (int)used, width - (int)used, style);
    put_utf8(y, x, fit, style);
    free(fit);
    return (int)used;
}

int tui_draw_text_right(int y, int x, int width, const char *text, tui_style style)
{
    if (width <= 0)
        return 0;
    size_t used = 0;
    char *fit = bc_text_fit(text ? text : "", (size_t)width, &used);
    put_utf8(y, x + width - (int)used, fit, style);
    free(fit);
    return (int)used;
}

void tui_draw_fill(int y, int x, int width, tui_style style)
{
    if (width <= 0)
        return;
    short pair;
    attr_t a = to_attr(style, &pair);
    attr_set(a, pair, NULL);
    mvhline(y, x, ' ', width);
    attr_set(A_NORMAL, 0, NULL);
}

void tui_draw_hline(int y, int x, int width, tui_style style)
{
    if (width <= 0)
        return;
    short pair;
    attr_t a = to_attr(style, &pair);
    attr_set(a, pair, NULL);
    mvhline(y, x, ACS_HLINE, width);
    attr_set(A_NORMAL, 0, NULL);
}

void tui_draw_box(int y, int x, int height, int width, tui_style style)
{
    if (height < 2 || width < 2)
        return;
    short pair;
    attr_t a = to_attr(style, &pair);
    attr_set(a, pair, NULL);
    mvhline(y, x + 1, ACS_HLINE, width - 2);
    mvhline(y + height - 1, x + 1, ACS_HLINE, width - 2);
    mvvline(y + 1, x, ACS_VLINE, height - 2);
    mvvline(y + 1, x + width - 1, ACS_VLINE, height - 2);
    mvaddch(y, x, ACS_ULCORNER);
    mvaddch(y, x + width - 1, ACS_URCORNER);
    mvaddch(y + height - 1, x, ACS_LLCORNER);
    mvaddch(y + height - 1, x + width - 1, ACS_LRCORNER);
    attr_set(A_NORMAL, 0, NULL);
    for (int r = 1; r < height - 1; r++)
        tui_draw_fill(y + r, x + 1, width - 2, TUI_S_NORMAL);
}

void tui_draw_cursor(int y, int x)
{
    if (y < 0) {
        curs_set(0);
        return;
    }
    move(y, x);
    curs_set(1);
}
