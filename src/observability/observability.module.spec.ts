import { AppConfig, ConfigError } from '../config/app-config';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ObservabilityModule } from './observability.module';

describe('ObservabilityModule', () => {
  it('mounts /metrics only when METRICS_ENABLED is true; the health probes always', () => {
    expect(new AppConfig({ NODE_ENV: 'test' }).metricsEnabled).toBe(false);
    const off = ObservabilityModule.forRoot(new AppConfig({ NODE_ENV: 'test', METRICS_ENABLED: 'false' }));
    expect(off.controllers).toEqual([HealthController]);
    const on = ObservabilityModule.forRoot(new AppConfig({ NODE_ENV: 'test', METRICS_ENABLED: 'true' }));
    expect(on.controllers).toEqual([HealthController, MetricsController]);
  });

  it('refuses a METRICS_ENABLED that is not a boolean, naming the setting', () => {
    expect(() => new AppConfig({ NODE_ENV: 'test', METRICS_ENABLED: 'sometimes' })).toThrow(ConfigError);
    expect(() => new AppConfig({ NODE_ENV: 'test', METRICS_ENABLED: 'sometimes' })).toThrow(/^METRICS_ENABLED: /);
  });
});
