/**
 * Which Host headers the local HTTP port answers: `localhost` and IP literals. A web page cannot
 * reach the stack by DNS rebinding (its own domain re-pointed at 127.0.0.1), because such a
 * request carries that domain in its Host header; a literal address never needs DNS.
 */
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;

export function isLocalHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  if (!name) return false;
  return name.toLowerCase() === 'localhost' || IPV4.test(name) || IPV6_LITERAL.test(name);
}
