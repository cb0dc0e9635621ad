// As in the guide: a static JWKS from the JWKS variable when set, else the site's JWKS URL.
import { getAuthConfigProvider } from "@convex-dev/better-auth/auth-config";

export default {
  providers: [getAuthConfigProvider({ jwks: process.env.JWKS })],
};
