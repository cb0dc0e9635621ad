// The app side of a component install: the static-JWKS actions the @convex-dev/better-auth
// docs add (`auth:getLatestJwks`, `auth:rotateKeys`), calling Better Auth through the component.
import { internalAction } from "./_generated/server.js";
import { createAuth } from "./betterAuth/auth.js";

export const getLatestJwks = internalAction({
  args: {},
  handler: async (ctx) => createAuth(ctx).api.getLatestJwks(),
});

export const rotateKeys = internalAction({
  args: {},
  handler: async (ctx) => createAuth(ctx).api.rotateKeys(),
});
