// The component's data functions (`adapter:*` in component betterAuth), as the local-install
// guide writes them: 0.12's createApi validates every document `create` is given.
import { createApi } from "@convex-dev/better-auth";

import { createAuthOptions } from "./auth.js";
import schema from "./schema.js";

export const { create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany } =
  createApi(schema, createAuthOptions);
