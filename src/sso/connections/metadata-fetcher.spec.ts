import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../audit/audit.service';
import { MetadataFetcher, MetadataFetchException, refusedRange } from './metadata-fetcher';

describe('refusedRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.251', 'multicast'],
    ['192.0.2.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped:loopback'],
    ['::ffff:8.8.8.8', 'ipv4Mapped:unicast'],
    ['::7f00:1', 'reserved (::/8, IPv4-compatible)'],
    ['::a9fe:a9fe', 'reserved (::/8, IPv4-compatible)'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['2002:a9fe:a9fe::1', '6to4'],
    ['2001:0:4136:e378::1', 'teredo'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedRange(address)).toBe(range);
  });

  it.each(['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111', '2a00:1450:4007:80e::200e'])(
    'lets public unicast %s through',
    (address) => {
      expect(refusedRange(address)).toBeNull();
    },
  );
});

describe('MetadataFetcher', () => {
  const audited: unknown[] = [];
  const audit = { recordQuietly: async (e: unknown) => void audited.push(e) } as unknown as AuditService;

  it.each([
    ['ftp://idp.example/metadata', 'scheme_refused'],
    ['file:///etc/passwd', 'scheme_refused'],
    ['not a url', 'bad_url'],
    ['http://user:secret@idp.example/metadata', 'bad_url'],
    ['http://[::1]/metadata', 'address_refused'],
    ['http://0x7f.1/metadata', 'address_refused'],
  ])('refuses %s before any connection (%s), with the one message', async (url, reason) => {
    const fetcher = new MetadataFetcher(new AppConfig({ NODE_ENV: 'test' }), audit);
    const error = await fetcher.fetch(url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MetadataFetchException);
    expect((error as MetadataFetchException).reason).toBe(reason);
    expect((error as Error).message).toBe('The metadata URL could not be fetched.');
    expect(audited.at(-1)).toMatchObject({ action: 'connection.metadata.fetch', outcome: 'FAILURE', reason });
    expect(JSON.stringify(audited.at(-1))).not.toContain('secret');
  });
});
