// Module loader hook for the test deployment: a module imported as `file.js?gen=N` passes `?gen=N`
// on to the app files it imports, so an environment change re-evaluates the whole app (auth
// config included) with fresh module instances, as a real deployment does. Packages under
// node_modules are shared between generations.
let appRoot = null;

export function initialize(data) {
  appRoot = data.appRoot;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (!appRoot || !parent || !resolved.url.startsWith(appRoot)) return resolved;
  if (resolved.url.includes("/node_modules/") || resolved.url.includes("?")) return resolved;
  const gen = /[?&]gen=(\d+)/.exec(parent);
  if (!gen) return resolved;
  return { ...resolved, url: `${resolved.url}?gen=${gen[1]}` };
}
