/**
 * The HTTP edges of the running stack, over real sockets: the development token route under the
 * API's body limit and validation, the Host check that stops DNS rebinding, 405 with `Allow`, a
 * case-insensitive auth scheme, a JSON 431, and registration that does not tell one brand which
 * device ids another brand holds.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../cloud/local/demo.ts';
import { startTarget, type Target } from './support.ts';

let t: Target;
let port: number;

beforeAll(async () => {
  t = await startTarget();
  port = t.stack.runtime.httpPort as number;
});

afterAll(async () => {
  await t?.close();
});

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A body; or `declare` bytes announced in Content-Length of which only the first MB is sent. */
  body?: string;
  declare?: number;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { error?: { code: string; message: string }; token?: string } & Record<string, unknown>;
}

/** One request through node:http, which (unlike fetch) sends any Host header it is given. */
function send(s: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...s.headers };
    if (s.body !== undefined) headers['content-type'] ??= 'application/json';
    if (s.declare !== undefined) headers['content-length'] = String(s.declare);
    const req = request({ host: '127.0.0.1', port, method: s.method, path: s.path, headers });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const isJson = String(res.headers['content-type']).startsWith('application/json');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: isJson && text ? JSON.parse(text) : {},
        });
      });
    });
    req.on('error', reject);
    if (s.declare !== undefined) {
      req.write(Buffer.alloc(1024 * 1024, 0x20)); // the rest never comes: the answer must not wait for it
    } else {
      req.end(s.body);
    }
  });
}

const tokenRequest = (body: unknown, headers: Record<string, string> = {}) =>
  send({ method: 'POST', path: '/dev/token', body: JSON.stringify(body), headers });

describe('POST /dev/token', () => {
  it('answers a valid request with a token (the control)', async () => {
    const answer = await tokenRequest({ role: 'household', tenant: DEMO.householdId });
    expect(answer.status).toBe(200);
    expect(answer.json.token).toEqual(expect.any(String));
  });

  it('refuses a body that declares 200 MB with 413 before reading it', async () => {
    const answer = await send({ method: 'POST', path: '/dev/token', declare: 200 * 1024 * 1024 });
    expect(answer.status).toBe(413);
    expect(answer.json.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body past the API limit with 413', async () => {
    const padded = JSON.stringify({ role: 'support', pad: 'x'.repeat(100 * 1024) });
    const answer = await send({
      method: 'POST',
      path: '/dev/token',
      body: padded,
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(answer.status).toBe(413);
    expect(answer.json.token).toBeUndefined();
  });

  it('refuses unknown fields', async () => {
    const answer = await tokenRequest({ role: 'support', admin: true });
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe('VALIDATION_FAILED');
    expect(answer.json.error?.message).toMatch(/admin/);
  });

  it('answers another method with 405 and Allow: POST', async () => {
    const answer = await send({ method: 'GET', path: '/dev/token' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });
});

describe('the Host check (DNS rebinding)', () => {
  it.each(['/dev/token', '/v1/brand/skus', '/health', '/', '/config.json'])(
    '%s answers 403 for a foreign Host and not for localhost',
    async (path) => {
      const method = path === '/dev/token' ? 'POST' : 'GET';
      const body = path === '/dev/token' ? JSON.stringify({ role: 'support' }) : undefined;
      const foreign = await send({
        method,
        path,
        body,
        headers: { host: `rebind.example:${port}` },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.json.error?.code).toBe('HOST_NOT_ALLOWED');
      const local = await send({ method, path, body, headers: { host: `localhost:${port}` } });
      expect(local.status).not.toBe(403);
    },
  );
});

describe('the API edges', () => {
  it('answers a known path with another method 405 and the methods in Allow', async () => {
    const brand = await t.token({ role: 'brand', tenant: DEMO.brandId });
    const answer = await send({
      method: 'DELETE',
      path: '/v1/brand/skus',
      headers: { authorization: `Bearer ${brand}` },
    });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD, POST');
    expect(answer.json.error?.code).toBe('METHOD_NOT_ALLOWED');
    const health = await send({ method: 'PUT', path: '/health' });
    expect(health.status).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD');
    expect((await send({ method: 'GET', path: '/v1/nothing-here' })).status).toBe(404);
  });

  it.each(['bearer', 'BEARER', 'Bearer'])('takes the %s scheme', async (scheme) => {
    const token = await t.token({ role: 'household', tenant: DEMO.householdId });
    const answer = await send({
      method: 'GET',
      path: '/v1/household/orders',
      headers: { authorization: `${scheme} ${token}` },
    });
    expect(answer.status).toBe(200);
  });

  it('answers a 20 KB token with a JSON 431', async () => {
    const answer = await send({
      method: 'GET',
      path: '/v1/household/orders',
      headers: { authorization: `Bearer ${'a'.repeat(20 * 1024)}` },
    });
    expect(answer.status).toBe(431);
    expect(answer.json.error?.code).toBe('HEADERS_TOO_LARGE');
  });

  it("registering another brand's device id answers as an unknown id does", async () => {
    const globex = await t.token({ role: 'brand', tenant: 'globex' });
    const auth = { authorization: `Bearer ${globex}` };
    const register = (deviceId: string) =>
      send({
        method: 'POST',
        path: '/v1/brand/buttons',
        headers: auth,
        body: JSON.stringify({ buttons: [{ deviceId, serial: 'SN-X' }] }),
      });
    const theirs = await register(DEMO.buttons.coffee);
    const looked = await send({
      method: 'GET',
      path: `/v1/brand/buttons/${DEMO.buttons.coffee}`,
      headers: auth,
    });
    const unknown = await send({ method: 'GET', path: '/v1/brand/buttons/never-1', headers: auth });
    expect(theirs.status).toBe(404);
    expect(theirs.json).toEqual(looked.json);
    expect(JSON.stringify(theirs.json).replace(DEMO.buttons.coffee, 'ID')).toBe(
      JSON.stringify(unknown.json).replace('never-1', 'ID'),
    );
    expect(JSON.stringify(theirs.json)).not.toMatch(/registered/);
  });
});
