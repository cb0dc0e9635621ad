// better-auth-server.mjs - a minimal REAL Better Auth server for bcadmin's tests, any pinned line.
//
// Usage: node better-auth-server.mjs DB_PATH [SECRET]
//   SECRET defaults to $BETTER_AUTH_SECRET; it must be at least 32 characters, unless
//   $BETTER_AUTH_SECRETS ("version:secret,...", Better Auth 1.5+) is set, which the library reads
//   itself (SECRET is then its legacy secret, for bare-hex values).
//   $BA_PEER_DIR: the peer directory whose node_modules hold the Better Auth line to run
//   (tests/peers/ba-1.7, ...); default this directory (1.4.9).
//   $BA_JWKS_ALG: the jwt plugin's keyPairConfig.alg (default: the plugin's own, EdDSA).
// Opens (or creates) the SQLite file, runs Better Auth's own migrations (creates the tables on
// an empty file, leaves an existing Better Auth database such as a bcadmin demo alone), listens
// on 127.0.0.1 with a kernel-chosen port and prints "PORT <n>" on one stdout line once it is
// ready (after a "BETTER_AUTH <version>" line naming the line that runs). SIGTERM / SIGINT close the server and the database and exit 0.
import { readFileSync } from "node:fs";
import http from "node:http";
import { register } from "node:module";
import { pathToFileURL } from "node:url";

if (process.env.BA_PEER_DIR)
  register("./peer-loader.mjs", import.meta.url, {
    data: { from: pathToFileURL(process.env.BA_PEER_DIR + "/").href, script: import.meta.url },
  });
// The line that really runs, printed before the port so a test can check it.
const version = JSON.parse(readFileSync(
  `${process.env.BA_PEER_DIR || new URL(".", import.meta.url).pathname}/node_modules/better-auth/package.json`)).version;
const { default: Database } = await import("better-sqlite3");
const { betterAuth } = await import("better-auth");
const { toNodeHandler } = await import("better-auth/node");
const { admin, bearer, jwt } = await import("better-auth/plugins");
// getMigrations moved to better-auth/db/migration in 1.5.
const { getMigrations } = await import("better-auth/db/migration").catch(() => import("better-auth/db"));

const [dbPath, secretArg] = process.argv.slice(2);
const secret = secretArg || process.env.BETTER_AUTH_SECRET || "";
if (!dbPath) {
  console.error("usage: node better-auth-server.mjs DB_PATH [SECRET]");
  process.exit(2);
}
if (secret.length < 32 && !process.env.BETTER_AUTH_SECRETS) {
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

const jwtOptions = process.env.BA_JWKS_ALG
  ? { jwks: { keyPairConfig: { alg: process.env.BA_JWKS_ALG } } }
  : undefined;

const server = http.createServer();
// The base URL needs the port, which is only known after listen(); the handler is installed
// then. Requests cannot arrive earlier because the port is not printed before.
server.listen(0, "127.0.0.1", async () => {
  const port = server.address().port;
  const baseURL = `http://127.0.0.1:${port}`;
  const auth = betterAuth({
    database: db,
    baseURL,
    ...(secret ? { secret } : {}),
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    plugins: [admin(), jwt(jwtOptions), bearer()],
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
  process.stdout.write(`BETTER_AUTH ${version}\nPORT ${port}\n`);
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
