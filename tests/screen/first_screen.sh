#!/bin/sh
# The first screen of a known database at 120x40: top bar with driver, file and totals, the users
# table newest first, the key hints.
. "$(dirname "$0")/lib.sh"
make_fixture 200
start 120 40
wait_for "row 1 of 200"
expect_line 1 " bcadmin  sqlite │ app.db │ BA 1.4-1.6                                                                200 users │ users"
expect_line 2 "Users  row 1 of 200   sort: created ▼ descending"
expect_line 3 " email                          name                 role       status UTC                    verified created UTC ▼"
expect_line 4 "▸user199@example.com            User 199             user       active                        no       2026-01-09 07:00"
expect_line 5 " user198@example.com            User 198             user       active                        yes      2026-01-09 06:00"
expect_line 16 " user187@example.com            User 187             user       banned                        no       2026-01-08 19:00"
expect_line 33 " user170@example.com            User 170             user       banned until 2026-12-01 00:00 no       2026-01-08 02:00"
expect_line 39 " user164@example.com            User 164             user       active                        no       2026-01-07 20:00"
# The fixture has no browsing indexes: the bottom line says so first, then shows the keys.
expect_screen_has "has no browsing indexes"
keys j
wait_for "row 2 of 200"
expect_line 40 "Enter open  / search  f filter  o sort  Space mark  b ban  C-r refresh  2 sessions  ? help  : command  q quit"
expect_line 4 " user199@example.com            User 199             user       active                        no       2026-01-09 07:00"
expect_line 5 "▸user198@example.com            User 198             user       active                        yes      2026-01-09 06:00"
