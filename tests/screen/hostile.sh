#!/bin/sh
# A name holding escape sequences (colour, OSC 52 clipboard write, window title, clear screen,
# cursor move, a bare CR) is drawn escaped; the terminal's state is untouched.
. "$(dirname "$0")/lib.sh"
make_fixture 20
sqlite3 "$DIR/app.db" "INSERT INTO user VALUES ('evil',
  'Evil ' || char(27) || '[35mPINK' || char(27) || ']52;c;cHduZWQ=' || char(7) ||
  char(27) || ']2;pwned' || char(7) || 'A' || char(13) || 'B' || char(27) || '[2J' ||
  char(27) || '[5;5H' || char(27) || '[?25h' || char(155) || 'Z',
  'evil@example.com', 0, NULL, '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', 'user', 0,
  NULL, NULL)"
start 120 40
wait_for "row 1 of 21"
expect_line 4 "▸evil@example.com               Evil \\x1b[35mPINK\\x… user       active                        no       2026-03-01 00:00"
keys Enter
wait_for "User  evil@example.com"
expect_line 6 "  name                     Evil \\x1b[35mPINK\\x1b]52;c;cHduZWQ=\\x07\\x1b]2;pwned\\x07A\\rB\\x1b[2J\\x1b[5;5H\\x1b[?25h\\u009bZ"
# No SGR 35 (the name's colour) reached the pane, no clipboard write, no title change, the cursor
# stays hidden and the screen was not cleared under us.
esc=$(printf '\033')
! tmux -L "$SOCK" capture-pane -p -e | grep -qE "$esc\[([0-9;]*;)?35(;[0-9;]*)?m" ||
    fail "the name's colour reached the terminal"
[ -z "$(tmux -L "$SOCK" list-buffers)" ] || fail "OSC 52 reached the clipboard"
[ "$(pane '#{pane_title}')" != pwned ] || fail "the window title changed"
[ "$(pane '#{cursor_flag}')" = 0 ] || fail "the cursor became visible"
expect_line 1 " bcadmin  sqlite │ app.db │ BA 1.4-1.6                                                                  21 users │ user"
keys q
wait_for "row 1 of 21"
