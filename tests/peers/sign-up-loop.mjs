// sign-up-loop.mjs - an app's users signing up without a pause, for tests that change the
// database under a running Better Auth server (bcadmin db index on a live app).
//
// Usage: node sign-up-loop.mjs BASE_URL STOP_FILE REPORT_FILE
//   Signs up live-N@index.test (N = 1, 2, ...) through BASE_URL/sign-up/email, one request at a
//   time, until STOP_FILE exists (at most 10 minutes), then writes REPORT_FILE:
//   {"ok": n, "failed": n, "failures": [{"email", "status", "body"}], "maxMs": slowest request}.
//   Stops after its first 20 failures (they are all reported).
import { existsSync, writeFileSync } from "node:fs";

const [base, stopFile, reportFile] = process.argv.slice(2);
const report = { ok: 0, failed: 0, failures: [], maxMs: 0 };
const deadline = Date.now() + 600_000;
for (let n = 1; !existsSync(stopFile) && Date.now() < deadline && report.failed < 20; n++) {
  const email = `live-${n}@index.test`;
  const started = Date.now();
  let status = 0, body = "";
  try {
    const res = await fetch(`${base}/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "correct-horse-battery-1", name: `Live Signup ${n}` }),
    });
    status = res.status;
    body = await res.text();
  } catch (e) {
    body = String(e);
  }
  report.maxMs = Math.max(report.maxMs, Date.now() - started);
  if (status === 200) report.ok++;
  else {
    report.failed++;
    report.failures.push({ email, status, body: body.slice(0, 300) });
  }
}
writeFileSync(reportFile, JSON.stringify(report));
