#!/bin/sh
# The sessions screen searches the owner's email or name, the IP address and the user agent (in
# any alphabet's case) and sorts by created, expires or last active (o, O, :sort), on SQLite.
. "$(dirname "$0")/lib.sh"
make_fixture 20
sqlite3 "$DIR/app.db" "
INSERT INTO session VALUES ('t1', '2026-03-20T00:00:00.000Z', 'tok1', '2026-02-10T00:00:00.000Z',
  '2026-03-14T00:00:00.000Z', '192.168.7.1', 'Firefox/120', 'u003', NULL);
INSERT INTO session VALUES ('t2', '2026-12-25T00:00:00.000Z', 'tok2', '2026-02-11T00:00:00.000Z',
  '2026-02-12T00:00:00.000Z', '10.9.9.9', 'Ştefan-Agent/1', 'u004', NULL);
INSERT INTO session VALUES ('t3', '2026-04-01T00:00:00.000Z', 'tok3', '2026-02-12T00:00:00.000Z',
  '2026-03-10T00:00:00.000Z', '172.16.0.5', 'curl/8', 'u005', NULL);"

# first_owner EMAIL: the first row (line 4) is selected and belongs to EMAIL
owner() { line "$1" | grep -o '[a-z0-9]*@example.com' | head -n 1; }
first_owner() { [ "$(owner 4)" = "$1" ] || fail "the first row is not $1's: $(line 4)"; }
# search TEXT N: type a search, accept it, wait for its N rows
search() {
    keys /
    keys C-u
    text "$1"
    keys Enter
    wait_for "Sessions  row 1 of $2   showing: all sessions   search: $1   sort"
}

start 140 20
wait_for "row 1 of 20"
keys 2
wait_for "Sessions  row 1 of 5   showing: all sessions   sort: created ▼ descending"
first_owner "user005@example.com"
search "192.168" 1
first_owner "user003@example.com"
search "USER004@" 1 # the owner's email
first_owner "user004@example.com"
search "ştefan" 1 # the user agent "Ştefan-Agent/1"
first_owner "user004@example.com"
search "User 5" 1 # the owner's name
first_owner "user005@example.com"
search "curl" 2
first_owner "user005@example.com"
expect_line 5 " expired                 user010@example.com        2026-01-20 00:00 2026-02-01 00:00 10.0.0.2        curl/8"
# Esc on the `/` line goes back to the search before it, after the live rows of another
keys /
keys C-u
text "192.168"
wait_for "Sessions  row 1 of 1   showing: all sessions   search: 192.168   sort"
keys Escape
wait_for "Sessions  row 1 of 2   showing: all sessions   search: curl   sort"
first_owner "user005@example.com"
keys Escape
wait_for "search cleared"
wait_for "Sessions  row 1 of 5   showing: all sessions   sort: created ▼ descending"

# the sort menu: expires, newest first; O reverses; :sort active (last active, updatedAt)
keys o
wait_for "Sort sessions by (again: reverse)"
keys j Enter
wait_for "sort: expires ▼ descending"
first_owner "user004@example.com"
expect_screen_has " expires UTC ▼"
keys O
wait_for "sort: expires ▲ ascending"
first_owner "user010@example.com"
expect_line 5 " active                  user003@example.com        2026-02-10 00:00 2026-03-20 00:00 192.168.7.1     Firefox/120"
keys :
keys C-u
text "sort active"
keys Enter
wait_for "sort: last active ▼ descending"
first_owner "user003@example.com"
expect_line 5 " active                  user005@example.com        2026-02-12 00:00 2026-04-01 00:00 172.16.0.5      curl/8"
# paging works under a sort and a search: G reaches the last row
search "example" 5
keys G
wait_for "Sessions  row 5 of 5"
[ "$(owner 8)" = "user010@example.com" ] || fail "the last row: $(line 8)"
keys :
keys C-u
text "sort nosuch"
keys Enter
wait_for "sort sessions by created, expires or active [asc|desc]"

# Tab after `:sort` offers the sessions' keys only (never the users' updated, email, name), then
# a direction
keys :
keys C-u
text "sort "
keys Tab
wait_for " 3: Tab/"
menu=$(screen | sed -n '/ 3: Tab\//,$p')
for k in created expires active; do
    printf '%s\n' "$menu" | grep -q "│$k *│" || fail "the :sort menu lacks $k"
done
for k in updated email name; do
    ! printf '%s\n' "$menu" | grep -q "│$k *│" || fail "the :sort menu offers the users' $k"
done
keys C-u
text "sort ex"
keys Tab
wait_for ":sort expires" # and a space: Tab again offers a direction
keys Tab
wait_for " 2: Tab/"
keys Tab Tab
wait_for ":sort expires desc"
keys Enter
wait_for "sort: expires ▼ descending"
first_owner "user004@example.com"
