// The app's own tables: none; the auth tables belong to the betterAuth component.
import { defineSchema } from "convex/server";

export default defineSchema({});
