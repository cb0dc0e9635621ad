#!/bin/sh
# A user's detail: every field, the sessions pane (impersonation, masked token) and the accounts
# pane; Tab moves between panes; q goes back to the same row.
. "$(dirname "$0")/lib.sh"
make_fixture 200
start 120 40
wait_for "row 1 of 200"
keys :
text "user user010@example.com"
keys Enter
wait_for "User  user010@example.com"
expect_line 2 "User  user010@example.com  ·  active  ·  Tab: next pane"
expect_line 3 "▸ Fields (11)"
expect_line 4 "  status (derived)         active"
expect_line 5 "  id                       u010"
expect_line 11 "  updatedAt                2026-01-01 00:00:00 UTC"
expect_screen_has "  banExpires               null"
expect_screen_has "  Sessions (2, 1 active)"
expect_screen_has "active (impersonation)  2026-02-01 00:00 2026-12-01 00:00 10.0.0.1"
expect_screen_has "Mozilla/5.0 (X11) user000@example.…"
expect_screen_has "****abcd"
expect_screen_lacks "secret-token"
expect_screen_has "expired                 2026-01-20 00:00 2026-02-01 00:00 10.0.0.2"
expect_screen_has "  Accounts (1)"
expect_screen_has " credential"
expect_screen_lacks "salt:hash"
keys Tab
wait_for "▸ Sessions (2, 1 active)"
keys Tab
wait_for "▸ Accounts (1)"
keys BTab BTab
wait_for "▸ Fields (11)"
keys q
wait_for "row 1 of 200"
# Enter on a row opens it; sessions screen's Enter opens the owner.
keys j j Enter
wait_for "User  user197@example.com"
keys 2
wait_for "Sessions  row 1 of 2"
keys Enter
wait_for "User  user010@example.com"
keys q
wait_for "Sessions  row 1 of 2"
keys q
wait_for "row 3 of 200"
