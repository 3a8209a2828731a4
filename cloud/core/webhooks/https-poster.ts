/**
 * The webhook POST over node:https: a hard timeout for the whole exchange, the response body
 * drained and ignored (only the status counts), no redirects followed. `ca` adds trusted
 * certificates (a receiver with its own CA); NODE_EXTRA_CA_CERTS works as well.
 */
import { request } from 'node:https';
import type { WebhookPoster } from './webhooks.ts';

export function httpsPoster(options: { ca?: string | Buffer } = {}): WebhookPoster {
  return (url, headers, body, timeoutMs) =>
    new Promise<number>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(Object.assign(new Error('not https'), { code: 'NOT_HTTPS' }));
        return;
      }
      const req = request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
          ...(options.ca ? { ca: options.ca } : {}),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
      }, timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(body);
    });
}
