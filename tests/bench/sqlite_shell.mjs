// sqlite_shell.mjs - times the sqlite3 shell running the best SQL equivalent of each operation.
//
// Usage: node sqlite_shell.mjs DB REPS SPEC_JSON      (SPEC_JSON: {"op": "SQL; SQL; ...", ...})
// The shell's own `.timer` only has millisecond resolution for wall time, so each measurement is
// a whole `sqlite3 DB` process running the op's SQL K times (output to /dev/null), minus the same
// process running `SELECT 1;` K times (start-up, schema parse), divided by K. K is chosen so a
// batch takes about 300 ms. Prints {"op": {"median_ms", "k", "ms": [...]}}.
import { spawnSync } from "node:child_process";

const [db, repsText, specText] = process.argv.slice(2);
const reps = Number(repsText);
const spec = JSON.parse(specText);

function run(sql, k) {
  const script = ".output /dev/null\n" + (sql.trim().replace(/;?$/, ";") + "\n").repeat(k);
  const t0 = process.hrtime.bigint();
  const r = spawnSync("sqlite3", ["-readonly", db], { input: script, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stderr) throw new Error(`sqlite3 failed on ${sql}: ${r.stderr || r.status}`);
  return ms;
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const out = {};
try {
  for (const [op, sql] of Object.entries(spec)) {
    run(sql, 1); // warm the page cache
    const one = Math.max(0.01, run(sql, 2) - run("SELECT 1", 2)) / 2;
    const k = Math.max(1, Math.min(5000, Math.round(300 / one)));
    const ms = [];
    for (let i = 0; i < reps; i++) ms.push((run(sql, k) - run("SELECT 1", k)) / k);
    out[op] = { median_ms: median(ms), k, ms: ms.map((x) => Number(x.toFixed(4))) };
  }
} catch (e) {
  console.error(`sqlite_shell: ${e.message}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
