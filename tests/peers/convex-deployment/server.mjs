#!/usr/bin/env node
// A Convex test deployment for bcadmin's tests: the deployment HTTP API of a real Convex backend
// (function calls, environment variables, HTTP actions) served on 127.0.0.1 in front of the
// official convex-test package, which runs the REAL better-convex 0.6.4 createApi functions and
// Better Auth's convex plugin. Faults, latency, seeding and request counts are driven through
// /__test/* control endpoints. See README.md beside this file for options and response shapes.
import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, scryptSync } from "node:crypto";
import { register } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatWithOptions, parseArgs } from "node:util";

// --app DIR: another app and its own packages (a peer line, e.g. tests/peers/bc-0.11), read
// before anything is imported so the loader can resolve this file's packages from there.
const appArg = process.argv.indexOf("--app");
const appDir = appArg > 0 ? resolvePath(process.argv[appArg + 1] ?? ".") : null;
const here = appDir ?? dirname(fileURLToPath(import.meta.url));
register("./loader.mjs", import.meta.url, {
  data: {
    appRoot: pathToFileURL(here + "/").href,
    // the codegen stand-ins every app re-exports; their imports resolve from the app's packages
    stubs: new URL("./convex/_generated/", import.meta.url).href,
    ...(appDir ? { packagesFrom: pathToFileURL(appDir + "/").href, server: import.meta.url } : {}),
  },
});

const { convexTest } = await import("convex-test");
// The Better Auth line the app runs, printed before the port so a test can check it.
const packagesDir = appDir ?? join(dirname(fileURLToPath(import.meta.url)), "..");
const betterAuthVersion = JSON.parse(
  readFileSync(join(packagesDir, "node_modules/better-auth/package.json")),
).version;
const { convexToJson, jsonToConvex } = await import("convex/values");

// --- options ----------------------------------------------------------------------------------

const USAGE = `usage: node server.mjs [options]
  --admin-key KEY      admin key accepted in "Authorization: Convex KEY"
                       (default $CONVEX_TEST_ADMIN_KEY or "convex-self-hosted|bcadmin-test-key")
  --instance-name NAME deployment name used in error messages (default "bcadmin-test")
  --layout L           root (auth:*), generated (generated/auth:*), component (betterAuth adapter:*)
  --app DIR            serve the app in DIR/convex (every module in it; with --layout component,
                       DIR/convex/betterAuth is the component) on DIR's own packages
  --port N             port on 127.0.0.1 (default 0: a free one); prints "PORT <n>" when listening
  --latency MS         added to every /api request (default $CONVEX_TEST_LATENCY_MS or 0)
  --env NAME=VALUE     initial deployment environment variable (repeatable)
  --name-max N         longest variable name accepted (default 256)
  --env-limit N        most variables a deployment may hold (default 100)`;

