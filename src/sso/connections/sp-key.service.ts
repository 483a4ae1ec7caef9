import { Injectable } from '@nestjs/common';
import { generate } from 'selfsigned';
import { Clock } from '../../common/clock';

export interface SpKeyPair {
  key: string;
  cert: string;
}

/** The SP's own signing key for one connection (AuthnRequests and LogoutRequests). */
@Injectable()
export class SpKeyService {
  constructor(private readonly clock: Clock) {}

  async newKeyPair(idpEntityId: string): Promise<SpKeyPair> {
    const now = this.clock.now();
    const pems = await generate([{ name: 'commonName', value: `Passerelle SP for ${idpEntityId}`.slice(0, 64) }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 3_600_000),
      notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
    });
    return { key: pems.private, cert: pems.cert };
  }
}
