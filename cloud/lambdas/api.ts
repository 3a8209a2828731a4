/** Placeholder API entry point (API Gateway HTTP API, payload format 2.0); replaced by the Hono app. */
export async function handler(): Promise<{ statusCode: number; body: string }> {
  return {
    statusCode: 503,
    body: JSON.stringify({ error: { code: 'NOT_DEPLOYED', message: 'API not deployed yet' } }),
  };
}
