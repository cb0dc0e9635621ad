#!/bin/sh
# Paging deep into 5,000 users and back, by screen and to the end, through keyset pages.
. "$(dirname "$0")/lib.sh"
make_fixture 5000
start 120 40
wait_for "row 1 of 5,000"
i=0
while [ $i -lt 40 ]; do keys C-f; i=$((i + 1)); done
# 36 table rows: a page moves 35 rows; the selection rides the bottom line.
wait_for "row 1,401 of 5,000"
expect_line 39 "▸user3599@example.com           User 3599            user       active                        no       2026-05-30 23:00"
keys PageDown j
wait_for "row 1,437 of 5,000"
expect_screen_has "▸user3563@example.com"
i=0
while [ $i -lt 41 ]; do keys C-b; i=$((i + 1)); done
wait_for "row 2 of 5,000"
keys k
wait_for "row 1 of 5,000"
expect_line 4 "▸user4999@example.com           User 4999            user       active                        no       2026-07-28 07:00"
keys G
wait_for "row 5,000 of 5,000"
expect_line 39 "▸user000@example.com            User 0               admin      banned until 2026-12-01 00:00 yes      2026-01-01 00:00"
expect_line 38 " user001@example.com            User 1               user       active                        no       2026-01-01 01:00"
keys C-b k
wait_for "row 4,964 of 5,000"
expect_screen_has "▸user036@example.com"
keys g
wait_for "row 1 of 5,000"
keys End
wait_for "row 5,000 of 5,000"
keys Home
wait_for "row 1 of 5,000"
