// Hand-written stand-in for `npx convex codegen`: the generic builders under the names the app
// code imports, so the app runs under convex-test without a build step.
export {
  actionGeneric as action,
  httpActionGeneric as httpAction,
  internalActionGeneric as internalAction,
  internalMutationGeneric as internalMutation,
  internalQueryGeneric as internalQuery,
  mutationGeneric as mutation,
  queryGeneric as query,
} from "convex/server";
