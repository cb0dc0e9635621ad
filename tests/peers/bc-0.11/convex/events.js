// What the app's auth triggers recorded, for the tests (internal: admin key only).
import { internalQuery } from "./_generated/server.js";

export const list = internalQuery({
  args: {},
  handler: async (ctx) => await ctx.db.query("authEvents").collect(),
});
