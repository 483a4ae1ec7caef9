import { AuditService } from '../../audit/audit.service';
import { isUuid } from '../../common/ids';
import { SamlException } from './saml.exception';
import { RequestMeta } from './saml.types';

/** Audits a refusal with its reason; an unexpected error too, as `unexpected_error` (the log has the rest). */
export async function auditRefusal(
  audit: AuditService,
  action: string,
  connectionId: string,
  error: unknown,
  meta: RequestMeta,
): Promise<void> {
  const known = error instanceof SamlException;
  await audit.recordQuietly({
    action,
    outcome: 'FAILURE',
    subjectType: 'IdpConnection',
    subjectId: isUuid(connectionId) ? connectionId : null,
    reason: known ? error.reason : 'unexpected_error',
    details: known ? { code: error.code, ...error.details } : { error: (error as Error)?.name ?? typeof error },
    ip: meta.ip ?? null,
    requestId: meta.requestId ?? null,
  });
}