const { values: opt } = parseArgs({
  options: {
    "admin-key": { type: "string" },
    "instance-name": { type: "string", default: "bcadmin-test" },
    layout: { type: "string", default: "root" },
    app: { type: "string" },
    port: { type: "string", default: "0" },
    latency: { type: "string" },
    env: { type: "string", multiple: true, default: [] },
    "name-max": { type: "string", default: "256" },
    "env-limit": { type: "string", default: "100" },
    help: { type: "boolean", default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const ADMIN_KEY =
  opt["admin-key"] ?? process.env.CONVEX_TEST_ADMIN_KEY ?? "convex-self-hosted|bcadmin-test-key";
const INSTANCE = opt["instance-name"];
const LAYOUT = opt.layout;
if (!["root", "generated", "component"].includes(LAYOUT)) {
  console.error(`server.mjs: unknown --layout ${LAYOUT}\n${USAGE}`);
  process.exit(2);
}
const NAME_MAX = Number(opt["name-max"]);
const ENV_LIMIT = Number(opt["env-limit"]);
let baseLatency = Number(opt.latency ?? process.env.CONVEX_TEST_LATENCY_MS ?? 0);

// --- the app: modules per layout, re-imported per environment generation ----------------------

// `gen` is the generation functions run at; `lastGen` only grows, so a failed evaluation's URL
// (cached by Node with its error) is never imported again.
let gen = 0;
let lastGen = 0;
const fileUrl = (rel) => pathToFileURL(join(here, rel)).href;
const importAt = (rel) => () => import(`${fileUrl(rel)}?gen=${gen}`);

// convex-test finds a module by its key relative to the directory holding `_generated`; the key
// need not be the file's real name, which lets one layout serve generated/http.js as `http`.
// Every module file under DIR (relative keys), for --app.
function walk(dir, skip) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && p !== skip) out.push(...walk(p, skip));
    else if (e.isFile() && e.name.endsWith(".js")) out.push(p);
  }
  return out;
}
function appModules(prefix, dir, skip) {
  const m = {};
  for (const f of walk(dir, skip)) m[`./${prefix}/${relative(dir, f)}`] = importAt(relative(here, f));
  return m;
}

function rootModules() {
  if (appDir)
    return appModules("convex", join(here, "convex"), LAYOUT === "component" ? join(here, "convex/betterAuth") : null);
  if (LAYOUT === "component") {
    const m = {};
    for (const f of ["_generated/server.js", "_generated/api.js", "schema.js", "auth.js", "http.js"])
      m[`./convex/${f}`] = importAt(`component-app/convex/${f}`);
    return m;
  }
  const m = {
    "./convex/_generated/server.js": importAt("convex/_generated/server.js"),
    "./convex/_generated/api.js": importAt("convex/_generated/api.js"),
    "./convex/schema.js": importAt("convex/schema.js"),
  };
  if (LAYOUT === "root") {
    m["./convex/auth.js"] = importAt("convex/auth.js");
    m["./convex/http.js"] = importAt("convex/http.js");
  } else {
    m["./convex/generated/auth.js"] = importAt("convex/generated/auth.js");
    m["./convex/http.js"] = importAt("convex/generated/http.js");
  }
  return m;
}

// convex-test finds a component's root by a module under `_generated`; the component's own files
// import nothing from there, so the app's stand-in is named there.
function componentModules() {
  const m = appDir ? appModules("betterAuth", join(here, "convex/betterAuth"), null) : {};
  if (!appDir)
    for (const f of ["schema.js", "auth.js", "adapter.js"])
      m[`./betterAuth/${f}`] = importAt(`component-app/convex/betterAuth/${f}`);
  if (!Object.keys(m).some((k) => k.includes("/_generated/")))
    m["./betterAuth/_generated/server.js"] = importAt(appPath("component-app/convex/_generated/server.js"));
  return m;
}

const appPath = (rel) => (appDir ? rel.replace(/^component-app\//, "") : rel);
const modulesFor = { "": rootModules() };
if (LAYOUT === "component") modulesFor.betterAuth = componentModules();
const authConfigFile = appPath(
  LAYOUT === "component" ? "component-app/convex/auth.config.js" : "convex/auth.config.js");

// --- environment: what functions see through process.env ------------------------------------

let port = 0;
const deploymentEnv = new Map();
const builtinEnv = () => ({
  CONVEX_CLOUD_URL: `http://127.0.0.1:${port}`,
  CONVEX_SITE_URL: `http://127.0.0.1:${port}`,
});

// A deployment's functions see only its own variables and the built-in ones.
function installEnv(env) {
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, builtinEnv(), Object.fromEntries(env));
}

for (const kv of opt.env) {
  const i = kv.indexOf("=");
  if (i <= 0) {
    console.error(`server.mjs: --env wants NAME=VALUE, got ${kv}`);
    process.exit(2);
  }
  deploymentEnv.set(kv.slice(0, i), kv.slice(i + 1));
}

// Function calls run between environment changes, never across one: a change waits for the
// calls in flight, and calls arriving meanwhile wait for the change.
let activeCalls = 0;
let envChange = null;
let drained = null;
async function enterCall() {
  while (envChange) await envChange;
  activeCalls++;
}
function leaveCall() {
  activeCalls--;
  if (activeCalls === 0 && drained) drained();
}
async function exclusive(fn) {
  while (envChange) await envChange;
  let release;
  envChange = new Promise((r) => (release = r));
  try {
    if (activeCalls > 0) await new Promise((r) => (drained = r));
    drained = null;
    return await fn();
  } finally {
    envChange = null;
    release();
  }
}

// --- convex-test ------------------------------------------------------------------------------

const rootSchema = (await import(fileUrl(appPath(
  LAYOUT === "component" ? "component-app/convex/schema.js" : "convex/schema.js")))).default;
const t = convexTest(rootSchema, modulesFor[""]);
if (LAYOUT === "component") {
  const componentSchema = (await import(fileUrl(appPath("component-app/convex/betterAuth/schema.js"))))
    .default;
  t.registerComponent("betterAuth", componentSchema, modulesFor.betterAuth);
}

// console output of a function becomes its logLines, attributed through async context.
const callLogs = new AsyncLocalStorage();
for (const [method, level] of [
  ["log", "LOG"],
  ["info", "INFO"],
  ["warn", "WARN"],
  ["error", "ERROR"],
  ["debug", "DEBUG"],
]) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    const lines = callLogs.getStore();
    if (!lines) return original(...args);
    lines.push(`[${level}] ${formatWithOptions({ depth: 4, colors: false }, ...args)}`);
  };
}

