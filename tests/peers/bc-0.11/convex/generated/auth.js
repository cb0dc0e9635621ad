// Hand-written stand-in for what `better-convex codegen` (0.11) writes to generated/auth.ts, in
// plain JavaScript: the auth runtime over the app's definition (convex/auth.js), exported as the
// internal functions `generated/auth:*`.
import {
  createAuthRuntime,
  defineAuth as baseDefineAuth,
  getGeneratedAuthDisabledReason,
  resolveGeneratedAuthDefinition,
} from "better-convex/auth";

import { internal } from "../_generated/api.js";
import * as authDefinitionModule from "../auth.js";
import schema from "../schema.js";

export function defineAuth(definition) {
  return baseDefineAuth(definition);
}

const authDefinition = (ctx) =>
  resolveGeneratedAuthDefinition(
    authDefinitionModule,
    getGeneratedAuthDisabledReason("default_export_unavailable"),
  )(ctx);

const authRuntime = createAuthRuntime({
  internal,
  moduleName: "generated/auth",
  schema,
  auth: authDefinition,
});

export const {
  authEnabled,
  authClient,
  getAuth,
  auth,
  create,
  deleteMany,
  deleteOne,
  findMany,
  findOne,
  updateMany,
  updateOne,
  getLatestJwks,
  rotateKeys,
} = authRuntime;
