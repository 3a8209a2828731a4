/**
 * The table's document client with each command's middleware resolved once per command class.
 *
 * The SDK resolves a client's middleware stack (a sort of some twenty entries, then a chain of
 * closures) on every call unless the client sets `cacheMiddleware`, which lib-dynamodb's
 * document client refuses: its commands bind the resolved chain to their first instance. Here
 * the chain is resolved as a document command resolves it, but once per class, and then run
 * with each call's own command. On this machine that took ~25 % of the client's CPU off every
 * call (a conditional put: ~280 µs of CPU uncached, ~210 µs cached).
 *
 * One resolved chain serves concurrent calls, as with the SDK's own cache: each call's state
 * travels in its arguments. Middleware added to the client's stack later (the benchmarks'
 * meters, a test's counter) drops what was resolved, so it sees every later call.
 * `test/cloud/store/document-client.test.ts` holds it to that.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  DynamoDBDocumentClientCommand,
  type TranslateConfig,
} from '@aws-sdk/lib-dynamodb';

type Resolved = (command: unknown) => Promise<{ output: unknown }>;

/** What a document command does inside its own `resolveMiddleware`, reached once per class. */
interface DocumentCommandInside {
  middlewareStack: unknown;
  clientCommand: {
    resolveMiddleware(stack: unknown, config: unknown, options: undefined): Resolved;
  };
  addMarshallingMiddleware(config: unknown): void;
}

const STACK_CHANGES = ['add', 'addRelativeTo', 'use', 'remove', 'removeByTag'] as const;

export function cachedDocumentClient(
  raw: DynamoDBClient,
  translateConfig: TranslateConfig,
): DynamoDBDocumentClient {
  const doc = DynamoDBDocumentClient.from(raw, translateConfig);
  const resolved = new Map<unknown, Resolved>();
  const stack = doc.middlewareStack as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const change of STACK_CHANGES) {
    const original = stack[change]?.bind(stack);
    if (!original) continue;
    stack[change] = (...args) => {
      resolved.clear();
      return original(...args);
    };
  }
  const send = doc.send.bind(doc) as (...args: unknown[]) => Promise<unknown>;
  const cached = (command: unknown, ...more: unknown[]): Promise<unknown> => {
    if (more.length > 0 || !(command instanceof DynamoDBDocumentClientCommand)) {
      return send(command, ...more);
    }
    const inside = command as unknown as DocumentCommandInside;
    let handler = resolved.get(command.constructor);
    if (!handler) {
      inside.addMarshallingMiddleware(doc.config);
      handler = inside.clientCommand.resolveMiddleware(
        doc.middlewareStack.concat(inside.middlewareStack as never),
        doc.config,
        undefined,
      );
      resolved.set(command.constructor, handler);
    }
    return handler(inside.clientCommand).then((result) => result.output);
  };
  doc.send = cached as typeof doc.send;
  return doc;
}
