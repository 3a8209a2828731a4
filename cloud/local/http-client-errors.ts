/**
 * Answers what Node's HTTP parser refuses before any route runs — headers over its 16 KB limit,
 * malformed requests — with the API's JSON error body instead of Node's bare status line.
 */
import type { Duplex } from 'node:stream';

const STATUS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE'],
};
const BAD_REQUEST: [number, string, string] = [400, 'Bad Request', 'BAD_REQUEST'];

export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text, code] = STATUS[error.code ?? ''] ?? BAD_REQUEST;
  const message =
    status === 431 ? 'request headers are larger than 16 KB' : 'the request could not be parsed';
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
