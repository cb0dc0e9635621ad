// The guide's HTTP routes: Better Auth under /api/auth (including /api/auth/convex/jwks).
import { httpRouter } from "convex/server";
import { registerRoutes } from "better-convex/auth";

import { internal } from "./_generated/api.js";
import { setupAuth } from "./authSetup.js";

const http = httpRouter();
registerRoutes(http, setupAuth(internal.auth).createAuth);
export default http;
