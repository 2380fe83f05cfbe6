// Builds the web console (web/ → web/dist) with Vite, only when web/dist is missing or older than its sources,
// so `npm start` on a fresh clone builds it once and later starts cost a few stat() calls.
// `--force` always builds.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const web = path.join(root, 'web');
const stamp = path.join(web, 'dist', 'index.html');
const SOURCES = ['src', 'index.html', 'graphiql.html', 'vite.config.mts', 'tsconfig.json'].map((p) =>
  path.join(web, p),
);

function newestMtime(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((max, name) => Math.max(max, newestMtime(path.join(file, name))), stat.mtimeMs);
}

function upToDate() {
  const built = fs.statSync(stamp, { throwIfNoEntry: false });
  if (!built) return false;
  // The lockfile (new package versions) and schema.graphql (bundled into the GraphQL explorer) count too.
  const others = ['package-lock.json', 'schema.graphql'].map((p) => newestMtime(path.join(root, p)));
  return Math.max(...others, ...SOURCES.map(newestMtime)) <= built.mtimeMs;
}

async function main() {
  if (!process.argv.includes('--force') && upToDate()) return;
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.mts'), logLevel: 'warn' });
  console.log(`web console built in ${Date.now() - started} ms → web/dist`);
}

main().catch((error) => {
  console.error(`web console build failed: ${error && error.message ? error.message : error}`);
  process.exit(1);
});
