// Module loader hook for the test deployment: a module imported as `file.js?gen=N` passes `?gen=N`
// on to the app files it imports, so an environment change re-evaluates the whole app (auth
// config included) with fresh module instances, as a real deployment does. Packages under
// node_modules are shared between generations. With --app DIR, the server's own bare imports
// (convex-test, convex/values) resolve from DIR's node_modules, the same copies the app uses, and
// so do those of convex/_generated/*.js here, the codegen stand-ins every app re-exports.
//
// One fidelity fix to convex-test (0.0.70): a deployment sends the arguments of every function
// call - nested ctx.runQuery/runMutation/runAction included - through convexToJson, which drops
// fields whose value is undefined; convex-test hands nested arguments over as they are, so
// better-convex 0.11's adapter (which spreads `select: undefined` into findMany) fails argument
// validation where a deployment succeeds. The load hook below puts that round trip at the start
// of convex-test's three call paths; if convex-test's source no longer matches, it fails loudly.
let appRoot = null;
let packagesFrom = null;
let server = null;
let stubs = null;

export function initialize(data) {
  appRoot = data.appRoot;
  packagesFrom = data.packagesFrom ?? null;
  server = data.server ?? null;
  stubs = data.stubs ?? null;
}

const bare = (s) => !/^(node:|\.{0,2}\/|file:|data:)/.test(s);

export async function resolve(specifier, context, nextResolve) {
  // The server's own bare imports, and those of the codegen stand-ins the apps share, resolve
  // from the app's packages.
  const parentURL = context.parentURL ?? "";
  if (packagesFrom && bare(specifier) && (parentURL === server || (stubs && parentURL.startsWith(stubs))))
    return nextResolve(specifier, { ...context, parentURL: packagesFrom });
  const resolved = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (!appRoot || !parent || !resolved.url.startsWith(appRoot)) return resolved;
  if (resolved.url.includes("/node_modules/") || resolved.url.includes("?")) return resolved;
  const gen = /[?&]gen=(\d+)/.exec(parent);
  if (!gen) return resolved;
  return { ...resolved, url: `${resolved.url}?gen=${gen[1]}` };
}

const CALL_PATHS = [
  "    queryFromPath: async (functionPath, args, transactionLimits) => {",
  "    mutationFromPath: async (functionPath, args, transactionLimits) => {",
  "    actionFromPath: async (functionPath, args) => {",
];
const ROUND_TRIP = "\n        args = jsonToConvex(convexToJson(args ?? {})); // as a deployment's wire format does";

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!/\/node_modules\/convex-test\/dist\/index\.js$/.test(url)) return loaded;
  let source = String(loaded.source);
  for (const line of CALL_PATHS) {
    if (source.split(line).length !== 2)
      throw new Error(`loader.mjs: convex-test changed (no single "${line.trim()}"): update the argument round trip`);
    source = source.replace(line, line + ROUND_TRIP);
  }
  return { ...loaded, source };
}
