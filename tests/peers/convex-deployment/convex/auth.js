// Root layout (better-convex <= 0.6, as in the guide): the createApi functions at `auth:*`.
import { internal } from "./_generated/api.js";
import { setupAuth } from "./authSetup.js";

const auth = setupAuth(internal.auth);

export const { createAuth, getAuthOptions } = auth;
export const {
  create,
  deleteMany,
  deleteOne,
  findMany,
  findOne,
  updateMany,
  updateOne,
  getLatestJwks,
  rotateKeys,
} = auth.api;
