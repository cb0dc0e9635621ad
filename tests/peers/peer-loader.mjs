// peer-loader.mjs - module hook for the version matrix: the bare imports of one script (the
// Better Auth server) resolve from another peer directory's node_modules (tests/peers/ba-1.7/...),
// so one script runs every pinned Better Auth line. better-sqlite3 (a driver; any 12.x serves)
// falls back to the script's own node_modules when the peer has none. Everything else resolves
// as usual.
let from = null;
let script = null;

export function initialize(data) {
  from = data.from;
  script = data.script;
}

const bare = (s) => !/^(node:|\.{0,2}\/|file:|data:)/.test(s);

export async function resolve(specifier, context, nextResolve) {
  if (from && context.parentURL === script && bare(specifier)) {
    try {
      return await nextResolve(specifier, { ...context, parentURL: from });
    } catch (e) {
      if (specifier !== "better-sqlite3") throw e;
    }
  }
  return nextResolve(specifier, context);
}
