// `npm run keys -- create --name ci --scopes read,write` | `list` | `revoke <id>`: manages API keys on the configured
// database (DATABASE_URL or DATA_DIR, as the service). With PGlite the data directory has one user at a time: while
// the service runs on it this refuses (DataDirInUseError, exit 1; ADR 090), use POST /api/keys then.
import { parseArgs } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey } from '../src/auth/api-key.service';
import { ConfigError, loadConfig } from '../src/config';
import { openMigratedDatabase } from '../src/db/open';
import { AppError } from '../src/errors/app-error';

const USAGE = `usage:
  npm run keys -- create --name NAME --scopes read,write,admin
  npm run keys -- list
  npm run keys -- revoke ID`;

async function run(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, scopes: { type: 'string' } },
  });
  const [command, id] = positionals;
  if (!['create', 'list', 'revoke'].includes(command ?? '')) throw new AppError('VALIDATION_ERROR', USAGE);
  const { db } = await openMigratedDatabase(loadConfig());
  try {
    if (command === 'create') {
      if (!values.name || !values.scopes) throw new AppError('VALIDATION_ERROR', USAGE);
      const { apiKey, key } = await createApiKey(db, { name: values.name, scopes: values.scopes });
      return `created key ${apiKey.id} (${apiKey.name}, scopes ${apiKey.scopes.join(',')})\n${key}\n`;
    }
    if (command === 'list') {
      const keys = await listApiKeys(db);
      return keys
        .map((k) => [k.id, k.prefix + '…', k.name, k.scopes.join(','), k.revokedDate ? 'revoked' : 'active'].join('\t'))
        .join('\n')
        .concat('\n');
    }
    if (!id) throw new AppError('VALIDATION_ERROR', USAGE);
    const revoked = await revokeApiKey(db, { id });
    return `revoked ${revoked.id} (${revoked.name})\n`;
  } finally {
    await db.close();
  }
}

run(process.argv.slice(2))
  .then((output) => process.stdout.write(output))
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    // 2 for a wrong command line; a bad setting (ConfigError, an AppError too) is 1, as for `npm start`.
    process.exit(error instanceof AppError && !(error instanceof ConfigError) ? 2 : 1);
  });
