// The app's HTTP routes: Better Auth under /api/auth (including /api/auth/convex/jwks).
import { httpRouter } from "convex/server";
import { registerRoutes } from "better-convex/auth/http";

import { getAuth } from "./generated/auth.js";

const http = httpRouter();
registerRoutes(http, getAuth);
export default http;
