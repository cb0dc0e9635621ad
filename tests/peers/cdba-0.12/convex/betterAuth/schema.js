// The betterAuth component's schema in a local install: what `npx auth generate` writes for
// Better Auth 1.6 with the convex() and admin() plugins (the same tables as tests/peers/auth-tables.mjs,
// checked against @convex-dev/better-auth 0.12's createSchema).
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

import { authTables } from "../../../auth-tables.mjs";

export const tables = authTables({ defineTable, v });
export default defineSchema(tables);
