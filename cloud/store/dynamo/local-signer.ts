/**
 * What a request to a local store (dynalite, DynamoDB Local) carries instead of a SigV4
 * signature. Both check only that the Authorization header has SigV4's shape and that a date
 * comes with it; neither verifies the signature. Computing one cost about a third of the SDK's
 * CPU per call on this project's machines: a canonical request, two SHA-256 digests, an HMAC
 * chain, and a signer built anew from the client's whole configuration on every call. Clients
 * for AWS keep the SDK's signer (table.ts uses this one only with an endpoint).
 */
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export const LOCAL_SIGNATURE = 'unsigned-local-store';

interface SignableRequest {
  headers: Record<string, string>;
}

let second = -1;
let header = { date: '', authorization: '' };

/** The headers for the current second, `20261129T201500Z` being the form SigV4 dates take. */
function headersNow(): typeof header {
  const now = Math.floor(Date.now() / 1000);
  if (now !== second) {
    second = now;
    const date = new Date(now * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
    header = {
      date,
      authorization:
        `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/local/dynamodb/aws4_request, ` +
        `SignedHeaders=host;x-amz-date, Signature=${LOCAL_SIGNATURE}`,
    };
  }
  return header;
}

export const localSigner = {
  async sign<R extends SignableRequest>(request: R): Promise<R> {
    const { date, authorization } = headersNow();
    request.headers['x-amz-date'] = date;
    request.headers.authorization = authorization;
    return request;
  },
} as unknown as NonNullable<DynamoDBClientConfig['signer']>;
