// @convex-dev/better-auth local install: Better Auth options for the betterAuth component, with
// the admin plugin (which is why a local install with its own schema is needed at all).
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
