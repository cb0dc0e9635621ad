// As in @convex-dev/better-auth's static-JWKS setup: JWKS from the environment when set.
import { getAuthConfigProvider } from "@convex-dev/better-auth/auth-config";

export default {
  providers: [getAuthConfigProvider({ jwks: process.env.JWKS })],
};
