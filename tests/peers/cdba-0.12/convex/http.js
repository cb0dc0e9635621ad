// Better Auth's routes (/api/auth/..., /api/auth/convex/jwks included) through the component client.
import { httpRouter } from "convex/server";

import { authComponent, createAuth } from "./betterAuth/auth.js";

const http = httpRouter();
authComponent.registerRoutes(http, createAuth);
export default http;
