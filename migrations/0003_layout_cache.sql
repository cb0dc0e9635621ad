-- Where a Convex deployment's auth functions were found ("auth:*", "generated/auth:*",
-- "betterAuth/adapter:*"), per deployment URL and admin-key fingerprint (never the key), so the
-- next process uses it without probing. A call that answers "function not found" re-detects
-- and replaces the row.
CREATE TABLE layout_cache (
    url TEXT NOT NULL,
    fingerprint TEXT NOT NULL,         -- "key:1a2b3c4d"
    functions TEXT NOT NULL,
    detected_at TEXT NOT NULL,         -- ISO-8601 UTC with milliseconds
    PRIMARY KEY (url, fingerprint)
);
