#!/bin/sh
# M, the message log: every message and error of the session, oldest first, long ones wrapped
# whole (not cut as the bottom line cuts them); M again goes back.
. "$(dirname "$0")/lib.sh"
make_fixture 20
start 60 20
wait_for "row 1 of 20"
keys Z
wait_for "Z is not bound to anything"
keys :
text "as nobody-with-a-rather-long-address@nowhere.example.com"
keys Enter
wait_for "error: "
keys M
# three: the opening notice (which Z's message replaced on the bottom line) is kept too
wait_for "Messages  3 this session"
expect_screen_has "has n"
expect_screen_has "2026-03-15 00:00:00 UTC  Z is not bound to anything (? list"
# the error, wrapped over lines: joined, it is whole
whole=$(screen | sed -n '4,$p' | sed 's/^ //' | tr -d '\n')
case $whole in
*"error: acting admin (--as): no user with email \"nobody-with-a-rather-long-address@nowhere.example.com\" in $DIR/app.db"*) ;;
*) fail "the error is not whole in the log: $whole" ;;
esac
keys M
wait_for "row 1 of 20"
