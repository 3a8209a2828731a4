/** The Hono environment every route shares: the verified caller. */
import type { Principal } from '../core/auth/principal.ts';

export interface ApiEnv {
  Variables: { principal: Principal };
}
