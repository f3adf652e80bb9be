import { embeddedIpv4, ipv6Groups, isGlobalUnicast } from './global-unicast';

describe('isGlobalUnicast', () => {
  it.each([
    ['0.0.0.0/8', '0.1.2.3'],
    ['10.0.0.0/8', '10.200.1.1'],
    ['100.64.0.0/10 carrier-grade NAT', '100.127.255.254'],
    ['127.0.0.0/8', '127.8.8.8'],
    ['169.254.0.0/16 link-local', '169.254.1.1'],
    ['172.16.0.0/12', '172.31.255.1'],
    ['192.0.0.0/24 protocol assignments', '192.0.0.170'],
    ['192.0.2.0/24 TEST-NET-1', '192.0.2.25'],
    ['192.88.99.0/24 6to4 relay anycast', '192.88.99.1'],
    ['192.168.0.0/16', '192.168.200.3'],
    ['198.18.0.0/15 benchmarking', '198.19.255.1'],
    ['198.51.100.0/24 TEST-NET-2', '198.51.100.7'],
    ['203.0.113.0/24 TEST-NET-3', '203.0.113.9'],
    ['224.0.0.0/4 multicast', '239.1.1.1'],
    ['240.0.0.0/4 reserved', '250.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['::/128 unspecified', '::'],
    ['::1 loopback', '::1'],
    ['::/96 IPv4-compatible', '::808:808'],
    ['::/96 IPv4-compatible, dotted', '::8.8.8.8'],
    ['::ffff:0:0/96 mapped to private', '::ffff:10.0.0.1'],
    ['::ffff:0:0/96 mapped, hex', '::ffff:c0a8:101'],
    ['64:ff9b::/96 NAT64 to private', '64:ff9b::10.0.0.1'],
    ['64:ff9b:1::/48 local-use NAT64', '64:ff9b:1::808:808'],
    ['100::/64 discard-only', '100::1'],
    ['2001::/32 Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['2001:2::/48 benchmarking', '2001:2::1'],
    ['2001:10::/28 ORCHID', '2001:10::1'],
    ['2001:db8::/32 documentation', '2001:db8::25'],
    ['2002::/16 6to4 of a private address', '2002:0a00:0001::1'],
    ['2002::/16 6to4 of loopback', '2002:7f00:1::'],
    ['3fff::/20 documentation', '3fff:fff::1'],
    ['5f00::/16 SRv6 SIDs', '5f00::1'],
    ['fc00::/7 unique local', 'fd12:3456::1'],
    ['fe80::/10 link-local', 'fe80::1'],
    ['fe80::/10 link-local with a zone', 'fe80::1%eth0'],
    ['fec0::/10 site-local', 'fec0::1'],
    ['ff00::/8 multicast', 'ff02::1'],
  ])('refuses %s (%s)', (_range, address) => {
    expect(isGlobalUnicast(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '1.1.1.1',
    '100.63.255.255', // just below carrier-grade NAT
    '172.32.0.1', // just above 172.16/12
    '198.20.0.1', // just above the benchmarking /15
    '192.0.3.1',
    '223.255.255.254',
    '2001:4860:4860::8888',
    '2606:2800:220:1::1',
    '2001:200::1', // first address past 2001::/23
    '2002:808:808::1', // 6to4 of 8.8.8.8
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // well-known NAT64 of 8.8.8.8
    '3fff:1000::1', // past the documentation /20
  ])('allows %s', (address) => {
    expect(isGlobalUnicast(address)).toBe(true);
  });
});

describe('embeddedIpv4', () => {
  it('reads the IPv4 address behind mapped, NAT64 and 6to4 forms only', () => {
    expect(embeddedIpv4('::ffff:a00:1')).toBe('10.0.0.1');
    expect(embeddedIpv4('64:ff9b::c0a8:101')).toBe('192.168.1.1');
    expect(embeddedIpv4('2002:a9fe:a9fe::1')).toBe('169.254.169.254');
    expect(embeddedIpv4('2001:4860::1')).toBeNull();
    expect(embeddedIpv4('8.8.8.8')).toBeNull();
  });

  it('expands every spelling of an IPv6 address to eight groups', () => {
    expect(ipv6Groups('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
