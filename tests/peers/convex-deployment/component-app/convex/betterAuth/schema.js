// The component's schema in a local install (@convex-dev/better-auth "local install"):
// the same Better Auth tables with the admin fields (tests/peers/auth-tables.mjs), owned by the
// betterAuth component.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

import { authTables } from "../../../../auth-tables.mjs";

export default defineSchema(authTables({ defineTable, v }));
