// HTTP routes for the 0.11 layout (served as the app's `http` module when that layout runs).
import { httpRouter } from "convex/server";
import { registerRoutes } from "better-convex/auth";

import { internal } from "../_generated/api.js";
import { setupAuth } from "../authSetup.js";

const http = httpRouter();
registerRoutes(http, setupAuth(internal.generated.auth).createAuth);
export default http;
