/**
 * The HTTP API client: same origin (locally the stack serves page and API on one port; in AWS
 * CloudFront routes /v1/* to the API), bearer token from the session, errors as ApiError with
 * a message a person can act on.
 */
import type { Page, Role } from './types.ts';

export interface Session {
  token: string;
  role: Role;
  /** Household id or brand id; null for support staff. */
  tenant: string | null;
  /** Where the token came from, shown in the header. */
  source: 'development' | 'cognito';
  expiresAt: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's own message, before it is explained for the person reading it. */
    readonly serverMessage = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True when this server has no such route at all (an older version), not a missing record. */
export function routeMissing(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 404 &&
    error.code === 'NOT_FOUND' &&
    error.serverMessage.startsWith('no route for')
  );
}

/** Called when the API says the token is no longer good (401). */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export class Api {
  constructor(readonly session: Session) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.session.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', `The API cannot be reached (${String(error)}).`);
    }
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      const code = error?.code ?? `HTTP_${response.status}`;
      if (response.status === 401) onUnauthenticated();
      throw new ApiError(
        response.status,
        code,
        explain(response.status, this.session, error?.message),
        error?.message ?? '',
      );
    }
    return data as T;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  /** Every page of a list (up to `max` items). */
  async all<T>(path: string, max = 500): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const url = `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await this.get<Page<T>>(url);
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor && items.length < max);
    return items;
  }
}

function explain(status: number, session: Session, message = ''): string {
  const whose =
    session.role === 'brand'
      ? `brand ${session.tenant}`
      : session.role === 'household'
        ? `household ${session.tenant}`
        : 'support';
  switch (status) {
    case 401:
      return `Your sign-in has expired or is not valid — please sign in again. (${message})`;
    case 403:
      return `Not allowed for ${whose}: ${message}`;
    case 404:
      return session.role === 'support'
        ? `Not found: ${message}`
        : `Not found for ${whose} — it does not exist or belongs to someone else. (${message})`;
    default:
      return message || `The API answered ${status}.`;
  }
}
