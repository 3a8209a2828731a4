/**
 * The methods the app answers on a path, for 405 Method Not Allowed and its `Allow` header: a
 * path that exists under another method is not "not found".
 */
interface RouteEntry {
  method: string;
  path: string;
}

/** Route patterns (`/v1/brand/skus/:skuId`) as anchored expressions, one path segment per `:param`. */
function patternOf(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    // Middleware is registered for ALL methods and with wildcards; it answers nothing itself.
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    if (patternOf(route.path).test(path)) methods.add(route.method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
