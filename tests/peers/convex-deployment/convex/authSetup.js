// The guide's Better Auth setup (better-convex 0.6): createClient + createAuth with the admin
// plugin and the convex plugin, parameterised by where the createApi functions live so the
// root (`auth:*`) and 0.11-style (`generated/auth:*`) layouts share it.
import { convex } from "@convex-dev/better-auth/plugins";
import { betterAuth } from "better-auth";
import { admin } from "better-auth/plugins";
import { createApi, createClient } from "better-convex/auth";

import authConfig from "./auth.config.js";
import schema from "./schema.js";

export function setupAuth(authFunctions) {
  const authClient = createClient({ authFunctions, schema });
  const getAuthOptions = (ctx) => ({
    baseURL: process.env.SITE_URL,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    plugins: [convex({ authConfig, jwks: process.env.JWKS }), admin()],
    database: authClient.adapter(ctx, getAuthOptions),
  });
  const createAuth = (ctx) => betterAuth(getAuthOptions(ctx));
  const api = createApi(schema, createAuth, { skipValidation: true });
  return { authClient, getAuthOptions, createAuth, api };
}
