// The app's own tables: none; the auth tables live in the betterAuth component.
import { defineSchema } from "convex/server";

export default defineSchema({});
