// better-convex 0.11 layout: the same createApi functions generated at `generated/auth:*`.
import { internal } from "../_generated/api.js";
import { setupAuth } from "../authSetup.js";

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
} = setupAuth(internal.generated.auth).api;
