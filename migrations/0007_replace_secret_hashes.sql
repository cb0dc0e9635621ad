-- The replace-secret checklist's audit entries (action 'env.replace_secret') once recorded the
-- old and the new BETTER_AUTH_SECRET's short hash (the first 8 hex digits of its SHA-256, the
-- same bc_envsync_hash env.sync uses) under the field "kid", so the log read as if a key id had
-- changed. Since then they record the same values as env.sync does: under the variable's name,
-- prefixed "sha256:". This rewrites the older entries to that shape, value for value: nothing is
-- recomputed or guessed, only the field is renamed and the prefix added. The old shapes are
-- exactly what bcadmin wrote (compact JSON, "kid" first): before {"kid":"1a2b3c4d"} or
-- {"kid":null} (no secret before), after {"kid":"5e6f7a8b","checklistRun":"N"}. Anything else
-- is left as it is.
UPDATE audit
SET before_json = CASE
        WHEN before_json = '{"kid":null}' THEN '{"BETTER_AUTH_SECRET":null}'
        WHEN substr(before_json, 1, 8) = '{"kid":"'
            THEN '{"BETTER_AUTH_SECRET":"sha256:' || substr(before_json, 9)
        ELSE before_json
    END,
    after_json = CASE
        WHEN substr(after_json, 1, 8) = '{"kid":"'
            THEN '{"BETTER_AUTH_SECRET":"sha256:' || substr(after_json, 9)
        ELSE after_json
    END
WHERE action = 'env.replace_secret'
  AND (before_json = '{"kid":null}' OR substr(before_json, 1, 8) = '{"kid":"'
       OR substr(after_json, 1, 8) = '{"kid":"');
