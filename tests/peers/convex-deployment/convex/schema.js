// The better-convex guide's schema: the Better Auth tables (1.4.9 field names) with the admin
// plugin's fields and the indexes the guide's generated schema declares (tests/peers/auth-tables.mjs,
// shared with the version matrix's apps).
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

import { authTables } from "../../auth-tables.mjs";

export default defineSchema(authTables({ defineTable, v }));
