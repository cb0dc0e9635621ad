// The app's own module: the static-JWKS actions the @convex-dev/better-auth guide has the app
// write (getLatestJwks, rotateKeys), calling Better Auth through the component. Apps name this
// module as they like; tests copy the app with the module under another name.
import { internalAction } from "./_generated/server.js";
import { createAuth } from "./betterAuth/auth.js";

export const getLatestJwks = internalAction({
  args: {},
  handler: async (ctx) => await createAuth(ctx).api.getLatestJwks(),
});

export const rotateKeys = internalAction({
  args: {},
  handler: async (ctx) => await createAuth(ctx).api.rotateKeys(),
});
