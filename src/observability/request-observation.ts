import type { Request } from 'express';

/**
 * What the GraphQL layer learns about a request and leaves on it for the request's log line
 * and metrics: the operation name (client-supplied, so bounded before use as a label) and
 * the codes of the errors it answered with.
 */
export interface RequestObservation {
  operationName?: string;
  errorCodes?: string[];
}

const OBSERVATION = Symbol('passerelle.observation');

type Observed = Request & { [OBSERVATION]?: RequestObservation };

export function observationOf(req: Request): RequestObservation {
  const observed = req as Observed;
  return (observed[OBSERVATION] ??= {});
}
