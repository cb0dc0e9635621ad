// report.mjs - turns tests/bench/results/latest.json into the results table of README.md.
//
// Usage: node report.mjs RESULTS_JSON [README_MD]
// Prints the table; with README_MD, replaces the text between the two "bench:results" markers.
import fs from "node:fs";

const [resultsPath, readmePath] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(resultsPath, "utf8"));
const m = r.meta;
const exp = JSON.parse(m.export || "{}");

const ms = (x) => (x == null || Number.isNaN(x) ? "–" : x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));
const ratio = (a, b) => (a == null || b == null || !b ? "–" : `${(a / b).toFixed(a / b < 10 ? 2 : 0)}×`);
const yes = (ok) => (ok ? "yes" : "**no**");
const int = (n) => Number(n).toLocaleString("en-US");

const ops = [
  ["first_page", "first page (50 rows) + total", "BA ≥ 10× slower", (b, s, h) => s / b >= 10],
  ["deep_page", `page ${int(m.deep)} rows deep + total`, "BA ≥ 10× slower", (b, s, h) => s / b >= 10],
  ["prefix", `email prefix "${m.prefix}" + total`, "BA ≥ 10× slower", (b, s, h) => s / b >= 10],
  ["substring", `substring "${m.substring}" in email or name + total`, "BA ≥ 2× slower, ≤ 1.5× shell",
    (b, s, h) => s / b >= 2 && b / h <= 1.5],
  ["banned", "banned filter + total", "BA ≥ 10× slower", (b, s, h) => s / b >= 10],
  ["detail", "one user + sessions + accounts", "< 1 ms in process", (b) => b < 1],
];

const lines = [];
lines.push(`Run of ${m.date} on ${m.host} (${m.cpu}); SQLite ${m.sqlite}, Node ${m.node}, ` +
  `Better Auth 1.4.9. Database: ${int(m.users)} users, ${int(m.sessions)} sessions; ` +
  `${m.reps} timed repetitions per operation, medians in milliseconds. ` +
  (m.loadavg ? `Load average before / after the run: ${m.loadavg} (other jobs shared the machine).` : ""));
lines.push("");
lines.push("| operation | bcadmin in process | bcadmin, same connection | Better Auth list-users | sqlite3 shell | BA / bcadmin | bcadmin / shell | target | met |");
lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
for (const [key, label, target, ok] of ops) {
  const b = r.bcadmin[key]?.median_ms, s = r.server[key]?.median_ms, h = r.shell[key]?.median_ms;
  const reused = r.bcadmin[key]?.reused_ms;
  lines.push(`| ${label} | ${ms(b)} | ${ms(reused)} | ${ms(s)} | ${ms(h)} | ${ratio(s, b)} | ${ratio(b, h)} | ${target} | ${yes(ok(b, s, h))} |`);
}
const hwm = r.bcadmin.vmhwm_kb / 1024;
lines.push(`| peak RSS browsing (VmHWM of bench_users after walking ${int(r.bcadmin.walk.rows)} rows) | ${hwm.toFixed(1)} MB | | ${(Number(m.server_vmhwm_kb) / 1024).toFixed(0)} MB (server) | | | | < 30 MB | ${yes(hwm < 30)} |`);
if (exp.maxrss_kb) {
  const e = exp.maxrss_kb / 1024;
  lines.push(`| peak RSS of \`bcadmin users list --all --json\` (${int(m.exported_rows)} rows in ${exp.seconds} s) | ${e.toFixed(1)} MB | | | | | | < 30 MB | ${yes(e < 30)} |`);
}
lines.push("");
lines.push("\"bcadmin in process\" gives each repetition a new connection, so the total is really counted " +
  "(what the first screen of a filter costs; the targets are judged on it); \"same connection\" repeats the query " +
  "on one connection, where the driver reuses its count while the file is unchanged (what paging within a filter costs).");
lines.push("");
lines.push("Also measured in the same run:");
lines.push("");
lines.push(`- first page without total, in process: ${ms(r.bcadmin.first_page_no_total.median_ms)} ms (new connection), ${ms(r.bcadmin.first_page_no_total.reused_ms)} ms (same connection); ` +
  `\`bcadmin users list --json\` as a whole process (start, open, first page, print): ${ms(Number(m.cli_first_page_ms))} ms.`);
lines.push(`- walking ${int(r.bcadmin.walk.rows)} rows by keyset cursor, ${m.limit} per page: ${(r.bcadmin.walk.ms / 1000).toFixed(2)} s ` +
  `(${ms(r.bcadmin.walk.ms / (r.bcadmin.walk.rows / m.limit))} ms per page); opening the database: ${ms(r.bcadmin.open_ms)} ms.`);
lines.push(`- the shell's deep page with OFFSET instead of a keyset: ${ms(r.shell.deep_page_offset?.median_ms)} ms; ` +
  `Better Auth's name search (its list-users searches one field per request): ${ms(r.server.substring_name?.median_ms)} ms.`);
lines.push(`- rows and totals returned, bcadmin vs Better Auth: ` +
  ["first_page", "deep_page", "prefix", "substring", "banned"].map((k) =>
    `${k} ${r.bcadmin[k].rows}/${r.bcadmin[k].total} vs ${r.server[k]?.rows}/${r.server[k]?.total}`).join("; ") + ".");
if (m.demo_seconds && m.demo_seconds !== "null") lines.push(`- \`bcadmin demo --users ${int(m.users)}\` took ${m.demo_seconds} s.`);
const table = lines.join("\n");

process.stdout.write(table + "\n");
if (readmePath) {
  const begin = "<!-- bench:results:begin -->", end = "<!-- bench:results:end -->";
  const text = fs.readFileSync(readmePath, "utf8");
  const i = text.indexOf(begin), j = text.indexOf(end);
  if (i < 0 || j < i) {
    console.error(`report: ${readmePath} lacks the ${begin} / ${end} markers`);
    process.exit(1);
  }
  fs.writeFileSync(readmePath, text.slice(0, i + begin.length) + "\n" + table + "\n" + text.slice(j));
}
