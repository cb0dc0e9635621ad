#!/bin/sh
# The filter menu narrows by status and role; the sort menu orders by a column; O reverses.
. "$(dirname "$0")/lib.sh"
make_fixture 200
start 120 40
wait_for "row 1 of 200"
keys f
wait_for "Filter users"
expect_screen_has "Role:     any"
keys j Enter Enter
wait_for "Status:   banned"
keys Escape
wait_for "row 1 of 12   status: banned"
expect_line 4 "▸user187@example.com            User 187             user       banned                        no       2026-01-08 19:00"
expect_line 15 " user000@example.com            User 0               admin      banned until 2026-12-01 00:00 yes      2026-01-01 00:00"
expect_line 16 ""
keys f Enter
wait_for "Role:     admin"
keys Escape
wait_for "row 1 of 1   role: admin   status: banned"
expect_line 4 "▸user000@example.com            User 0               admin      banned until 2026-12-01 00:00 yes      2026-01-01 00:00"
expect_line 5 ""
keys F
wait_for "row 1 of 200   sort: created"
keys o
wait_for "Sort users by"
keys j j Enter
wait_for "sort: email ▲ ascending"
expect_line 3 " email ▲                        name                 role       status UTC                    verified created UTC"
expect_line 4 "▸user000@example.com            User 0               admin      banned until 2026-12-01 00:00 yes      2026-01-01 00:00"
keys O
wait_for "sort: email ▼ descending"
expect_line 4 "▸user199@example.com            User 199             user       active                        no       2026-01-09 07:00"
# Tab after `:sort` offers the users' keys only (never the sessions' expires, active)
keys :
keys C-u
text "sort "
keys Tab
wait_for " 4: Tab/"
menu=$(screen | sed -n '/ 4: Tab\//,$p')
for k in created updated email name; do
    printf '%s\n' "$menu" | grep -q "│$k *│" || fail "the :sort menu lacks $k"
done
for k in expires active; do
    ! printf '%s\n' "$menu" | grep -q "│$k *│" || fail "the :sort menu offers the sessions' $k"
done
keys Escape C-u
text "sort e"
keys Tab
wait_for ":sort email"
text "a"
keys Tab
wait_for ":sort email asc"
keys Enter
wait_for "sort: email ▲ ascending"
