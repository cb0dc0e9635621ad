// @convex-dev/better-auth 0.12 local install (the component's own files, as the guide writes
// them): the Better Auth options with the admin plugin - which is why the app owns the schema at
// all - and the client over components.betterAuth.
import { createClient } from "@convex-dev/better-auth";
import { convex } from "@convex-dev/better-auth/plugins";
import { betterAuth } from "better-auth";
import { admin } from "better-auth/plugins";

import { components } from "../_generated/api.js";
import authConfig from "../auth.config.js";
import schema from "./schema.js";

export const authComponent = createClient(components.betterAuth, { local: { schema } });

export const createAuthOptions = (ctx) => ({
  baseURL: process.env.SITE_URL,
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [convex({ authConfig, jwks: process.env.JWKS }), admin()],
  database: authComponent.adapter(ctx),
});

export const createAuth = (ctx) => betterAuth(createAuthOptions(ctx));
