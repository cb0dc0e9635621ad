// The real dotenv's reading of a .env file, read the way better-convex 0.6.4 reads convex/.env
// (fs.readFileSync(path, "utf-8") then dotenv's parse).
//   node dotenv-parse.mjs FILE        -> JSON, one "name": value per line, names sorted
//   node dotenv-parse.mjs FILE NAME   -> the raw bytes of NAME's value (exit 3 when absent)
import fs from 'node:fs';
import dotenv from 'dotenv';

const [file, name] = process.argv.slice(2);
const parsed = dotenv.parse(fs.readFileSync(file, 'utf-8'));
if (name !== undefined) {
  if (!Object.prototype.hasOwnProperty.call(parsed, name)) process.exit(3);
  process.stdout.write(Buffer.from(parsed[name], 'utf8'));
} else {
  const names = Object.keys(parsed).sort();
  const lines = names.map((k) => '  ' + JSON.stringify(k) + ': ' + JSON.stringify(parsed[k]));
  process.stdout.write('{\n' + (lines.length ? lines.join(',\n') + '\n' : '') + '}\n');
}
