#!/bin/sh
# One line editor everywhere: a pre-filled field is selected (typing replaces it) and edits with
# Home/End, C-a/C-e, Left/Right, Backspace, Delete, C-u, C-w, C-k; a yes/no field toggles; `:`
# keeps a history, offers candidates on Tab (admin emails after `as`) and `:q` quits; Enter on a
# help line runs its action; Esc on a list with an accepted search clears it, and the next Esc
# goes back.
. "$(dirname "$0")/lib.sh"
make_fixture 200
start 120 30
wait_for "row 1 of 200"

# b Enter 7d: "7d", not "never7d"; then the editing keys
keys b
wait_for "Expires  never"
keys Enter
text 7d
wait_for "Expires  7d "
keys Home
text 1
wait_for "Expires  17d "
keys End BSpace C-a Delete
wait_for "Expires  7 "
keys End C-u
text 2w
wait_for "Expires  2w "
# C-w takes the word before the cursor, C-e goes to the end, Left/Right move, C-k cuts to the end
text " junk"
wait_for "Expires  2w junk "
keys C-w
text x
wait_for "Expires  2w x "
keys C-a Right C-k
wait_for "Expires  2 "
keys Left C-e
text 1d
wait_for "Expires  21d "
keys Escape
wait_gone "Expires"
# R admin: "admin", not "useradmin"
keys R
wait_for "Role(s)  user "
text admin
wait_for "Role(s)  admin "
keys Escape
wait_gone "Role(s)"
# e Tab Tab: the yes/no field takes y, n and Space, never text
keys e
wait_for "Email verified  no"
keys Tab Tab
text nyx
wait_for "Email verified  yes  Space, y or n"
keys Space
wait_for "Email verified  no  Space, y or n"
keys Escape
wait_gone "Email verified"

# `:` Tab: the candidate menu of admins after `as`; Tab chooses; the line runs
keys :
text "as "
keys Tab
wait_for "4: Tab/"
expect_screen_has "user150@example.com"
keys Tab Tab
wait_for ":as user050@example.com"
keys Enter
wait_for "as user050@example.com"
# a lone candidate completes with a blank after it; the line still runs
keys :
text "as user15"
keys Tab
wait_for ":as user150@example.com"
keys Enter
wait_for "as user150@example.com"
expect_screen_lacks "no user with email"
# the other pre-filled fields: impersonate's duration, create's role, edit's email (a later field)
keys i
wait_for "Lasts  1h "
text 2h
wait_for "Lasts  2h "
keys Escape
wait_gone "Lasts"
keys c
wait_for "Role(s)   user "
keys Tab Tab
text admin
wait_for "Role(s)   admin "
keys Escape
wait_gone "Role(s)"
keys e
wait_for "Email           user199@example.com "
keys Tab
text "new@example.com"
wait_for "Email           new@example.com "
keys Escape
wait_gone "Email verified"
# `:` history: the last line comes back selected; typing replaces it; Up recalls it
keys :
text "sort email"
keys Enter
wait_for "sort: email ▲ ascending"
keys :
wait_for ":sort email"
text "rever"
wait_for ":rever"
keys Up
wait_for ":sort email"
keys Up
wait_for ":as user150@example.com"
keys Up
wait_for ":as user050@example.com"
keys Down Down Down
wait_for ":rever"
keys Tab
wait_for ":reverse"
keys Enter
wait_for "sort: email ▼ descending"

# Enter on a help line runs its action
keys ?
wait_for "Help  "
keys /
text "first"
keys Enter
wait_for "matching: \"first\""
keys Enter
wait_for "Users  row 1 of 200"
expect_screen_lacks "Help  "

# Esc clears an accepted search; the next Esc goes back (here: the first screen says so)
keys /
wait_for "/first"
text "user01"
wait_for "row 1 of 10   search: user01"
keys Enter
keys Escape
wait_for "search cleared"
wait_for "row 1 of 200   sort"
keys Escape
wait_for "this is the first screen: q quits"

# :q quits
keys :
text q
keys Enter
wait_for "EXITED 0"
