#!/usr/bin/env bash
# bcadmin's key and token crypto against the real better-auth 1.4.9 (its own symmetricEncrypt /
# symmetricDecrypt) and jose, both ways: see tests/peers/jwks-crosscheck.mjs. Argument: the path of
# the test-only bc-crypto-tool that meson built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers="$here/../peers"
tool=$(realpath "${1:?usage: jwks_crypto.sh <bc-crypto-tool>}")
[ -d "$peers/node_modules/better-auth" ] && [ -d "$peers/node_modules/jose" ] ||
    { echo "SKIP: npm packages missing in tests/peers (run npm ci there)"; exit 77; }
command -v node >/dev/null || { echo "SKIP: node is not installed"; exit 77; }
cd "$peers"
exec node jwks-crosscheck.mjs "$tool"
