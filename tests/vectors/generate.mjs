// generate.mjs - test tool: crypto vectors from one pinned Better Auth line's REAL library, for
// the unit tests that must run without Node (tests/unit/test_versions.c reads them).
//
// Usage: BA_PEER_DIR=tests/peers/ba-1.7 node tests/vectors/generate.mjs > tests/vectors/better-auth-1.7.29.json
//
// Everything comes from the library itself: symmetricEncrypt/Decrypt with a plain secret and
// with versioned secrets (the `secrets` option's configuration, "$ba$<version>$" envelopes),
// hashPassword, jwks rows the jwt plugin writes (EdDSA and RS256, in an in-memory SQLite database
// configured with versioned secrets), and session cookies from real sign-ins, which are signed
// with the current secret. Values are random per run; the script checks each against the
// library's own decryption / verification before printing.
import { register } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const peer = process.env.BA_PEER_DIR;
if (!peer) {
  console.error("generate.mjs: set BA_PEER_DIR to a peer directory (tests/peers/ba-1.7, ...)");
  process.exit(2);
}
register("../peers/peer-loader.mjs", import.meta.url, {
  data: { from: pathToFileURL(peer + "/").href, script: import.meta.url },
});
const version = JSON.parse(readFileSync(`${peer}/node_modules/better-auth/package.json`)).version;
const { default: Database } = await import("better-sqlite3");
const { betterAuth } = await import("better-auth");
const { admin, bearer, jwt } = await import("better-auth/plugins");
const { getMigrations } = await import("better-auth/db/migration").catch(() => import("better-auth/db"));
const crypto = await import("better-auth/crypto");

const LEGACY = "vectors-legacy-secret-0123456789abcdef-0123456789";
const CURRENT = { version: 3, value: "vectors-current-secret-3-0123456789abcdef-abcdef" };
const OLDER = { version: 1, value: "vectors-older-secret-1-0123456789abcdef-fedcba98" };
const SECRETS_ENV = `${CURRENT.version}:${CURRENT.value},${OLDER.version}:${OLDER.value}`;

// The key configuration the library builds from BETTER_AUTH_SECRETS and BETTER_AUTH_SECRET.
const ring = (current) => ({
  keys: new Map([[CURRENT.version, CURRENT.value], [OLDER.version, OLDER.value]]),
  currentVersion: current,
  legacySecret: LEGACY,
});

function check(cond, what) {
  if (!cond) {
    console.error(`generate.mjs: self-check failed: ${what}`);
    process.exit(1);
  }
}

async function encryptCases() {
  const plains = ["hello", "", '{"kty":"OKP","crv":"Ed25519"}', "ünïcødé ✓"];
  const legacy = [];
  const versioned = [];
  for (const p of plains) {
    const hex = await crypto.symmetricEncrypt({ key: LEGACY, data: p });
    check((await crypto.symmetricDecrypt({ key: ring(CURRENT.version), data: hex })) === p, "legacy");
    legacy.push({ secret: LEGACY, plaintext: p, stored: hex });
    for (const v of [CURRENT.version, OLDER.version]) {
      const stored = await crypto.symmetricEncrypt({ key: ring(v), data: p });
      check(stored.startsWith(`$ba$${v}$`), "envelope");
      check((await crypto.symmetricDecrypt({ key: ring(CURRENT.version), data: stored })) === p, "round trip");
      versioned.push({ version: v, plaintext: p, stored });
    }
  }
  // A version the ring no longer holds: the library refuses it.
  const retired = (await crypto.symmetricEncrypt({ key: { ...ring(CURRENT.version), keys: new Map([[7, "a-retired-secret-0123456789abcdef-0123456789"]]), currentVersion: 7 }, data: "gone" }));
  let refused = null;
  await crypto.symmetricDecrypt({ key: ring(CURRENT.version), data: retired }).catch((e) => (refused = e.message));
  check(refused, "retired version refused");
  return { legacy, versioned, retired: { stored: retired, library_error: refused } };
}

async function passwordCases() {
  const out = [];
  for (const pw of ["password123", "pässwörd-ÅΩ", "ﬁ ligature"]) {
    const hash = await crypto.hashPassword(pw);
    check(await crypto.verifyPassword({ hash, password: pw }), "password");
    out.push({ password: pw, hash });
  }
  return out;
}

// An app configured with versioned secrets (and the legacy secret), its jwt plugin making a key
// at the first token, and a sign-in's cookie.
async function appVectors(alg) {
  const db = new Database(":memory:");
  const auth = betterAuth({
    database: db,
    baseURL: "http://127.0.0.1:3000",
    secret: LEGACY,
    secrets: [CURRENT, OLDER],
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { level: "error" },
    plugins: [admin(), bearer(), jwt(alg ? { jwks: { keyPairConfig: { alg } } } : undefined)],
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const email = `vectors-${alg ?? "default"}@example.com`.toLowerCase();
  await auth.api.signUpEmail({ body: { email, password: "password1234", name: "Vectors" } });
  const res = await auth.api.signInEmail({ body: { email, password: "password1234" }, asResponse: true });
  const body = await res.json();
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = /better-auth\.session_token=([^;]+)/.exec(setCookie)?.[1];
  check(cookie && decodeURIComponent(cookie).startsWith(body.token + "."), "cookie holds the token");
  const { token: jwtToken } = await auth.api.getToken({ headers: new Headers({ authorization: `Bearer ${body.token}` }) });
  const columns = db.prepare(`SELECT name FROM pragma_table_info('jwks') ORDER BY cid`).all().map((r) => r.name);
  const row = db.prepare("SELECT * FROM jwks").get();
  check(row && JSON.parse(row.privateKey).startsWith(`$ba$${CURRENT.version}$`), "row in the current envelope");
  const privateJwk = JSON.parse(await crypto.symmetricDecrypt({ key: ring(CURRENT.version), data: JSON.parse(row.privateKey) }));
  const header = JSON.parse(Buffer.from(jwtToken.split(".")[0], "base64url").toString());
  check(header.kid === row.id, "token signed with the row");
  db.close();
  return {
    server_config: alg ? `jwt({ jwks: { keyPairConfig: { alg: "${alg}" } } })` : "jwt() defaults",
    table_columns: columns,
    row,
    private_jwk: privateJwk,
    jwt: { token: jwtToken, header },
    session_cookie: { token: body.token, value: cookie, secret: CURRENT.value },
  };
}

const [cases, passwords, eddsa, rs256] = [await encryptCases(), await passwordCases(), await appVectors(null), await appVectors("RS256")];
const out = {
  generator: {
    better_auth: version,
    node: process.version,
    created_at: new Date().toISOString(),
    script: "tests/vectors/generate.mjs",
    note: "Values are random per run; each was checked against the library's own decryption or verification.",
  },
  secrets: {
    BETTER_AUTH_SECRET: LEGACY,
    BETTER_AUTH_SECRETS: SECRETS_ENV,
    current_version: CURRENT.version,
  },
  password_hashes: { cases: passwords },
  symmetric_encrypt: { legacy: cases.legacy, versioned: cases.versioned, retired: cases.retired },
  jwks_rows: { eddsa, rs256 },
};
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
