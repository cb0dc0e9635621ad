#!/usr/bin/env bash
# Smoke tests of the Convex test deployment (tests/peers/convex-deployment/server.mjs) with curl:
# the admin key, function calls through the real better-convex createApi functions, the contains
# search's short pages, JWKS creation and rotation, environment variables (atomic batches, name
# and size rules) and every injected fault. The server is started here and stopped on every exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers="$here/../peers"
[ -d "$peers/node_modules/convex-test" ] || { echo "SKIP: npm packages missing in tests/peers"; exit 77; }

tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

KEY='convex-self-hosted|0123456789abcdef'
node "$peers/convex-deployment/server.mjs" --admin-key "$KEY" --instance-name smoke \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 1200); do
    grep -q '^PORT ' "$tmp/out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/err"; echo "server died"; exit 1; }
    sleep 0.1
done
port=$(awk '/^PORT /{print $2}' "$tmp/out")
[ -n "$port" ] || { echo "server did not print its port"; exit 1; }
base="http://127.0.0.1:$port"

failures=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; failures=$((failures + 1)); }
# check NAME ACTUAL EXPECTED
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1: got [$2], want [$3]"; fi; }

# js EXPR: evaluate EXPR with v = the JSON read from stdin, print the result (strings raw).
js() {
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);
             const r=('"$1"');console.log(typeof r==="string"?r:JSON.stringify(r))})'
}
# post PATH BODY [curl args...]: prints "<status> <body>".
post() {
    local path=$1 body=$2
    shift 2
    curl -sS -o "$tmp/body" -w '%{http_code}' -X POST "$base$path" -H 'content-type: application/json' \
        -H "Authorization: Convex $KEY" -d "$body" "$@" >"$tmp/code" || true
    echo "$(cat "$tmp/code") $(cat "$tmp/body")"
}
# call PATH ARGS: the success value of a function, or fail the test with the answer.
call() {
    local answer
    answer=$(post /api/function "{\"path\":\"$1\",\"args\":$2,\"format\":\"convex_encoded_json\"}")
    if [ "$(echo "${answer#* }" | js 'v.status')" != success ]; then
        bad "call $1: $answer"
        echo null
        return
    fi
    echo "${answer#* }" | js 'v.value'
}
status_of() { echo "${1%% *}"; }
body_of() { echo "${1#* }"; }

# --- the admin key and request errors ---------------------------------------------------------
findone='{"path":"auth:findOne","args":{"model":"user","where":[]}}'
r=$(curl -sS -w ' %{http_code}' -X POST "$base/api/function" -H 'content-type: application/json' \
    -H 'Authorization: Convex convex-self-hosted|wrong' -d "$findone")
check "wrong key is 403" "${r##* }" 403
check "wrong key is BadDeployKey naming the deployment" "$(echo "${r% *}" | js 'v.code+" "+v.message.includes("deployment '"'smoke'"'")')" "BadDeployKey true"
r=$(curl -sS -w ' %{http_code}' -X POST "$base/api/function" -H 'content-type: application/json' -d "$findone")
check "no key on /api/function is 403 BadDeployKey" "${r##* } $(echo "${r% *}" | js 'v.code')" "403 BadDeployKey"
r=$(curl -sS -w ' %{http_code}' -X POST "$base/api/query" -H 'content-type: application/json' -d "$findone")
check "internal function without a key is not found" "${r##* } $(echo "${r% *}" | js 'v.status+": "+v.errorMessage.split(".")[0]')" \
    "200 error: Could not find public function for 'auth:findOne'"
r=$(post /api/query "$findone")
check "internal function with the key runs on /api/query" "$(body_of "$r" | js 'v.status+" "+v.value')" "success null"
r=$(curl -sS -w ' %{http_code}' -X POST "$base/api/function" -H 'content-type: text/plain' \
    -H "Authorization: Convex $KEY" -d "$findone")
check "wrong Content-Type is 400 BadJsonBody" "${r##* } $(echo "${r% *}" | js 'v.message')" \
    "400 Expected request with \`Content-Type: application/json\`"
r=$(post /api/function '{"path":')
check "malformed body is 400 BadJsonBody" "$(status_of "$r") $(body_of "$r" | js 'v.code')" "400 BadJsonBody"
r=$(post /api/function '{"path":"auth:nope","args":{}}')
check "unknown function" "$(body_of "$r" | js 'v.errorMessage')" \
    "Could not find public function for 'auth:nope'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?"
r=$(post /api/mutation '{"path":"auth:findOne","args":{"model":"user"}}')
check "a query called as a mutation" "$(body_of "$r" | js 'v.errorMessage')" \
    "Trying to execute auth:findOne as Mutation, but it is defined as Query."
r=$(post /api/function '{"path":"auth:updateOne","args":{"input":{"model":"user","where":[{"field":"email","value":"nobody@x.io"}],"update":{"name":"x"}}}}')
check "a function error is HTTP 200 status error" "$(status_of "$r") $(body_of "$r" | js 'v.status+" "+v.errorMessage.split("\n")[0]')" \
    "200 error Uncaught Error: Failed to update user"

# --- create / find / update / delete round trip --------------------------------------------------
now=1767225600000
for who in ann bob cat; do
    call auth:create "{\"input\":{\"model\":\"user\",\"data\":{\"name\":\"$who\",\"email\":\"$who@example.com\",\"emailVerified\":false,\"createdAt\":$now,\"updatedAt\":$now,\"role\":\"user\",\"banned\":false}}}" >/dev/null
done
page=$(call auth:findMany '{"model":"user","where":[{"field":"email","value":"bob@example.com"}],"paginationOpts":{"numItems":10,"cursor":null}}')
check "findMany with a where clause" "$(echo "$page" | js 'v.page.map(d=>d.name).join()+" "+v.isDone')" "bob true"
bob=$(echo "$page" | js 'v.page[0]._id')
check "documents carry _id, _creationTime and ms dates" "$(echo "$page" | js 'typeof v.page[0]._creationTime+" "+v.page[0].createdAt+" "+v.page[0].emailVerified')" \
    "number $now false"
page=$(call auth:findMany '{"model":"user","paginationOpts":{"numItems":2,"cursor":null}}')
check "a first page of 2" "$(echo "$page" | js 'v.page.length+" "+v.isDone')" "2 false"
cursor=$(echo "$page" | js 'JSON.stringify(v.continueCursor)')
page=$(call auth:findMany "{\"model\":\"user\",\"paginationOpts\":{\"numItems\":2,\"cursor\":$cursor}}")
check "the next page ends it" "$(echo "$page" | js 'v.page.length+" "+v.isDone')" "1 true"
doc=$(call auth:updateOne "{\"input\":{\"model\":\"user\",\"where\":[{\"field\":\"_id\",\"value\":\"$bob\"}],\"update\":{\"banned\":true,\"banReason\":\"spam\",\"updatedAt\":$((now + 1))}}}")
check "updateOne returns the new document" "$(echo "$doc" | js 'v.banned+" "+v.banReason+" "+v.updatedAt')" "true spam $((now + 1))"
# better-convex 0.6.4 refuses `in` on email (its index is the compound email_name); on _id it works.
r=$(post /api/function '{"path":"auth:findMany","args":{"model":"user","where":[{"field":"email","operator":"in","value":["a@x.io","b@x.io"]}],"paginationOpts":{"numItems":10,"cursor":null}}}')
check "in over email fails in better-convex 0.6.4" "$(body_of "$r" | js 'v.status+" "+v.errorMessage.includes("indexFields must be some sequence")')" "error true"
ann=$(call auth:findOne '{"model":"user","where":[{"field":"email","value":"ann@example.com"}]}' | js 'v._id')
res=$(call auth:deleteMany "{\"input\":{\"model\":\"user\",\"where\":[{\"field\":\"_id\",\"operator\":\"in\",\"value\":[\"$ann\",\"$bob\"]}]},\"paginationOpts\":{\"numItems\":100,\"cursor\":null}}")
check "deleteMany with in over _id" "$(echo "$res" | js 'v.count+" "+v.ids.length+" "+v.isDone')" "2 2 true"
page=$(call auth:findMany '{"model":"user","paginationOpts":{"numItems":10,"cursor":null}}')
check "one user left" "$(echo "$page" | js 'v.page.map(d=>d.name).join()')" "cat"
r=$(post /api/function '{"path":"auth:findMany","args":{"model":"user","paginationOpts":{"numItems":{"$integer":"AQAAAAAAAAA="},"cursor":null}}}')
check "int64 arguments are decoded (and refused by the validator)" "$(body_of "$r" | js 'v.status+" "+v.errorMessage.includes("Expected `number`, got `1`")')" "error true"

# --- a contains search reads a bounded number of rows per call ----------------------------------
seeded=$(curl -sS -X POST "$base/__test/seed" -H 'content-type: application/json' -d '{"users":1500,"sessionsPerUser":1}')
check "seed" "$(echo "$seeded" | js 'v.users+" "+v.sessions+" "+v.accounts')" "1500 1500 1500"
where='[{"field":"email","operator":"contains","value":"user01499@"}]'
page=$(call auth:findMany "{\"model\":\"user\",\"where\":$where,\"paginationOpts\":{\"numItems\":5,\"cursor\":null}}")
check "contains: a short page that is not the end" "$(echo "$page" | js '(v.page.length<5)+" "+v.isDone+" "+v.pageStatus+" "+typeof v.splitCursor')" \
    "true false SplitRequired string"
found=""
for _ in $(seq 1 50); do
    found="$found$(echo "$page" | js 'v.page.map(d=>d.email).join()')"
    [ "$(echo "$page" | js 'v.isDone')" = true ] && break
    cursor=$(echo "$page" | js 'JSON.stringify(v.continueCursor)')
    page=$(call auth:findMany "{\"model\":\"user\",\"where\":$where,\"paginationOpts\":{\"numItems\":5,\"cursor\":$cursor}}")
done
check "contains: paging on finds the row" "$found" "user01499@example.com"

# --- JWKS -------------------------------------------------------------------------------------
r=$(post /api/update_environment_variables '{"changes":[{"name":"BETTER_AUTH_SECRET","value":"0123456789abcdef0123456789abcdef0123456789ab"},{"name":"SITE_URL","value":"http://localhost:3000"}]}')
check "set the secret first" "$(status_of "$r")" 200
jwks=$(call auth:getLatestJwks '{}')
check "getLatestJwks makes one RS256 key" "$(echo "$jwks" | js 'v.length+" "+v[0].alg+" "+JSON.parse(v[0].publicKey).kty+" "+v[0].privateKey.startsWith("\"")')" "1 RS256 RSA true"
first=$(echo "$jwks" | js 'v[0].id')
count() { call auth:findMany '{"model":"jwks","paginationOpts":{"numItems":100,"cursor":null}}' | js 'v.page.length'; }
check "one jwks row" "$(count)" 1
check "getLatestJwks again returns the same key" "$(call auth:getLatestJwks '{}' | js 'v[0].id')" "$first"
rotated=$(call auth:rotateKeys '{}')
check "rotateKeys leaves exactly one, new key" "$(count) $(echo "$rotated" | js "v[0].id !== '$first'")" "1 true"
value=$(echo "$rotated" | js 'JSON.stringify(JSON.stringify(v,null,2))')
r=$(post /api/update_environment_variables "{\"changes\":[{\"name\":\"JWKS\",\"value\":$value}]}")
check "set JWKS" "$(status_of "$r")" 200
check "the site publishes the key" "$(curl -sS "$base/api/auth/convex/jwks" | js 'v.keys.map(k=>k.kid).join()')" "$(echo "$rotated" | js 'v[0].id')"

# --- environment variables --------------------------------------------------------------------
list() { curl -sS "$base/api/v1/list_environment_variables" -H "Authorization: Convex $KEY"; }
before=$(list)
check "list shape" "$(echo "$before" | js 'Object.keys(v.environmentVariables).sort().join()')" "BETTER_AUTH_SECRET,JWKS,SITE_URL"
r=$(post /api/update_environment_variables '{"changes":[{"name":"GOOD","value":"1"},{"name":"1BAD","value":"x"}]}')
check "a batch with a bad name is refused" "$(status_of "$r") $(body_of "$r" | js 'v.code')" "400 EnvironmentVariableNameInvalid"
check "and changes nothing" "$(list)" "$before"
big=$(head -c 8193 /dev/zero | tr '\0' x)
r=$(post /api/v1/update_environment_variables "{\"changes\":[{\"name\":\"GOOD\",\"value\":\"1\"},{\"name\":\"BIG\",\"value\":\"$big\"}]}")
check "a value over 8 KiB is refused" "$(status_of "$r") $(body_of "$r" | js 'v.code')" "400 EnvironmentVariableValueTooLarge"
check "and changes nothing" "$(list)" "$before"
r=$(post /api/update_environment_variables '{"changes":[{"name":"JWKS","value":"not json"}]}')
check "a JWKS that breaks the auth config is refused" "$(status_of "$r") $(body_of "$r" | js 'v.message.startsWith("This change would make the auth config invalid")')" "400 true"
check "and changes nothing" "$(list)" "$before"
tricky='a "quoted" $HOME `tick` = x\nline two é'
quoted=$(node -e 'console.log(JSON.stringify(process.argv[1]))' "$tricky")
r=$(post /api/update_environment_variables "{\"changes\":[{\"name\":\"GOOD\",\"value\":$quoted},{\"name\":\"SITE_URL\",\"value\":null}]}")
check "a valid batch applies" "$(status_of "$r") $(body_of "$r")" "200 "
check "null deletes" "$(list | js 'Object.keys(v.environmentVariables).sort().join()')" "BETTER_AUTH_SECRET,GOOD,JWKS"
check "values round-trip byte for byte" "$(list | js 'JSON.stringify(v.environmentVariables.GOOD)')" "$quoted"
r=$(curl -sS -w ' %{http_code}' "$base/api/v1/list_environment_variables")
check "listing needs the key" "${r##* } $(echo "${r% *}" | js 'v.code')" "403 BadDeployKey"

# --- an app that fails on a variable's value ----------------------------------------------------
# A deployment takes any value; an invalid SITE_URL makes the app's Better Auth throw (and leave a
# rejected promise nobody awaits). Like a real deployment, only those requests fail: the server
# answers 500, says on stderr what failed and which variable holds the value, and keeps serving.
r=$(post /api/update_environment_variables '{"changes":[{"name":"SITE_URL","value":"not a url"}]}')
check "an invalid SITE_URL is accepted" "$(status_of "$r")" 200
check "the site's request fails" "$(curl -sS -o /dev/null -w '%{http_code}' "$base/api/auth/convex/jwks")" 500
check "the deployment still answers" "$(list | js 'v.environmentVariables.SITE_URL')" "not a url"
check "and the site again (another failure, not a crash)" "$(curl -sS -o /dev/null -w '%{http_code}' "$base/api/auth/convex/jwks")" 500
grep -q '^server.mjs: GET /api/auth/convex/jwks failed: BetterAuthError: Invalid base URL: not a url.*; that value is the deployment variable SITE_URL$' "$tmp/err" &&
    ok "stderr names the error and the variable" || bad "stderr names the error and the variable: $(tail -5 "$tmp/err")"
r=$(post /api/update_environment_variables '{"changes":[{"name":"SITE_URL","value":"http://localhost:3000"}]}')
check "a valid SITE_URL again: the site answers" "$(status_of "$r") $(curl -sS -o /dev/null -w '%{http_code}' "$base/api/auth/convex/jwks")" "200 200"

# --- faults -----------------------------------------------------------------------------------
fault() { curl -sS -X POST "$base/__test/faults" -H 'content-type: application/json' -d "$1" >/dev/null; }
fault '{"kind":"status","status":503}'
r=$(post /api/function "$findone")
check "503 fault" "$(status_of "$r") $(body_of "$r" | js 'v.code')" "503 Overloaded"
check "a consumed fault is gone" "$(post /api/function "$findone" | cut -d' ' -f1)" 200
fault '{"kind":"status","status":429,"count":2,"fn":"auth:findOne"}'
h=$(curl -sS -i -X POST "$base/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" -d "$findone" | tr -d '\r')
check "429 fault with Retry-After" "$(echo "$h" | head -1 | cut -d' ' -f2) $(echo "$h" | grep -ci '^retry-after: 1')" "429 1"
check "429 fault for a second request" "$(post /api/function "$findone" | cut -d' ' -f1)" 429
fault '{"kind":"status","status":500,"path":"/api/query"}'
check "a path-matched fault skips other paths" "$(post /api/function "$findone" | cut -d' ' -f1)" 200
check "500 fault on its path" "$(post /api/query "$findone" | cut -d' ' -f1)" 500
fault '{"kind":"drop"}'
rc=0
curl -sS -o /dev/null -X POST "$base/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" -d "$findone" 2>/dev/null || rc=$?
check "dropped connection (curl: empty reply)" "$rc" 52
fault '{"kind":"drop","phase":"after","fn":"auth:updateOne"}'
rc=0
curl -sS -o /dev/null -X POST "$base/api/function" -H 'content-type: application/json' -H "Authorization: Convex $KEY" \
    -d '{"path":"auth:updateOne","args":{"input":{"model":"user","where":[{"field":"email","value":"cat@example.com"}],"update":{"role":"admin"}}}}' 2>/dev/null || rc=$?
check "drop after the mutation ran" "$rc" 52
check "the dropped mutation was applied" "$(call auth:findOne '{"model":"user","where":[{"field":"email","value":"cat@example.com"}]}' | js 'v.role')" admin
fault '{"kind":"malformed"}'
r=$(post /api/function "$findone")
check "malformed body" "$(status_of "$r") $(body_of "$r" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{JSON.parse(s);console.log("json")}catch{console.log("broken")}})')" "200 broken"
fault '{"kind":"slow","ms":400}'
r=$(post /api/function "$findone")
check "slow response arrives whole" "$(status_of "$r") $(body_of "$r" | js 'v.status')" "200 success"
fault '{"kind":"latency","ms":200,"count":3}'
for _ in 1 2 3; do post /api/function "$findone" >/dev/null; done
check "latency faults are consumed" "$(curl -sS "$base/__test/faults" | js 'v.faults.length')" 0
fault '{"kind":"status","status":503,"persistent":true}'
check "persistent fault 1" "$(post /api/function "$findone" | cut -d' ' -f1)" 503
check "persistent fault 2" "$(post /api/function "$findone" | cut -d' ' -f1)" 503
curl -sS -X DELETE "$base/__test/faults" >/dev/null
check "faults cleared" "$(post /api/function "$findone" | cut -d' ' -f1)" 200
stats=$(curl -sS "$base/__test/stats")
check "stats count requests" "$(echo "$stats" | js 'v.requests>40 && v.byFunction["auth:findOne"]>10')" true

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed; server stderr:"
    tail -20 "$tmp/err"
    exit 1
fi
echo "all checks passed"
