/**
 * AWS as the SDK sees it on the wire, for code paths that cannot reach AWS from here: a loopback
 * HTTP server that every SDK v3 client is pointed at (AWS_ENDPOINT_URL), which records each
 * serialized request and answers in the service's wire format. Requests are identified as a
 * real service would: the SigV4 credential scope names the service and region, and the
 * operation comes from the protocol (X-Amz-Target for JSON, Action for Query, method + path for
 * REST).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireRequest {
  /** From the SigV4 credential scope, e.g. `secretsmanager`, `iotdata`, `events`, `sns`. */
  service: string;
  region: string;
  /** `GetSecretValue`, `PutEvents`, `Publish` (Query) or `POST /topics/…` (REST). */
  operation: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** JSON bodies parsed; Query bodies as form fields. */
  json: Record<string, unknown> | null;
  form: URLSearchParams | null;
}

export interface WireAnswer {
  status?: number;
  contentType?: string;
  body: string;
}

export type Responder = (request: WireRequest) => WireAnswer | undefined;

export class FakeAws {
  readonly requests: WireRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly responder: Responder,
  ) {}

  /**
   * `forward` sends a service's requests on to a real implementation (e.g. `dynamodb` to
   * dynalite), still recorded.
   */
  static async start(responder: Responder, forward: Record<string, string> = {}): Promise<FakeAws> {
    let fake: FakeAws | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const request = parse(req, Buffer.concat(chunks).toString('utf8'));
        fake?.requests.push(request);
        const target = forward[request.service];
        if (target) {
          const headers = Object.fromEntries(
            Object.entries(req.headers).filter(
              ([name]) => name !== 'host' && name !== 'content-length',
            ),
          ) as Record<string, string>;
          const reply = await fetch(`${target}${req.url}`, {
            method: req.method ?? 'POST',
            headers,
            body: request.body,
          });
          res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? '' });
          res.end(await reply.text());
          return;
        }
        const answer = fake?.responder(request);
        if (!answer) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ __type: 'UnknownOperationException', message: request.operation }),
          );
          return;
        }
        res.writeHead(answer.status ?? 200, {
          'content-type': answer.contentType ?? 'application/json',
          'x-amzn-requestid': `req-${fake?.requests.length}`,
        });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeAws(server, `http://127.0.0.1:${port}`, responder);
    return fake;
  }

  /** The requests one service received, in order. */
  of(service: string): WireRequest[] {
    return this.requests.filter((r) => r.service === service);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function parse(req: IncomingMessage, body: string): WireRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    String(req.headers.authorization ?? ''),
  );
  const target = req.headers['x-amz-target'];
  const contentType = String(req.headers['content-type'] ?? '');
  const form = contentType.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(body)
    : null;
  let json: Record<string, unknown> | null = null;
  if (contentType.includes('json') && body) json = JSON.parse(body);
  const operation =
    typeof target === 'string'
      ? (target.split('.').pop() ?? target)
      : (form?.get('Action') ?? `${req.method} ${url.pathname}`);
  return {
    service: scope?.[2] ?? 'unsigned',
    region: scope?.[1] ?? '',
    operation,
    method: req.method ?? '',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    json,
    form,
  };
}

/** An SNS Query-protocol response body. */
export function snsXml(action: string, result: string): string {
  return `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`;
}
