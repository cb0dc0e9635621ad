#!/bin/bash
# Email addresses: bcadmin accepts exactly what the REAL Better Auth 1.4.9 server accepts at
# sign-up (zod's z.email(); anything else is INVALID_EMAIL and a user who could never sign in).
# One table of addresses goes through POST /sign-up/email and through `bcadmin users create` and
# `bcadmin users update --email` on a SQLite file; every verdict must agree, and the table must
# hold both kinds.
# Usage: email_rule.sh BCADMIN SOURCE_ROOT
set -eu
. "$2/tests/peers/lib.sh"
bc_require_peers
bc_require_bcadmin "$1"

ba_start "$BC_TMP/server.db"
"$BCADMIN" demo --db "$BC_TMP/bc.db" --users 1 --seed 1 >/dev/null ||
    bc_die "bcadmin demo failed"
BCADMIN=$(realpath "$BCADMIN")
export BCADMIN BA_URL BC_DB="$BC_TMP/bc.db" XDG_STATE_HOME="$BC_TMP/state"
(cd "$BC_PEERS_DIR" && node - <<'JS') || bc_die "bcadmin's email rule differs from the server's"
const { spawnSync } = require("child_process");
const addresses = [
  // accepted by the server
  "a@x.test", "first.last@example.com", "o'neil@x.test", "a+tag@x.test", "a_b@x.test",
  "a-b@x.test", "UPPER@X.TEST", "x@a-.test", "x@a.b.c.test", "1@2.co", "-@x.test", "_@x.test",
  "a.b.c@x.test", "x@xn--bcher-kva.test", "x@a1.b2.test",
  // refused by the server (INVALID_EMAIL)
  "z..b@x.test", ".z@x.test", "z.@x.test", "z@x..test", "zz@x.t", "z@-x.test", "\"q\"@x.test",
  "z@[127.0.0.1]", "z@x.test.", "z@x", "@x.test", "z@", "z@@x.test", "z @x.test", "z@x.test\n",
  " z@x.test", "é@x.test", "z@é.test", "\u212a@x.test", "z'@x.test", "z@x.t3st", "z@x_y.test",
  "z@x.test ", "z@1.23", "z@.x.test", "z@x.-test", "z(c)@x.test", "z@x.test\u200b", "",
  "a@b@x.test", "z\t@x.test",
];
async function server(email) {
  const r = await fetch(process.env.BA_URL + "/sign-up/email", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "long-enough-password", name: "N" }),
  });
  const body = await r.json().catch(() => ({}));
  if (r.status === 200) return "accept";
  if (r.status === 400 && /email/i.test(JSON.stringify(body))) return "refuse";
  throw new Error(`sign-up of ${JSON.stringify(email)}: HTTP ${r.status} ${JSON.stringify(body)}`);
}
function bcadmin(args, input) {
  const r = spawnSync(process.env.BCADMIN, ["--db", process.env.BC_DB, "--yes", ...args],
                      { input, encoding: "utf8" });
  if (r.status === 0) return "accept";
  if (r.status === 2 && /invalid email/.test(r.stderr)) return "refuse";
  throw new Error(`bcadmin ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
}
(async () => {
  let bad = 0, seen = { accept: 0, refuse: 0 }, n = 0;
  for (const email of addresses) {
    const want = await server(email);
    seen[want]++;
    const updated = bcadmin(["users", "update", "admin@demo.bcadmin.test", "--email", email]);
    if (updated === "accept") // put the admin's email back before the same address is created
      bcadmin(["users", "update", "--email", "admin@demo.bcadmin.test", "--", email]);
    const created = bcadmin(["users", "create", "--email", email, "--name", "N"], "long-enough-password\n");
    if (created !== want || updated !== want) {
      console.error(`${JSON.stringify(email)}: server ${want}, bcadmin create ${created}, update ${updated}`);
      bad++;
    }
    n++;
  }
  console.log(`${n} addresses: ${seen.accept} accepted, ${seen.refuse} refused by the server; ${bad} differ`);
  if (bad || !seen.accept || !seen.refuse) process.exit(1);
})().catch((e) => { console.error(e.message); process.exit(1); });
JS
echo "ok email_rule"
