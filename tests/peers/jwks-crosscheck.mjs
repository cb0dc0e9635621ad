// Cross-check of bcadmin's key and token crypto against the real libraries, both ways:
// better-auth 1.4.9's own symmetricEncrypt/symmetricDecrypt (better-auth/crypto) and jose (the
// JWT library better-auth's jwt plugin uses). bcadmin's side runs through the test-only driver
// tests/tools/bc-crypto-tool, whose path is the first argument. Prints one "ok"/"not ok" line per
// check and exits 1 when any failed.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify } from "jose";

const tool = process.argv[2];
if (!tool) {
    console.error("usage: node jwks-crosscheck.mjs <path to bc-crypto-tool>");
    process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "bc-jwks-"));
let failures = 0;
const ok = (name) => console.log(`ok - ${name}`);
const bad = (name, why) => {
    failures++;
    console.log(`not ok - ${name}: ${why}`);
};
const check = (name, cond, why) => (cond ? ok(name) : bad(name, why));

// Run the tool; returns {status, stdout, stderr}.
function bc(args, input = "") {
    const r = spawnSync(tool, args, { input, encoding: "utf8" });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}
function bcOk(args, input = "") {
    const r = bc(args, input);
    if (r.status !== 0) throw new Error(`bc-crypto-tool ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
}
function file(name, text) {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
}
async function attempt(name, fn) {
    try {
        await fn();
    } catch (e) {
        bad(name, e.message);
    }
}

// ---- symmetricEncrypt / symmetricDecrypt ----
const secrets = [
    "vectors-secret-0123456789abcdef-0123456789abcdef",
    "ключ-секрет-鍵-🔐-non-ASCII-0123456789abcdef",
    "s3cr3t with spaces, \"quotes\", $dollars and `backticks`",
    "x",
];
const plaintexts = [
    "",
    "hello",
    "non-ASCII: ключ 鍵 🔐",
    JSON.stringify({ kty: "OKP", crv: "Ed25519", d: "example-d", x: "example-x" }),
    "z".repeat(10000),
];
for (const [si, key] of secrets.entries()) {
    for (const [pi, data] of plaintexts.entries()) {
        const label = `secret ${si + 1}, plaintext ${pi + 1}`;
        await attempt(`better-auth decrypts what bcadmin encrypted (${label})`, async () => {
            const hex = bcOk(["encrypt", key], data).trim();
            check(`bcadmin output is lowercase hex (${label})`, /^[0-9a-f]+$/.test(hex), hex.slice(0, 40));
            const back = await symmetricDecrypt({ key, data: hex });
            check(`better-auth decrypts what bcadmin encrypted (${label})`, back === data,
                `got ${JSON.stringify(back.slice(0, 40))}`);
        });
        await attempt(`bcadmin decrypts what better-auth encrypted (${label})`, async () => {
            const hex = await symmetricEncrypt({ key, data });
            const back = bcOk(["decrypt", key], hex);
            check(`bcadmin decrypts what better-auth encrypted (${label})`, back === data,
                `got ${JSON.stringify(back.slice(0, 40))}`);
        });
    }
}
await attempt("a wrong secret fails in bcadmin", async () => {
    const hex = await symmetricEncrypt({ key: secrets[0], data: "hello" });
    const r = bc(["decrypt", secrets[1]], hex);
    check("a wrong secret fails in bcadmin", r.status === 1 && /does not decrypt with this secret/.test(r.stderr),
        `status ${r.status}, stderr ${r.stderr}`);
});
await attempt("a wrong secret fails in better-auth", async () => {
    const hex = bcOk(["encrypt", secrets[0]], "hello").trim();
    let threw = false;
    try {
        await symmetricDecrypt({ key: secrets[1], data: hex });
    } catch {
        threw = true;
    }
    check("a wrong secret fails in better-auth", threw, "decrypted anyway");
});

// ---- keys and JWTs ----
const algs = [
    { alg: "EdDSA", tool: "ed25519" },
    { alg: "RS256", tool: "rsa" },
    { alg: "PS256", tool: "rsa" },
    { alg: "ES256", tool: "p256" },
    { alg: "ES512", tool: "p521" },
];
const now = Math.floor(Date.now() / 1000);
const issuer = "https://site.example";
const audience = "convex";
const claims = { sub: "user-1", name: "Zoë ✓", role: "user", iat: now, exp: now + 900, iss: issuer, aud: audience };
const sameKeys = (a, b) => isDeepStrictEqual(Object.keys(a).sort(), Object.keys(b).sort()) && isDeepStrictEqual(a, b);

for (const { alg, tool: type } of algs) {
    await attempt(`${alg}: bcadmin's key and token work in jose`, async () => {
        const privText = bcOk(["genkey", type]);
        const priv = JSON.parse(privText);
        const pub = JSON.parse(bcOk(["public"], privText));
        // jose reads bcadmin's JWKs and writes back exactly the same members
        const josePriv = await importJWK(priv, alg, { extractable: true });
        check(`${alg}: jose re-exports bcadmin's private JWK unchanged`,
            sameKeys(await exportJWK(josePriv), priv), JSON.stringify(await exportJWK(josePriv)).slice(0, 80));
        const josePub = await importJWK(pub, alg, { extractable: true });
        check(`${alg}: jose re-exports bcadmin's public JWK unchanged`, sameKeys(await exportJWK(josePub), pub),
            "differs");
        // a token bcadmin signs verifies in jose, looked up by kid in a JWKS
        const kid = `bc-${alg}`;
        const token = bcOk(["sign", file(`${alg}.priv.json`, privText), alg, kid], JSON.stringify(claims)).trim();
        const jwks = createLocalJWKSet({ keys: [{ ...pub, alg, kid }] });
        const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, algorithms: [alg] });
        check(`${alg}: jose verifies bcadmin's token`, isDeepStrictEqual(payload, claims), JSON.stringify(payload));
        check(`${alg}: bcadmin's header is {alg, kid}`, isDeepStrictEqual(protectedHeader, { alg, kid }),
            JSON.stringify(protectedHeader));
        // and jose refuses it once the payload is changed
        const [h, , s] = token.split(".");
        const forged = [h, Buffer.from(JSON.stringify({ ...claims, role: "admin" })).toString("base64url"), s].join(".");
        let refused = false;
        try {
            await jwtVerify(forged, jwks);
        } catch {
            refused = true;
        }
        check(`${alg}: jose refuses bcadmin's token with a forged payload`, refused, "accepted");
    });

    await attempt(`${alg}: jose's key and token work in bcadmin`, async () => {
        const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
        const priv = await exportJWK(privateKey);
        const pub = await exportJWK(publicKey);
        check(`${alg}: bcadmin derives jose's public JWK from its private JWK`,
            sameKeys(JSON.parse(bcOk(["public"], JSON.stringify(priv))), pub), "differs");
        const kid = `jose-${alg}`;
        const token = await new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(privateKey);
        const jwksFile = file(`${alg}.jwks.json`, JSON.stringify({ keys: [{ alg, ...pub, kid }] }));
        const out = bc(["verify", jwksFile, issuer, audience, String(now + 1)], token);
        check(`${alg}: bcadmin verifies jose's token`, out.status === 0 && isDeepStrictEqual(JSON.parse(out.stdout), claims),
            out.stderr || out.stdout);
        const wrongAud = bc(["verify", jwksFile, issuer, "someone-else", String(now + 1)], token);
        check(`${alg}: bcadmin refuses jose's token for another audience`, wrongAud.status === 1, wrongAud.stdout);
        const late = bc(["verify", jwksFile, issuer, audience, String(now + 901)], token);
        check(`${alg}: bcadmin refuses jose's token once expired`, late.status === 1 && /expired/.test(late.stderr),
            late.stderr);
    });
}

