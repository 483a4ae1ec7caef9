import 'reflect-metadata';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../../src/config/app-config';
import { Clock } from '../../src/common/clock';
import { ConnectionStatus, SsoBinding } from '../../src/common/domain.enums';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { PassportSamlServiceProvider } from '../../src/sso/saml/passport-saml.service-provider';
import { SamlResponseValidator } from '../../src/sso/saml/saml-response.validator';
import { spEndpoints } from '../../src/sso/saml/saml-urls';
import { b64, forgeResponse, samlId } from '../../src/common/testing/saml-forge';
import { keyPair } from '../../src/common/testing/saml-keys';

// How many SAML responses one core validates per second: our validator alone (XML
// hardening, structure, RSA-SHA256 signature against the pinned certificate, claims), then
// with the library's second opinion as the ACS runs it. Run: npm run -s bench:saml [-- seconds-per-round rounds]
async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 2);
  const rounds = Number(process.argv[3] ?? 5);
  const config = new AppConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'https://passerelle.example',
    SECRET_KEY: '5a'.repeat(32),
  });
  const validator = new SamlResponseValidator(config, new Clock());
  const library = new PassportSamlServiceProvider(config);
  const idp = await keyPair('bench-idp');
  const connection = {
    id: '7b0c2d4e-1111-4a2b-9c3d-000000000001',
    idpEntityId: 'https://idp.bench.example',
    signingCertificates: [idp.cert],
    wantAssertionsSigned: true,
    wantResponseSigned: false,
    ssoUrl: 'https://idp.bench.example/sso',
    ssoBinding: SsoBinding.REDIRECT,
    sloUrl: null,
    status: ConnectionStatus.ACTIVE,
    spCertificate: null,
  } as unknown as IdpConnection;
  const sp = spEndpoints(config, connection.id);
  // Distinct responses (as real traffic), prepared before timing.
  const pool = Array.from({ length: 200 }, (_, i) =>
    b64(
      forgeResponse(
        {
          issuer: connection.idpEntityId,
          destination: sp.acsUrl,
          recipient: sp.acsUrl,
          audience: sp.entityId,
          inResponseTo: samlId(),
          nameId: `user-${i}`,
          attributes: {
            email: [`user${i}@bench.example`],
            givenName: ['Bench'],
            sn: ['Mark'],
            groups: ['a', 'b', 'c'],
          },
        },
        { signAssertion: { signer: idp } },
      ),
    ),
  );
  const bytes = Buffer.from(pool[0], 'base64').length;

  // The workloads take turns, `rounds` times `seconds` each, so that the load of others on
  // this shared machine falls on all of them alike; each prints its median round (wall-clock
  // rate, and CPU ms of the process per response), then its best round.
  const ctx = { connection, endpoints: sp, spPrivateKey: null };
  const workloads: [string, (r: string) => unknown][] = [
    ['our validator', (r) => validator.validate(connection, r)],
    ['node-saml second opinion alone', (r) => library.validateLoginResponse(ctx, r)],
    [
      'our validator + node-saml second opinion',
      async (r) => {
        validator.validate(connection, r);
        await library.validateLoginResponse(ctx, r);
      },
    ],
  ];
  const round = async (once: (r: string) => unknown): Promise<{ rate: number; cpuMs: number }> => {
    let n = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const until = start + seconds * 1000;
    while (performance.now() < until) {
      await once(pool[n % pool.length]);
      n++;
    }
    const elapsed = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return { rate: n / elapsed, cpuMs: (used.user + used.system) / 1000 / n };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  console.log(
    `SAML response validation, one core (node ${process.version}), RSA-2048 / SHA-256, ${bytes} bytes per response, ` +
      `${rounds} rounds of ${seconds} s, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  for (const [, once] of workloads) for (let i = 0; i < 50; i++) await once(pool[i % pool.length]);
  const results = workloads.map(() => [] as { rate: number; cpuMs: number }[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, once]] of workloads.entries()) results[i].push(await round(once));
  }
  for (const [i, [label]] of workloads.entries()) {
    const rate = median(results[i].map((x) => x.rate));
    const cpuMs = median(results[i].map((x) => x.cpuMs));
    const best = Math.max(...results[i].map((x) => x.rate));
    console.log(
      `${label.padEnd(42)} ${rate.toFixed(0).padStart(5)} responses/s (median; best ${best.toFixed(0)}), ` +
        `${cpuMs.toFixed(2)} ms CPU each = ${(1000 / cpuMs).toFixed(0)}/s of CPU`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
