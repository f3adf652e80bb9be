import type { LookupAddress } from 'node:dns';
import { MailConnectionError } from './mail-connection-error';
import { checkOutboundHost, type HostLookup, type OutboundPolicy } from './outbound-policy';

const strict: OutboundPolicy = { allowPrivate: false, allowedHosts: [] };
const lenient: OutboundPolicy = { allowPrivate: true, allowedHosts: [] };

/** A resolver that answers from a table and counts how often it was asked. */
function fakeDns(table: Record<string, string[]>): HostLookup & { calls: number } {
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    lookup.calls += 1;
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  lookup.calls = 0;
  return lookup;
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(MailConnectionError);
    return (err as MailConnectionError).reason;
  }
}

describe('checkOutboundHost', () => {
  it('resolves a public name once and returns the address to connect to', async () => {
    const lookup = fakeDns({ 'imap.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    await expect(checkOutboundHost('IMAP.Example.com.', strict, lookup)).resolves.toEqual({
      host: 'imap.example.com',
      address: '93.184.216.34',
      family: 4,
    });
    expect(lookup.calls).toBe(1);
  });

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.10',
    '100.64.0.1',
    '169.254.10.10',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:a00:1', // ::ffff:10.0.0.1 written in hex
    '64:ff9b::10.0.0.1', // NAT64 to a private address
    '64:ff9b::c0a8:101', // NAT64 to 192.168.1.1, in hex
    '::a00:1', // IPv4-compatible (::/96), which the old blocklist let through
    '64:ff9b:1::808:808', // local-use NAT64
    '198.18.0.1', // benchmarking
    'fec0::1', // site-local
    '2001:db8::25', // documentation
    '2002:c0a8:101::1', // 6to4 of 192.168.1.1
  ])('refuses %s unless private hosts are allowed', async (address) => {
    expect(await reasonOf(checkOutboundHost(address, strict, fakeDns({})))).toBe('blocked');
    expect(await reasonOf(checkOutboundHost(address, lenient, fakeDns({})))).toBe('ok');
  });

  it('lets public addresses through, also behind NAT64 and IPv4-mapped', async () => {
    for (const address of ['8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(await reasonOf(checkOutboundHost(address, strict, fakeDns({})))).toBe('ok');
    }
  });

  it('refuses a name when any of its addresses is private (no picking the good one)', async () => {
    const lookup = fakeDns({ 'mixed.example.com': ['93.184.216.34', '10.0.0.5'] });
    expect(await reasonOf(checkOutboundHost('mixed.example.com', strict, lookup))).toBe('blocked');
  });

  it('says a name resolves to a non-public address without saying which', async () => {
    const lookup = fakeDns({ 'mail.example.com': ['10.20.30.40'] });
    const error = await checkOutboundHost('mail.example.com', strict, lookup).catch((err: Error) => err);
    expect(error).toBeInstanceOf(MailConnectionError);
    expect((error as Error).message).toBe(
      'Connecting to mail.example.com is not allowed: mail.example.com resolves to a private, reserved or otherwise non-public address',
    );
    expect((error as Error).message).not.toContain('10.20');
  });

  it('always refuses the cloud metadata service, whatever the policy says', async () => {
    const everything: OutboundPolicy = {
      allowPrivate: true,
      allowedHosts: ['metadata.internal', '169.254.0.0/16', 'fd00::/8'],
    };
    const lookup = fakeDns({ 'metadata.internal': ['169.254.169.254'] });
    for (const host of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      '2002:a9fe:a9fe::1',
      'fd00:ec2::254',
      'metadata.internal',
    ]) {
      expect(await reasonOf(checkOutboundHost(host, everything, lookup))).toBe('blocked');
    }
  });

  it('allows listed names, addresses and CIDRs', async () => {
    const policy: OutboundPolicy = { allowPrivate: false, allowedHosts: ['mail.lan', '10.9.0.0/16', '192.168.5.5'] };
    const lookup = fakeDns({ 'mail.lan': ['192.168.77.7'], 'other.lan': ['192.168.77.8'] });
    expect(await reasonOf(checkOutboundHost('MAIL.lan', policy, lookup))).toBe('ok');
    expect(await reasonOf(checkOutboundHost('10.9.200.1', policy, lookup))).toBe('ok');
    expect(await reasonOf(checkOutboundHost('::ffff:10.9.200.1', policy, lookup))).toBe('ok');
    expect(await reasonOf(checkOutboundHost('192.168.5.5', policy, lookup))).toBe('ok');
    expect(await reasonOf(checkOutboundHost('192.168.5.6', policy, lookup))).toBe('blocked');
    expect(await reasonOf(checkOutboundHost('other.lan', policy, lookup))).toBe('blocked');
  });

  it('accepts a bracketed IPv6 literal without asking DNS', async () => {
    const lookup = fakeDns({});
    await expect(checkOutboundHost('[2001:4860:4860::8888]', strict, lookup)).resolves.toMatchObject({
      address: '2001:4860:4860::8888',
      family: 6,
    });
    expect(lookup.calls).toBe(0);
  });

  it('reports resolution failures and empty answers as dns', async () => {
    expect(await reasonOf(checkOutboundHost('nowhere.invalid', strict, fakeDns({})))).toBe('dns');
    expect(await reasonOf(checkOutboundHost('empty.example', strict, fakeDns({ 'empty.example': [] })))).toBe('dns');
    expect(await reasonOf(checkOutboundHost('  ', strict, fakeDns({})))).toBe('dns');
  });

  it('rejects a malformed CIDR instead of reading it as /0', async () => {
    const policy: OutboundPolicy = { allowPrivate: false, allowedHosts: ['10.0.0.0/'] };
    await expect(checkOutboundHost('10.0.0.1', policy, fakeDns({}))).rejects.toThrow('Invalid CIDR');
  });
});