// ---- jwks rows: exactly what the jwt plugin's createJwk stores and sign.mjs reads ----
for (const { alg } of [{ alg: "EdDSA" }, { alg: "RS256" }]) {
    const secret = secrets[1];
    await attempt(`${alg}: bcadmin opens a row made the way better-auth makes it`, async () => {
        const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
        const privateWebKey = await exportJWK(privateKey);
        const row = {
            alg,
            createdAt: Date.now(),
            id: "row-made-by-better-auth-crypto00",
            privateKey: JSON.stringify(await symmetricEncrypt({ key: secret, data: JSON.stringify(privateWebKey) })),
            publicKey: JSON.stringify(await exportJWK(publicKey)),
        };
        const out = bc(["row-open", secret], JSON.stringify([row], null, 2));
        check(`${alg}: bcadmin opens a row made the way better-auth makes it`,
            out.status === 0 && sameKeys(JSON.parse(out.stdout), privateWebKey), out.stderr);
        const wrong = bc(["row-open", secrets[0]], JSON.stringify([row]));
        check(`${alg}: bcadmin names the row whose key the secret cannot open`,
            wrong.status === 1 && wrong.stderr.includes(`privateKey of key ${row.id} does not decrypt with this secret`),
            wrong.stderr);
    });
    await attempt(`${alg}: better-auth signs with a row bcadmin made`, async () => {
        const privText = bcOk(["genkey", alg === "EdDSA" ? "ed25519" : "rsa"]);
        const [row] = JSON.parse(bcOk(["row-new", secret, file(`row-${alg}.json`, privText), alg]));
        // as better-auth's jwt plugin does in sign.mjs and in the /jwks endpoint
        const privateWebKey = await symmetricDecrypt({ key: secret, data: JSON.parse(row.privateKey) });
        const key = await importJWK(JSON.parse(privateWebKey), alg);
        const token = await new SignJWT(claims).setProtectedHeader({ alg, kid: row.id }).sign(key);
        const jwks = createLocalJWKSet({ keys: [{ alg, ...JSON.parse(row.publicKey), kid: row.id }] });
        const { payload } = await jwtVerify(token, jwks, { issuer, audience });
        check(`${alg}: better-auth signs with a row bcadmin made`, isDeepStrictEqual(payload, claims), "payload differs");
        check(`${alg}: row id is 32 characters of [a-zA-Z0-9]`, /^[A-Za-z0-9]{32}$/.test(row.id), row.id);
    });
}

rmSync(dir, { recursive: true, force: true });
console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
