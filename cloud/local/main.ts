/**
 * `npm start`: the whole system on one machine. Builds the stack once, prints
 * where everything listens, and shuts down cleanly on Ctrl-C or SIGTERM (a second Ctrl-C forces).
 */
import { RestockError } from '../core/errors.ts';
import { bannerFor } from './banner.ts';
import { parseStackConfig } from './config.ts';
import { atLevel, createConsoleLog } from './console-log.ts';
import { localPipelineWith } from './pipeline.ts';
import { startStack } from './stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  const log = atLevel(createConsoleLog(), process.env.RESTOCK_LOG_LEVEL);
  const config = parseStackConfig(process.argv.slice(2), process.env, process.cwd());
  const stack = await startStack(config, {
    log,
    pipeline: localPipelineWith({ crashAt: process.env.RESTOCK_CRASH_AT }),
  });
  process.stdout.write(`${bannerFor(stack, process.cwd())}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        process.stderr.write(
          'forced exit: state written so far is kept, presses in flight are retried by their buttons\n',
        );
        process.exit(130);
      }
      stopping = true;
      log.info('shutting down', { signal });
      stack.close().then(
        () => {
          log.info('stopped');
          resolve(0);
        },
        (error: unknown) => {
          log.error('shutdown failed', { error: String(error) });
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // Fault injection for `npm run soak -- --faults`: restart the broker, keep the store.
    process.on('SIGUSR2', () => {
      if (!stopping) void stack.restartBroker(1_000);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof RestockError) {
      process.stderr.write(`npm start: ${error.message}\n`);
      process.exit(error.details.help ? 0 : 2);
    }
    process.stderr.write(
      `npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
