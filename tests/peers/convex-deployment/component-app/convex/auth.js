// The app side of a component install: the static-JWKS actions the @convex-dev/better-auth
// docs add (`auth:getLatestJwks`, `auth:rotateKeys`), calling Better Auth through the component.
//
// One adaptation: in 0.10.13 the plugin hands back rows whose createdAt is a Date, which no
// Convex function may return ("Date ... is not a supported Convex type"), so dates become epoch
// milliseconds here, the shape better-convex's createApi returns.
import { internalAction } from "./_generated/server.js";
import { createAuth } from "./betterAuth/auth.js";

const convexSafe = (rows) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v]),
    ),
  );

export const getLatestJwks = internalAction({
  args: {},
  handler: async (ctx) => convexSafe(await createAuth(ctx).api.getLatestJwks()),
});

export const rotateKeys = internalAction({
  args: {},
  handler: async (ctx) => convexSafe(await createAuth(ctx).api.rotateKeys()),
});
