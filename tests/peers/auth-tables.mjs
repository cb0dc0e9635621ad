// auth-tables.mjs - the Better Auth tables (with the admin plugin's fields and the indexes the
// generators declare) for the Convex test apps of the version matrix, built with the app's own
// convex package: authTables({ defineTable, v }).
export function authTables({ defineTable, v }) {
  const optional = (t) => v.optional(v.union(v.null(), t));
  return {
    user: defineTable({
      name: v.string(),
      email: v.string(),
      emailVerified: v.boolean(),
      image: optional(v.string()),
      createdAt: v.number(),
      updatedAt: v.number(),
      role: optional(v.string()),
      banned: optional(v.boolean()),
      banReason: optional(v.string()),
      banExpires: optional(v.number()),
      userId: optional(v.string()),
    })
      .index("email_name", ["email", "name"])
      .index("name", ["name"])
      .index("userId", ["userId"]),
    session: defineTable({
      expiresAt: v.number(),
      token: v.string(),
      createdAt: v.number(),
      updatedAt: v.number(),
      ipAddress: optional(v.string()),
      userAgent: optional(v.string()),
      userId: v.string(),
      impersonatedBy: optional(v.string()),
    })
      .index("expiresAt", ["expiresAt"])
      .index("expiresAt_userId", ["expiresAt", "userId"])
      .index("token", ["token"])
      .index("userId", ["userId"]),
    account: defineTable({
      accountId: v.string(),
      providerId: v.string(),
      userId: v.string(),
      accessToken: optional(v.string()),
      refreshToken: optional(v.string()),
      idToken: optional(v.string()),
      accessTokenExpiresAt: optional(v.number()),
      refreshTokenExpiresAt: optional(v.number()),
      scope: optional(v.string()),
      password: optional(v.string()),
      createdAt: v.number(),
      updatedAt: v.number(),
    })
      .index("accountId", ["accountId"])
      .index("accountId_providerId", ["accountId", "providerId"])
      .index("providerId_userId", ["providerId", "userId"])
      .index("userId", ["userId"]),
    verification: defineTable({
      identifier: v.string(),
      value: v.string(),
      expiresAt: v.number(),
      createdAt: v.number(),
      updatedAt: v.number(),
    })
      .index("expiresAt", ["expiresAt"])
      .index("identifier", ["identifier"]),
    jwks: defineTable({
      publicKey: v.string(),
      privateKey: v.string(),
      createdAt: v.number(),
      expiresAt: optional(v.number()),
    }),
  };
}
