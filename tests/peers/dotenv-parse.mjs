// The real dotenv's reading of .env files, read the way better-convex 0.6.4 reads convex/.env
// (fs.readFileSync(path, "utf-8") then dotenv's parse).
//   node dotenv-parse.mjs FILE            -> JSON, one "name": value per line, names sorted
//   node dotenv-parse.mjs FILE NAME       -> the raw bytes of NAME's value (exit 3 when absent)
//   node dotenv-parse.mjs --json FILE...  -> writes FILE.dotenv.json for each FILE
//   node dotenv-parse.mjs --check MANIFEST
//        each line "ORIGINAL<TAB>WRITTEN<TAB>NAME<TAB>VALUE_FILE": WRITTEN must read NAME as
//        exactly the bytes of VALUE_FILE and every other name exactly as ORIGINAL does; prints
//        one FAIL line per difference and exits 1 if there was any
import fs from 'node:fs';
import dotenv from 'dotenv';

const read = (file) => dotenv.parse(fs.readFileSync(file, 'utf-8'));
const has = (obj, k) => Object.prototype.hasOwnProperty.call(obj, k);
const asJson = (parsed) => {
  const lines = Object.keys(parsed).sort()
    .map((k) => '  ' + JSON.stringify(k) + ': ' + JSON.stringify(parsed[k]));
  return '{\n' + (lines.length ? lines.join(',\n') + '\n' : '') + '}\n';
};

const args = process.argv.slice(2);
if (args[0] === '--json') {
  for (const file of args.slice(1)) fs.writeFileSync(file + '.dotenv.json', asJson(read(file)));
} else if (args[0] === '--check') {
  let fails = 0;
  const fail = (msg) => { fails++; console.log('FAIL: ' + msg); };
  for (const line of fs.readFileSync(args[1], 'utf-8').split('\n')) {
    if (!line) continue;
    const [orig, written, name, valueFile] = line.split('\t');
    const before = read(orig), after = read(written);
    const want = fs.readFileSync(valueFile);
    if (!has(after, name)) fail(`${written}: dotenv does not see ${name}`);
    else if (!Buffer.from(after[name], 'utf8').equals(want))
      fail(`${written}: dotenv reads ${name} as ${JSON.stringify(after[name])}, ` +
           `written ${JSON.stringify(want.toString('utf8'))}`);
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (k !== name && before[k] !== after[k])
        fail(`${written}: writing ${name} changed ${k}`);
    }
  }
  process.exit(fails ? 1 : 0);
} else {
  const parsed = read(args[0]);
  if (args.length > 1) {
    if (!has(parsed, args[1])) process.exit(3);
    process.stdout.write(Buffer.from(parsed[args[1]], 'utf8'));
  } else process.stdout.write(asJson(parsed));
}
