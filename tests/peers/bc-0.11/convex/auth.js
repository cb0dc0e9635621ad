// better-convex 0.11: convex/auth.ts holds only the auth definition (options and triggers);
// codegen writes the functions to generated/auth. The triggers record each write in authEvents,
// so a test sees that every write through the functions - bcadmin's included - runs them.
import { convex } from "@convex-dev/better-auth/plugins";
import { admin } from "better-auth/plugins";

import authConfig from "./auth.config.js";
import { defineAuth } from "./generated/auth.js";

const record = (model, op) => async (doc, ctx) => {
  await ctx.db.insert("authEvents", { model, op, docId: String(doc?._id ?? doc?.id ?? ""), at: Date.now() });
};
const recordAll = (model) => ({
  create: { after: record(model, "create") },
  update: { after: record(model, "update") },
  delete: { after: record(model, "delete") },
});

export default defineAuth(() => ({
  baseURL: process.env.SITE_URL,
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [convex({ authConfig, jwks: process.env.JWKS }), admin()],
  triggers: { user: recordAll("user"), session: recordAll("session"), account: recordAll("account") },
}));
