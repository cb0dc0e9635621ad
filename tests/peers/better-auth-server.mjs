// better-auth-server.mjs - a minimal REAL Better Auth 1.4.9 server for bcadmin's tests.
//
// Usage: node better-auth-server.mjs DB_PATH [SECRET]
//   SECRET defaults to $BETTER_AUTH_SECRET; it must be at least 32 characters.
// Opens (or creates) the SQLite file, runs Better Auth's own migrations (creates the tables on
// an empty file, leaves an existing Better Auth database such as a bcadmin demo alone), listens
// on 127.0.0.1 with a kernel-chosen port and prints "PORT <n>" on one stdout line once it is
// ready. SIGTERM / SIGINT close the server and the database and exit 0.
import http from "node:http";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db";
import { toNodeHandler } from "better-auth/node";
import { admin, bearer, jwt } from "better-auth/plugins";

const [dbPath, secretArg] = process.argv.slice(2);
const secret = secretArg || process.env.BETTER_AUTH_SECRET || "";
if (!dbPath) {
  console.error("usage: node better-auth-server.mjs DB_PATH [SECRET]");
  process.exit(2);
}
if (secret.length < 32) {
  console.error("better-auth-server: the secret must be at least 32 characters " +
    "(argument or BETTER_AUTH_SECRET)");
  process.exit(2);
}

const db = new Database(dbPath);
// A live app would usually run in WAL mode; the tests want the file to behave like a default
// better-sqlite3 app, so the journal mode is left as the file has it. A busy timeout keeps the
// server from failing while bcadmin writes the same file: 5000 ms, better-sqlite3's default,
// unless BA_BUSY_TIMEOUT_MS says otherwise (a test of how long bcadmin may hold the lock).
db.pragma(`busy_timeout = ${Number(process.env.BA_BUSY_TIMEOUT_MS) || 5000}`);

const server = http.createServer();
// The base URL needs the port, which is only known after listen(); the handler is installed
// then. Requests cannot arrive earlier because the port is not printed before.
server.listen(0, "127.0.0.1", async () => {
  const port = server.address().port;
  const baseURL = `http://127.0.0.1:${port}`;
  const auth = betterAuth({
    database: db,
    baseURL,
    secret,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    plugins: [admin(), jwt(), bearer()],
    logger: { level: process.env.BA_LOG_LEVEL || "error" },
  });
  try {
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
  } catch (e) {
    console.error(`better-auth-server: migrations on ${dbPath} failed: ${e && e.stack || e}`);
    process.exit(1);
  }
  server.on("request", toNodeHandler(auth));
  process.stdout.write(`PORT ${port}\n`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.close(() => {
    db.close();
    process.exit(0);
  });
  // Keep-alive connections from clients would hold close() open: drop them.
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
