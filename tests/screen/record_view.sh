#!/bin/sh
# v shows the selected row whole: a session's 300-character user agent wrapped, nothing cut, its
# token masked; a JWKS check's message and fix whole on a narrow terminal; v again goes back.
# Times say their zone (TZ here: central European time): table headers name it, single values
# carry it; T switches to UTC, then to relative times ("in 8 months"), then back; BCADMIN_TIMES
# sets the first mode and a bad value is refused by name.
. "$(dirname "$0")/lib.sh"
make_fixture 20
# no spaces, so the wrapped value can be joined back by dropping the screen's blanks
ua="Mozilla/5.0_(X11;_Linux_x86_64)_$(printf '%0253d' 0 | tr 0 x)_Gecko/2026_END"
[ ${#ua} -eq 300 ] || fail "the user agent is ${#ua} characters"
sqlite3 "$DIR/app.db" "UPDATE session SET userAgent = '$ua' WHERE id = 's1'"
# a time zone written out in POSIX form: no time zone database needed
CET="TZ=CET-1CEST,M3.5.0,M10.5.0/3"

# joined: the screen without blanks and line ends
joined() { screen | tr -d ' \n'; }
# again NAME: end this console's tmux server; the next start gets a server of its own
again() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    SOCK="$SOCK-$1"
}

EXTRA_ENV=$CET start 120 30
wait_for "Users  row 1 of 20"
# a zone with summer time: the headers name both abbreviations, never cut
expect_line 3 " email                         name                role       status CET/CEST               verified created CET/CEST ▼"
# a ban's end in the same zone as the other times (the fixture's 2026-12-01T00:00:00Z)
expect_screen_has " user000@example.com           User 0              admin      banned until 2026-12-01 01:00 yes      2026-01-01 01:00"
keys 2
wait_for "Sessions  row 1 of 2"
expect_line 3 " state                   user                   created CET/CEST ▼ expires CET/CEST   user agent    impersonated by"
expect_line 4 "▸active (impersonation)  user010@example.com    2026-02-01 01:00   2026-12-01 01:00   Mozilla/5.0_… user000@example.com"
keys v
wait_for "Session s1 of user010@example.com   (whole; v or q: back)"
case $(joined) in
*"userAgent$ua"*) ;;
*) fail "the user agent is not whole in the record view" ;;
esac
expect_screen_has " expiresAt          2026-12-01 01:00:00 CET"
expect_screen_has " createdAt          2026-02-01 01:00:00 CET"
expect_screen_has " impersonatorEmail  user000@example.com"
# the token masked, as everywhere
expect_screen_has " token              ****abcd"
expect_screen_lacks "secret-token"
keys v
wait_for "Sessions  row 1 of 2"

# T: UTC, relative, local again
keys T
wait_for "times: UTC"
expect_line 4 "▸active (impersonation)  user010@example.com      2026-02-01 00:00 2026-12-01 00:00 Mozilla/5.0_(… user000@example.com"
expect_screen_has "created UTC ▼    expires UTC"
keys T
wait_for "times: relative"
expect_line 3 " state                   user                     created ▼        expires          user agent     impersonated by"
expect_line 4 "▸active (impersonation)  user010@example.com      1 month ago      in 8 months      Mozilla/5.0_(… user000@example.com"
keys v
wait_for "Session s1 of user010@example.com"
expect_screen_has " expiresAt          in 8 months"
keys q T
wait_for "times: local (CET/CEST)"
expect_screen_has "2026-02-01 01:00   2026-12-01 01:00"
keys Q
wait_for "EXITED 0"
again relative

# BCADMIN_TIMES sets the first mode; a bad one is refused with its name
EXTRA_ENV="$CET BCADMIN_TIMES=relative" start 120 30
wait_for "Users  row 1 of 20"
expect_line 3 " email                          name                 role       status                        verified created ▼"
expect_line 4 "▸user019@example.com            User 19              user       active                        no       2 months ago"
expect_screen_has " user000@example.com            User 0               admin      banned, ends in 8 months      yes      2 months ago"
again doctor
# on a terminal (script gives it one), before the console opens
if script -qec "env -i PATH=/usr/bin:/bin HOME=$DIR BCADMIN_TIMES=zulu $BCADMIN --db $DIR/app.db" \
    /dev/null </dev/null >"$DIR/zulu.out"; then
    fail "BCADMIN_TIMES=zulu was accepted: $(cat "$DIR/zulu.out")"
fi
out=$(tr -d '\r' <"$DIR/zulu.out")
[ "$out" = 'bcadmin: BCADMIN_TIMES: "zulu" is not a time mode (local, utc or relative)' ] ||
    fail "BCADMIN_TIMES=zulu: $out"

# the doctor's text whole on a narrow terminal: the selected check's message and fix
start 60 24
wait_for "row 1 of 20"
keys 4
wait_for "secret.present"
keys Down
wait_for "▸fail   secret.present"
keys v
wait_for "Check secret.present"
case $(joined) in
*"messagenosecretgiven:theprivatekeyscannotbechecked"*"fixpressptotypetheapp'ssecret(keptinmemoryonly),orsetBETTER_AUTH_SECRET"*) ;;
*) fail "the check is not whole in the record view: $(screen)" ;;
esac
keys v
wait_for "▸fail   secret.present"
