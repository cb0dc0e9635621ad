#!/bin/sh
# The form dialogs: create a user (passwords masked and typed twice; a mismatch is refused in the
# dialog), set a password (twice, plus the email typed; a short one is refused by core), edit
# fields (only the changed ones are written). Password hashes are checked with Python's scrypt.
. "$(dirname "$0")/lib.sh"
make_fixture 10
db() { sqlite3 "$DIR/app.db" "$1"; }
# check_password USER_ID PASSWORD: the credential account's hash is Better Auth's scrypt of it.
check_password() {
    hash=$(db "SELECT password FROM account WHERE userId = '$1' AND providerId = 'credential'")
    python3 -c '
import hashlib, sys, unicodedata
salt, key = sys.argv[1].split(":")
got = hashlib.scrypt(unicodedata.normalize("NFKC", sys.argv[2]).encode(), salt=salt.encode(),
                     n=16384, r=16, p=1, dklen=64, maxmem=128 * 1024 * 1024).hex()
sys.exit(0 if got == key else 1)' "$hash" "$2" || fail "the hash of $1 is not scrypt($2): $hash"
}
start 120 40
wait_for "row 1 of 10"
keys c
wait_for "Create a user"
text "New.Person@Example.com"
keys Enter
text "New Person"
keys Enter Enter
text "correct horse"
keys Enter
text "correct horsX"
wait_for "Again     •••••••••••••"
expect_screen_has "Password  •••••••••••••"
expect_screen_lacks "correct hors"
keys Enter
wait_for "the two passwords differ: type them again"
[ "$(db "SELECT count(*) FROM user")" = 10 ] || fail "created despite differing passwords"
text "correct horse"
keys Enter
text "correct horse"
keys Enter
wait_for "created new.person@example.com (id "
keys k
wait_for "row 1 of 11"
expect_line 4 "▸new.person@example.com         New Person           user       active                        no       2026-03-15 00:00"
id=$(db "SELECT id FROM user WHERE email = 'new.person@example.com'")
[ ${#id} = 32 ] || fail "new user id: $id"
check_password "$id" "correct horse"

# set password: too short is refused by core; then a good one with the email typed
keys p
wait_for "Set the password of new.person@example.com"
text "short"
keys Enter
text "short"
keys Enter
text "new.person@example.com"
keys Enter
wait_for "error: "
expect_screen_has "8"
check_password "$id" "correct horse"
keys p
wait_for "Set the password of new.person@example.com"
text "battery staple"
keys Enter
text "battery staple"
keys Enter
text "new.person@example.com"
keys Enter
wait_for "set the password of new.person@example.com"
check_password "$id" "battery staple"

# edit: the form starts with the current values; only changed fields are written
keys e
wait_for "Edit new.person@example.com"
expect_screen_has "Name            New Person"
expect_screen_has "Email verified  no"
keys C-u
text "Renamed"
keys Enter Enter C-u
text "yes"
keys Enter Enter
wait_for "Change new.person@example.com?"
expect_screen_has "name           Renamed"
expect_screen_has "emailVerified  true"
expect_screen_lacks "image "
keys y
wait_for "updated new.person@example.com"
[ "$(db "SELECT name, emailVerified, image IS NULL FROM user WHERE id = '$id'")" = "Renamed|1|1" ] ||
    fail "edit: $(db "SELECT * FROM user WHERE id = '$id'")"
expect_line 4 "▸new.person@example.com         Renamed              user       active                        yes      2026-03-15 00:00"

# A form taller than the terminal scrolls: at 10 rows create-user's five fields do not fit, so a
# window holds the focused field with a marker for the fields above/below; every field can be
# reached, seen and typed into, and the user is created from the short terminal.
tmux -L "$SOCK" resize-window -t 0 -x 100 -y 10
wait_for "row 1 of 11"
keys c
wait_for "Create a user"
wait_for "↓ 2 more fields below"
expect_screen_has "│ Email "
expect_screen_lacks "│ Again"
expect_screen_lacks "more fields above"
text "short.term@example.com"
keys Enter
text "Short Term"
keys Enter Enter
wait_for "↑ 2 more fields above"
expect_screen_lacks "│ Email "
expect_screen_lacks "more fields below"
expect_screen_has "│ Password "
expect_screen_has "│ Again "
text "tiny screen"
keys Enter
text "tiny screen"
wait_for "│ Again     •••••••••••"
keys Up Up Up Up
wait_for "↓ 2 more fields below"
expect_screen_has "│ Email     short.term@example.com"
expect_screen_lacks "more fields above"
keys Down Down Down Down Enter
wait_for "created short.term@example.com (id "
sid=$(db "SELECT id FROM user WHERE email = 'short.term@example.com'")
[ -n "$sid" ] && [ "$(db "SELECT name || '|' || role FROM user WHERE id = '$sid'")" = "Short Term|user" ] ||
    fail "created from a 10-row terminal: $(db "SELECT * FROM user WHERE email = 'short.term@example.com'")"
check_password "$sid" "tiny screen"
