import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { ReadinessService } from './readiness.service';

/**
 * Probes for orchestrators and load balancers; public (they carry no credential), left out
 * of the rate limits, and telling only which dependency failed.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** The process answers: no database or Redis touched. */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when the database (and Redis, when configured) answer; 503 otherwise, or while shutting down. */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res() res: Response): Promise<void> {
    const readiness = await this.readiness.check();
    res.status(readiness.status === 'ok' ? 200 : 503).json(readiness);
  }
}
