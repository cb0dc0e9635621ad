// The hand-written codegen stand-in every test app shares (convex-deployment/convex/_generated):
// under --app its `convex` import resolves to this app's own package (loader.mjs).
export * from "../../../convex/_generated/server.js";
