import type { Request, Response } from 'express';
import { Principal } from './principal';

/** What the authentication guard attaches to a request. */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  requestId?: string;
}

export interface GraphqlContext {
  req: AuthenticatedRequest;
  res: Response;
  /** Per-request DataLoaders, created lazily by their owners. */
  loaders: Map<string, unknown>;
}
