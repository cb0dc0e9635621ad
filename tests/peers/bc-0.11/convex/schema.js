// The better-convex 0.11 app's schema: the Better Auth tables as its generator writes them, and
// authEvents, where the app's auth triggers record every write they see.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

import { authTables } from "../../auth-tables.mjs";

export default defineSchema({
  ...authTables({ defineTable, v }),
  authEvents: defineTable({ model: v.string(), op: v.string(), docId: v.string(), at: v.number() }),
});