// --- HTTP helpers -----------------------------------------------------------------------------

// connections: TCP connections accepted (a client that keeps its connections opens few);
// rounds: requests that arrived while none was in flight, i.e. rounds of requests sent together
// by a client that waits for a round's answers before the next (the round trips it waited on);
// order: the first 200 functions called, in the order their requests arrived (does a write go
// out before the last read of a selection?); readsBesideWrites: calls of a function that reads
// that arrived while one that writes was in flight, or the reverse (a client that writes only
// after its reads were answered has none, however slow it is: a fact of order, not of timing).
const stats = { requests: 0, byRoute: {}, byFunction: {}, inFlight: 0, maxInFlight: 0, connections: 0, rounds: 0, order: [], readsBesideWrites: 0 };
const callsInFlight = { read: 0, write: 0 };
const callKind = (fnPath) => (/:(create|update|delete)/.test(fnPath) ? "write" : "read");

function send(res, status, body, headers = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json" } : {}),
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
const fail = (res, status, code, message) => send(res, status, { code, message });

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function isJsonContentType(req) {
  const ct = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const [type, sub] = ct.split("/");
  return type === "application" && (sub === "json" || (sub ?? "").endsWith("+json"));
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

// Convex's Json extractor: the Content-Type first, then the syntax, then the shape.
async function readJson(req) {
  const text = await readBody(req);
  if (!isJsonContentType(req))
    throw new HttpError(400, "BadJsonBody", "Expected request with `Content-Type: application/json`");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "BadJsonBody", `Failed to parse the request body as JSON: ${e.message}`);
  }
}
const shapeError = (msg) =>
  new HttpError(400, "BadJsonBody", `Failed to deserialize the JSON body into the target type: ${msg}`);

const badKey = (named) =>
  new HttpError(
    403,
    "BadDeployKey",
    `The provided deploy key was invalid for ${named ? `deployment '${INSTANCE}'` : "this deployment"}. ` +
      "Double check that the environment this key was generated for matches the desired deployment.",
  );

// The caller's identity from the Authorization header, as the backend's extractor reads it:
// "admin", "user" (a bearer token: no user auth is configured, so it only reaches public
// functions) or "none". A wrong admin key is refused outright.
function identityOf(req) {
  const h = req.headers.authorization;
  if (h === undefined) return "none";
  if (h.length < 7) throw new HttpError(400, "InvalidHeaderFailure", "Invalid authentication header");
  if (h.slice(0, 7).toLowerCase() !== "convex ") {
    if (!/^bearer\s+\S/i.test(h)) throw new HttpError(400, "InvalidAdminKey", "Invalid admin key");
    return "user";
  }
  const stripType = (k) => k.replace(/^(prod|dev|preview|project):/, "");
  let key = stripType(h.slice(7).trim());
  const actingAs = key.lastIndexOf(":");
  if (actingAs > key.indexOf("|")) key = key.slice(0, actingAs);
  if (key !== stripType(ADMIN_KEY)) throw badKey(true);
  return "admin";
}

// --- function calls ---------------------------------------------------------------------------

const UDF_PATH = /^([A-Za-z0-9_\-.]+(?:\/[A-Za-z0-9_\-.]+)*?)(?:\.js)?(?::([A-Za-z_$][\w$]*))?$/;
const KIND_NAME = { query: "Query", mutation: "Mutation", action: "Action" };

function notFound(udfPath, componentPath) {
  const inComponent = componentPath ? ` in component '${componentPath}'` : "";
  return `Could not find public function for '${udfPath}'${inComponent}. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`;
}

