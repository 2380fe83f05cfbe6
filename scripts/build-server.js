// Builds the service (src/**/*.ts → dist/**/*.js) for `npm start`: each file transpiled on its own by TypeScript
// (no type check: that is `npm run typecheck`), the same transform ts-node's transpile-only mode applies at run
// time, done once instead of in every process. Skipped when dist is newer than every source, so a start costs a
// few stat() calls. `--force` always builds.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');

function walk(dir, files = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else files.push(full);
  }
  return files;
}

function newestMtime(files) {
  return files.reduce((max, file) => Math.max(max, fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0), 0);
}

function upToDate(files) {
  const built = fs.statSync(stamp, { throwIfNoEntry: false });
  if (!built) return false;
  const inputs = [...files, path.join(root, 'tsconfig.json'), path.join(root, 'package-lock.json'), __filename];
  // A deleted source leaves no newer file behind: the stamp records how many there were.
  return newestMtime(inputs) <= built.mtimeMs && fs.readFileSync(stamp, 'utf8') === String(files.length);
}

function buildServer({ force = false } = {}) {
  const files = walk(src);
  if (!force && upToDate(files)) return;
  const started = Date.now();
  const ts = require('typescript');
  const { config, error } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  if (errors.length > 0)
    throw new Error(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('; '));
  const compilerOptions = { ...options, noEmit: false, declaration: false, sourceMap: false, inlineSourceMap: false };
  // Built aside (one directory per process: test workers may build at once) and swapped in, so a running service
  // never sees a half-written dist.
  const next = `${dist}.next-${process.pid}`;
  fs.rmSync(next, { recursive: true, force: true });
  for (const file of files) {
    const relative = path.relative(src, file);
    const target = path.join(next, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
      if (!file.endsWith('.d.ts')) fs.copyFileSync(file, target);
      continue;
    }
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    fs.writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
  }
  fs.writeFileSync(path.join(next, '.built'), String(files.length));
  fs.rmSync(dist, { recursive: true, force: true });
  fs.renameSync(next, dist);
  console.log(`service built in ${Date.now() - started} ms → dist`);
}

try {
  buildServer({ force: process.argv.includes('--force') });
} catch (error) {
  console.error(`service build failed: ${error && error.message ? error.message : error}`);
  process.exit(1);
}
