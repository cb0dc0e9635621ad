// ba_client.mjs - times the REAL Better Auth server's admin endpoints from a Node client.
//
// Usage: node ba_client.mjs BASE_URL TOKEN REPS SPEC_JSON
//   SPEC_JSON: {"op": [{"method": "GET", "path": "/admin/list-users?..."}, ...], ...}
//   Each op is the requests one screen of bcadmin replaces, sent one after the other over a
//   kept-alive connection; one warm-up round is not counted. Prints {"op": {"median_ms", "ms":
//   [...], "total", "rows"}} on stdout. Any non-200 answer is an error (exit 1).
const [base, token, repsText, specText] = process.argv.slice(2);
const reps = Number(repsText);
const spec = JSON.parse(specText);

async function call(req) {
  const init = { method: req.method, headers: { authorization: `Bearer ${token}` } };
  if (req.body !== undefined) {
    init.body = JSON.stringify(req.body);
    init.headers["content-type"] = "application/json";
  }
  const res = await fetch(base + req.path, init);
  const text = await res.text(); // the whole body: parsing is part of what a client pays
  if (res.status !== 200) {
    throw new Error(`${req.method} ${req.path} -> ${res.status}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text);
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const out = {};
try {
  for (const [op, requests] of Object.entries(spec)) {
    const ms = [];
    let last;
    for (let i = -1; i < reps; i++) {
      const t0 = performance.now();
      for (const r of requests) last = await call(r);
      const t = performance.now() - t0;
      if (i >= 0) ms.push(t);
    }
    out[op] = { median_ms: median(ms), ms: ms.map((x) => Number(x.toFixed(3))) };
    if (last && Array.isArray(last.users)) Object.assign(out[op], { total: last.total, rows: last.users.length });
    if (last && Array.isArray(last.sessions)) out[op].sessions = last.sessions.length;
  }
} catch (e) {
  console.error(`ba_client: ${e.message}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