// Error text as the backend reports an uncaught error: "Uncaught Error: message" and the frames
// inside the app, paths relative to the app directory.
function errorText(e) {
  const message = String(e?.message ?? e);
  if (/^(ArgumentValidationError|ReturnsValidationError)/.test(message)) return message;
  const name = e?.data !== undefined ? "ConvexError" : (e?.name ?? "Error");
  const frames = String(e?.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && /\/(convex|component-app)\//.test(l) && l.includes(here))
    .map((l) => l.replace(pathToFileURL(here).href + "/", "../").replace(/\?gen=\d+/, ""));
  return [`Uncaught ${name}: ${message}`, ...frames].join("\n");
}

// The system function `npx convex function-spec` reads (convex-backend's system-udfs,
// _system/cli/modules:apiSpec): every function of the root's modules - identifier
// "module.js:name", functionType, visibility, args and returns validators - and the HTTP routes.
// Admin only; the answer is a plain array.
async function apiSpec() {
  const out = [];
  const modules = modulesFor[""];
  for (const key of Object.keys(modules).sort()) {
    if (key.includes("/_generated/")) continue;
    const path = key.replace(/^\.\/convex\//, "");
    const mod = await modules[key]();
    for (const [name, fn] of Object.entries(mod)) {
      const type = fn?.isQuery === true ? "Query" : fn?.isMutation === true ? "Mutation" : fn?.isAction === true ? "Action" : null;
      if (type)
        out.push({
          identifier: `${path}:${name}`,
          functionType: type,
          visibility: { kind: fn.isInternal === true ? "internal" : "public" },
          args: JSON.parse(fn.exportArgs()),
          returns: JSON.parse(fn.exportReturns()) ?? { type: "any" },
        });
    }
    if (typeof mod.default?.getRoutes === "function")
      for (const [routePath, method] of mod.default.getRoutes())
        out.push({ functionType: "HttpAction", method, path: routePath });
  }
  return out;
}
const SYSTEM_FUNCTIONS = { "_system/cli/modules:apiSpec": apiSpec };

async function callFunction({ route, identity, body }) {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw shapeError("invalid type: expected struct UdfPostRequest");
  if (typeof body.path !== "string") throw shapeError("missing field `path`");
  if (!("args" in body)) throw shapeError("missing field `args`");
  if (body.format !== undefined && body.format !== null && body.format !== "convex_encoded_json")
    throw new HttpError(400, "BadFormat", `Unsupported value format: ${body.format}`);
  let componentPath = "";
  if (route === "function") {
    if (identity !== "admin") throw badKey(false);
    componentPath = body.componentPath ?? "";
    if (typeof componentPath !== "string" || componentPath.startsWith("/") || componentPath.endsWith("/"))
      throw new HttpError(400, "InvalidComponentPath", `Invalid component path: ${body.componentPath}`);
  } else if (body.componentPath !== undefined) {
    throw shapeError("unknown field `componentPath`");
  }
  const m = UDF_PATH.exec(body.path);
  if (!m)
    throw new HttpError(400, "BadConvexFunctionIdentifier", `Couldn't parse function path ${body.path}`);
  const udfPath = `${m[1]}:${m[2] ?? "default"}`;
  stats.byFunction[udfPath] = (stats.byFunction[udfPath] ?? 0) + 1;

  const logLines = [];
  const answer = (v) => (logLines.length ? { ...v, logLines } : v);
  if (m[1].startsWith("_system/")) {
    // System modules need an admin identity; the test deployment has only these.
    const system = SYSTEM_FUNCTIONS[udfPath];
    if (identity !== "admin" || componentPath || !system || (route !== "function" && route !== "query"))
      return { status: "error", errorMessage: notFound(udfPath, componentPath) };
    return { status: "success", value: convexToJson(await system()) };
  }
  const modules = modulesFor[componentPath];
  let fn;
  try {
    fn = modules ? (await import_module(modules, m[1]))?.[m[2] ?? "default"] : undefined;
  } catch (e) {
    return answer({ status: "error", errorMessage: errorText(e) });
  }
  const kind = fn?.isQuery ? "query" : fn?.isMutation ? "mutation" : fn?.isAction ? "action" : null;
  if (!kind || (fn.isInternal && identity !== "admin"))
    return { status: "error", errorMessage: notFound(udfPath, componentPath) };
  if (route !== "function" && route !== kind)
    return {
      status: "error",
      errorMessage: `Trying to execute ${udfPath} as ${KIND_NAME[route]}, but it is defined as ${KIND_NAME[kind]}.`,
    };

  let args;
  try {
    args = jsonToConvex(body.args ?? {});
  } catch (e) {
    return { status: "error", errorMessage: `Invalid argument: ${e.message}` };
  }
  const at = { udfPath, componentPath };
  try {
    const value = await callLogs.run(logLines, () =>
      kind === "query"
        ? t.queryFromPath(at, args)
        : kind === "mutation"
          ? t.mutationFromPath(at, args)
          : t.actionFromPath(at, args),
    );
    return answer({ status: "success", value: convexToJson(value === undefined ? null : value) });
  } catch (e) {
    const out = { status: "error", errorMessage: errorText(e) };
    if (e?.data !== undefined) out.errorData = convexToJson(e.data);
    return answer(out);
  }
}

// The module as convex-test will load it (same map, same generation).
async function import_module(modules, modulePath) {
  const key = Object.keys(modules).find((k) => k.replace(/^\.\/(convex|betterAuth)\//, "").replace(/\.js$/, "") === modulePath);
  return key ? await modules[key]() : undefined;
}

// --- environment variables --------------------------------------------------------------------

const NAME_RE = /^[a-zA-Z_]+[a-zA-Z0-9_]*$/;
const MAX_VALUE = 8 * 1024;

function checkChange(c, i) {
  if (typeof c !== "object" || c === null || Array.isArray(c))
    throw shapeError(`changes[${i}]: invalid type: expected struct UpdateEnvVarRequest`);
  if (typeof c.name !== "string") throw shapeError(`changes[${i}]: missing field \`name\``);
  if (c.value !== undefined && c.value !== null && typeof c.value !== "string")
    throw shapeError(`changes[${i}].value: invalid type: expected a string`);
  if (!NAME_RE.test(c.name))
    throw new HttpError(400, "EnvironmentVariableNameInvalid",
      `The environment variable name ${c.name} is invalid. Environment variable names must begin with a letter and may only include characters a-z, A-Z, 0-9, and underscores.`);
  if (c.name.length > NAME_MAX)
    throw new HttpError(400, "EnvironmentVariableNameTooLong",
      `The environment variable name ${c.name} is too long. Environment variable names must be less than ${NAME_MAX}.`);
  if (typeof c.value === "string" && Buffer.byteLength(c.value) > MAX_VALUE)
    throw new HttpError(400, "EnvironmentVariableValueTooLarge",
      `The environment variable value is ${Buffer.byteLength(c.value)} bytes, which is too large. (max size: ${MAX_VALUE}`);
  if (c.name in builtinEnv())
    throw new HttpError(400, "EnvVarNameForbidden",
      `Environment variable with name "${c.name}" is built-in and cannot be overridden`);
}

// The whole batch is checked, then applied with the auth config re-evaluated against the result,
// all or nothing.
async function updateEnv(body) {
  if (typeof body !== "object" || body === null || !Array.isArray(body.changes))
    throw shapeError("missing field `changes`");
  body.changes.forEach(checkChange);
  const names = body.changes.map((c) => c.name);
  if (new Set(names).size !== names.length)
    throw new HttpError(400, "EnvVarNameNotUnique", "One or more environment variable name is not unique");
  const next = new Map(deploymentEnv);
  for (const c of body.changes) {
    if (typeof c.value === "string") next.set(c.name, c.value);
    else next.delete(c.name);
  }
  if (next.size > ENV_LIMIT)
    throw new HttpError(400, "EnvVarLimitMet", `The environment variable limit (${ENV_LIMIT}) has been met.`);
  await exclusive(async () => {
    installEnv(next);
    const candidate = ++lastGen;
    try {
      await import(`${fileUrl(authConfigFile)}?gen=${candidate}`);
      gen = candidate;
    } catch (e) {
      installEnv(deploymentEnv);
      throw new HttpError(400, "InvalidAuthConfig",
        `This change would make the auth config invalid: ${e?.message ?? e}`);
    }
    deploymentEnv.clear();
    for (const [k, v] of next) deploymentEnv.set(k, v);
  });
}

// --- faults -----------------------------------------------------------------------------------

// Each fault: {kind, count (default 1), persistent, path (prefix of the URL path), fn (function
// path in the body), status, ms, phase ("before": instead of running the request, "after":
// once it ran)}. Kinds: status, latency, drop, slow, malformed.
let faults = [];
// "error": the function fails as one throwing `new ConvexError(data)` does (HTTP 200, status
// "error", errorData) - createApi's own functions never throw ConvexError, an app's triggers may.
const DEFAULT_PHASE = { status: "before", latency: "before", drop: "before", slow: "after", malformed: "after", error: "before" };
const STATUS_BODIES = {
  429: { code: "TooManyRequests", message: "Too many concurrent requests. Please try again later." },
  500: { code: "InternalServerError", message: "Your request couldn't be completed. Try again later." },
  502: { code: "BadGateway", message: "Bad gateway" },
  503: { code: "Overloaded", message: "The deployment is currently overloaded. Please try again later." },
  504: { code: "GatewayTimeout", message: "Gateway timeout" },
};

function addFault(f) {
  if (!DEFAULT_PHASE[f.kind]) throw new HttpError(400, "BadFault", `unknown fault kind ${f.kind}`);
  const fault = {
    kind: f.kind,
    remaining: f.persistent ? Infinity : Number(f.count ?? 1),
    path: f.path ?? null,
    fn: f.fn ?? null,
    status: Number(f.status ?? 503),
    ms: Number(f.ms ?? 1000),
    phase: f.phase ?? DEFAULT_PHASE[f.kind],
    data: f.data ?? { code: "INJECTED" },
    skip: Number(f.skip ?? 0), // matching requests let through untouched first
  };
  if (!["before", "after"].includes(fault.phase))
    throw new HttpError(400, "BadFault", `phase must be before or after`);
  faults.push(fault);
}

// Faults matching this request, each consumed once.
function takeFaults(path, fnPath) {
  const hit = [];
  for (const f of faults) {
    if (f.remaining <= 0) continue;
    if (f.path && !path.startsWith(f.path)) continue;
    if (f.fn && f.fn !== fnPath) continue;
    if (f.skip > 0) {
      f.skip--;
      continue;
    }
    f.remaining--;
    hit.push(f);
  }
  faults = faults.filter((f) => f.remaining > 0);
  return hit;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Send `text` as the response, damaged as the faults say.
async function deliver(res, status, text, headers, hit) {
  const malformed = hit.find((f) => f.kind === "malformed" && f.phase === "after");
  const slow = hit.find((f) => f.kind === "slow");
  const drop = hit.find((f) => f.kind === "drop" && f.phase === "after");
  if (drop) return res.socket.destroy();
  if (malformed) text = text.slice(0, Math.max(1, Math.floor(text.length / 2))) + "<truncated";
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json" } : {}),
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  if (!slow || text.length === 0) return res.end(text);
  const bytes = Buffer.from(text);
  const pieces = Math.min(10, bytes.length);
  for (let i = 0; i < pieces; i++) {
    res.write(bytes.subarray(Math.floor((i * bytes.length) / pieces), Math.floor(((i + 1) * bytes.length) / pieces)));
    await sleep(slow.ms / pieces);
  }
  res.end();
}

// --- seeding ----------------------------------------------------------------------------------

const SEED_PASSWORD_HASH = (() => {
  // Better Auth's scrypt format (N=16384, r=16, p=1, 64 bytes, salt = 32 hex chars as text) for
  // "password1234", computed once and shared by every seeded account.
  const salt = "0123456789abcdef0123456789abcdef";
  const key = scryptSync("password1234".normalize("NFKC"), salt, 64, { N: 16384, r: 16, p: 1, maxmem: 128 << 20 });
  return `${salt}:${key.toString("hex")}`;
})();
const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const token32 = () => Array.from(randomBytes(32), (b) => ID_CHARS[b % 62]).join("");

// Deterministic users (user00001@example.com...) with sessions and credential accounts, written
// straight into the tables in transactions of `batch` users.
async function seed(body) {
  const n = Number(body.users ?? 0);
  const perUser = Number(body.sessionsPerUser ?? 1);
  const accounts = body.accounts !== false;
  const batch = Number(body.batch ?? 200);
  const start = Number(body.startMs ?? Date.UTC(2026, 0, 1));
  const offset = Number(body.offset ?? 0);
  const run = (fn) => (LAYOUT === "component" ? t.runInComponent("betterAuth", fn) : t.run(fn));
  const ids = [];
  let sessions = 0;
  let accountRows = 0;
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    const made = await run(async (ctx) => {
      const out = [];
      for (let j = from; j <= to; j++) {
        const i = j + offset;
        const created = start + i * 60_000;
        const banned = i % 10 === 0;
        const userId = await ctx.db.insert("user", {
          name: `User ${i}`,
          email: `user${String(i).padStart(5, "0")}@example.com`,
          emailVerified: i % 3 !== 0,
          image: null,
          createdAt: created,
          updatedAt: created,
          role: i % 50 === 1 ? "admin" : "user",
          banned,
          banReason: banned ? "seeded ban" : null,
          banExpires: banned && i % 20 === 0 ? created + 365 * 86_400_000 : null,
        });
        out.push(userId);
        for (let s = 0; s < perUser; s++) {
          await ctx.db.insert("session", {
            expiresAt: Date.now() + 7 * 86_400_000,
            token: token32(),
            createdAt: created + s,
            updatedAt: created + s,
            ipAddress: "",
            userAgent: "seed",
            userId,
            impersonatedBy: null,
          });
        }
        if (accounts)
          await ctx.db.insert("account", {
            accountId: userId,
            providerId: "credential",
            userId,
            password: SEED_PASSWORD_HASH,
            createdAt: created,
            updatedAt: created,
          });
      }
      return out;
    });
    ids.push(...made);
    sessions += made.length * perUser;
    if (accounts) accountRows += made.length;
  }
  return { users: ids.length, sessions, accounts: accountRows, userIds: ids.slice(0, 20) };
}

// --- routing ----------------------------------------------------------------------------------

const FUNCTION_ROUTES = { "/api/function": "function", "/api/query": "query", "/api/mutation": "mutation", "/api/action": "action" };

async function control(req, res, path) {
  if (path === "/__test/faults" && req.method === "POST") {
    const body = await readJson(req);
    for (const f of Array.isArray(body) ? body : [body]) addFault(f);
    return send(res, 200, { faults: faults.length });
  }
  if (path === "/__test/faults" && req.method === "GET") return send(res, 200, { faults });
  if (path === "/__test/faults" && req.method === "DELETE") {
    faults = [];
    return send(res, 200, { faults: 0 });
  }
  if (path === "/__test/latency" && req.method === "POST") {
    baseLatency = Number((await readJson(req)).ms ?? 0);
    return send(res, 200, { ms: baseLatency });
  }
  if (path === "/__test/stats" && req.method === "GET") return send(res, 200, stats);
  if (path === "/__test/stats/reset" && req.method === "POST") {
    Object.assign(stats, { requests: 0, byRoute: {}, byFunction: {}, maxInFlight: stats.inFlight, connections: 0, rounds: 0, order: [], readsBesideWrites: 0 });
    return send(res, 200, stats);
  }
  if (path === "/__test/seed" && req.method === "POST") return send(res, 200, await seed(await readJson(req)));
  return fail(res, 404, "NotFound", `No control endpoint ${req.method} ${path}`);
}

// One /api request: its answer as {status, body, headers}.
async function api(req, path, bodyText) {
  const route = FUNCTION_ROUTES[path];
  if (route) {
    if (req.method !== "POST") return { status: 405, text: "" };
    const identity = identityOf(req);
    if (!isJsonContentType(req))
      throw new HttpError(400, "BadJsonBody", "Expected request with `Content-Type: application/json`");
    let body;
    try {
      body = JSON.parse(bodyText);
    } catch (e) {
      throw new HttpError(400, "BadJsonBody", `Failed to parse the request body as JSON: ${e.message}`);
    }
    await enterCall();
    try {
      return { status: 200, text: JSON.stringify(await callFunction({ route, identity, body })) };
    } finally {
      leaveCall();
    }
  }
  if (path === "/api/v1/list_environment_variables") {
    if (req.method !== "GET") return { status: 405, text: "" };
    if (identityOf(req) !== "admin") throw badKey(false);
    return { status: 200, text: JSON.stringify({ environmentVariables: Object.fromEntries(deploymentEnv) }) };
  }
  if (path === "/api/update_environment_variables" || path === "/api/v1/update_environment_variables") {
    if (req.method !== "POST") return { status: 405, text: "" };
    if (identityOf(req) !== "admin") throw badKey(false);
    if (!isJsonContentType(req))
      throw new HttpError(400, "BadJsonBody", "Expected request with `Content-Type: application/json`");
    let body;
    try {
      body = JSON.parse(bodyText);
    } catch (e) {
      throw new HttpError(400, "BadJsonBody", `Failed to parse the request body as JSON: ${e.message}`);
    }
    await updateEnv(body);
    return { status: 200, text: "" };
  }
  return null;
}

// Anything else is the app's HTTP actions (the site: /api/auth/...), as on CONVEX_SITE_URL.
async function site(req, path, bodyText) {
  const url = new URL(req.url, "http://x");
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  await enterCall();
  try {
    const r = await t.fetch(path + url.search, {
      method: req.method,
      headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : bodyText,
    });
    const out = {};
    r.headers.forEach((v, k) => (out[k] = v));
    delete out["content-length"];
    return { status: r.status, text: await r.text(), headers: out };
  } finally {
    leaveCall();
  }
}

async function handle(req, res) {
  const path = new URL(req.url, "http://x").pathname;
  if (path.startsWith("/__test/")) return control(req, res, path);

  stats.requests++;
  stats.byRoute[path] = (stats.byRoute[path] ?? 0) + 1;
  if (stats.inFlight === 0) stats.rounds++;
  stats.inFlight++;
  stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
  let kind = null; /* of the function called, while it is in flight */
  try {
    const bodyText = await readBody(req);
    let fnPath = null;
    try {
      fnPath = JSON.parse(bodyText).path ?? null;
    } catch {
      /* not JSON: matched by URL path only */
    }
    if (fnPath && stats.order.length < 200) stats.order.push(fnPath);
    if (fnPath) {
      kind = callKind(fnPath);
      if (callsInFlight[kind === "read" ? "write" : "read"] > 0) stats.readsBesideWrites++;
      callsInFlight[kind]++;
    }
    const hit = takeFaults(path, fnPath);
    const latency = baseLatency + hit.filter((f) => f.kind === "latency").reduce((a, f) => a + f.ms, 0);
    if (latency > 0) await sleep(latency);
    if (hit.some((f) => f.kind === "drop" && f.phase === "before")) return res.socket.destroy();
    const thrown = hit.find((f) => f.kind === "error");
    if (thrown && thrown.phase === "before") {
      const message = typeof thrown.data === "string" ? thrown.data : JSON.stringify(thrown.data);
      return deliver(res, 200, JSON.stringify({ status: "error", errorMessage: `Uncaught ConvexError: ${message}`, errorData: thrown.data }), {}, hit);
    }
    const early = hit.find((f) => f.kind === "status" && f.phase === "before");
    if (early) {
      const headers = early.status === 429 ? { "retry-after": "1" } : {};
      return deliver(res, early.status, JSON.stringify(STATUS_BODIES[early.status] ?? { code: "Error", message: `HTTP ${early.status}` }), headers, hit);
    }
    let answer;
    try {
      answer = (await api(req, path, bodyText)) ?? (await site(req, path, bodyText));
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      answer = { status: e.status, text: JSON.stringify({ code: e.code, message: e.message }) };
    }
    const late = hit.find((f) => f.kind === "status" && f.phase === "after");
    if (late)
      answer = { status: late.status, text: JSON.stringify(STATUS_BODIES[late.status] ?? { code: "Error", message: `HTTP ${late.status}` }) };
    return deliver(res, answer.status, answer.text, answer.headers ?? {}, hit);
  } finally {
    stats.inFlight--;
    if (kind) callsInFlight[kind]--;
  }
}

// An error from the app's code (or the libraries it runs) as one clear stderr line: its name,
// message and cause (some, such as BetterAuthError, carry no stack), and which deployment
// variable holds the value it names, since that is where the operator fixes it.
function describeFailure(e) {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : formatWithOptions({ depth: 4 }, "%O", e);
  const cause = e?.cause ? ` (cause: ${e.cause})` : "";
  const vars = [...deploymentEnv].filter(([, v]) => v.length >= 4 && text.includes(v)).map(([k]) => k);
  const hint = vars.length ? `; that value is the deployment variable ${vars.join(", ")}` : "";
  return `${text}${cause}${hint}${e?.stack && !e.stack.startsWith(text) ? `\n${e.stack}` : ""}`;
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (e instanceof HttpError) return fail(res, e.status, e.code, e.message);
    process.stderr.write(`server.mjs: ${req.method} ${req.url} failed: ${describeFailure(e)}\n`);
    if (!res.headersSent) fail(res, 500, "InternalServerError", "Your request couldn't be completed. Try again later.");
    else res.destroy();
  });
});
// A promise the app's code rejected and never awaited (Better Auth starts its context as one, so
// an invalid SITE_URL rejects it twice: once in the request, once unawaited). A real deployment
// fails only the function that made it and keeps serving; so does this one, and says so.
process.on("unhandledRejection", (e) => {
  process.stderr.write(`server.mjs: a promise was rejected and never awaited (the request that made it failed; the deployment goes on): ${describeFailure(e)}\n`);
});
server.on("connection", () => stats.connections++);
server.keepAliveTimeout = 5000;
server.listen(Number(opt.port), "127.0.0.1", () => {
  port = server.address().port;
  installEnv(deploymentEnv);
  process.stdout.write(`BETTER_AUTH ${betterAuthVersion}\nPORT ${port}\n`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref());
