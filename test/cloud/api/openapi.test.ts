/** /openapi.json is a valid OpenAPI 3 document that lists every route with its schemas. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiHarness, type Reply } from './helpers/harness.ts';

let h: ApiHarness;
let doc: Reply['body'];

beforeAll(async () => {
  h = await ApiHarness.open();
  const reply = await h.call('GET', '/openapi.json');
  expect(reply.status).toBe(200);
  doc = reply.body;
});
afterAll(async () => {
  await h.close();
});

it('validates as OpenAPI 3', async () => {
  const result = await new Validator().validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(doc.openapi).toMatch(/^3\./);
});

it('lists every served route, each with request and response schemas', () => {
  const served = h.app.routes
    .filter((r) => r.method !== 'ALL' && r.path !== '/openapi.json')
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops as object).map((method) => `${method} ${path}`),
  );
  expect(new Set(documented)).toEqual(new Set(served));
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Reply['body']>)) {
    for (const [method, op] of Object.entries(ops as Record<string, Reply['body']>)) {
      const responses = op.responses as Record<string, Reply['body']>;
      const success = Object.entries(responses).find(([status]) => status.startsWith('2'));
      expect(success?.[1].content['application/json'].schema, `${method} ${path}`).toBeDefined();
      if (path.startsWith('/v1/')) {
        expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
        expect(op.responses['401'], `${method} ${path}`).toBeDefined();
      }
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        const param = op.parameters?.find(
          (p: { name: string; in: string }) => `{${p.name}}` === name && p.in === 'path',
        );
        expect(param?.schema, `${method} ${path} ${name}`).toBeDefined();
      }
    }
  }
  const withBody = [
    'post /v1/brand/skus',
    'patch /v1/brand/skus/{skuId}',
    'post /v1/household/claims',
  ];
  for (const route of withBody) {
    const [method, path] = route.split(' ') as [string, string];
    expect(
      doc.paths[path][method].requestBody.content['application/json'].schema,
      route,
    ).toBeDefined();
  }
  expect(doc.paths['/v1/brand/buttons'].post.parameters).toContainEqual(
    expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
  );
});
