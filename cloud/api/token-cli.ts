/**
 * Prints a development JWT from the local issuer:
 *   npm run token -- <household|brand|support> [--household H | --brand B] [--data-dir D] [--ttl S]
 * (--data-dir defaults to $RESTOCK_DATA_DIR, else .restock.)
 * The issuer's key pair lives in the data folder (created on first use), which the local
 * stack reads too, so the printed token works against `npm start`.
 */
import { parseArgs } from 'node:util';
import { LocalIssuer } from '../core/auth/local-issuer.ts';
import { ROLES } from '../core/auth/principal.ts';
import type { Role } from '../core/model.ts';
import { systemClock } from '../core/ports.ts';

const USAGE =
  'usage: npm run token -- <household|brand|support> [--household H | --brand B] [--data-dir D] [--ttl SECONDS]';

/** The local stack's data folder, so a printed token works against `npm start` unchanged. */
export const DEFAULT_DATA_DIR = process.env.RESTOCK_DATA_DIR ?? '.restock';

export async function tokenCommand(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      household: { type: 'string' },
      brand: { type: 'string' },
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const role = positionals[0] as Role | undefined;
  if (!role || !ROLES.includes(role) || positionals.length > 1) throw new Error(USAGE);
  const tenant =
    role === 'household' ? values.household : role === 'brand' ? values.brand : undefined;
  if (role !== 'support' && !tenant)
    throw new Error(`a ${role} token needs --${role} <id>\n${USAGE}`);
  if ((role === 'household' && values.brand) || (role === 'brand' && values.household)) {
    throw new Error(USAGE);
  }
  const ttlSeconds = Number(values.ttl);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)
    throw new Error('--ttl takes whole seconds');
  const issuer = await LocalIssuer.open(values['data-dir'], systemClock);
  return issuer.sign(tenant === undefined ? { role, ttlSeconds } : { role, tenant, ttlSeconds });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  tokenCommand(process.argv.slice(2)).then(
    (token) => process.stdout.write(`${token}\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
    },
  );
}
