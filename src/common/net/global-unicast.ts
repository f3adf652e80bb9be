import { BlockList, isIPv4 } from 'node:net';

/**
 * Which addresses are global unicast: the only ones a tenant's mail server may have. An allowlist, so a
 * range nobody thought of (a new special-purpose block, a transition prefix) is refused by default.
 */

// IANA IPv4 Special-Purpose Address Registry, the blocks that are not globally reachable, plus multicast
// and the reserved 240/4. 192.0.0.0/24 is refused whole (its two global /32s are anycast, never a mail server).
const NON_GLOBAL_IPV4: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], // "this network", includes the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes the broadcast address
];

// IPv6 global unicast is 2000::/3; everything outside it (loopback, ::/96, link- and site-local, ULA,
// multicast, 64:ff9b:1::/48 local NAT64, discard-only 100::/64) is refused unless embedding IPv4 below.
const GLOBAL_IPV6: [string, number] = ['2000::', 3];
// Special-purpose blocks inside 2000::/3 that are not global. 2001::/23 is refused whole: Teredo
// (2001::/32, an obfuscated IPv4 inside), benchmarking, ORCHID; its few global anycast entries are never mail servers.
const NON_GLOBAL_IPV6: ReadonlyArray<[string, number]> = [
  ['2001::', 23], // IETF protocol assignments
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
];

const nonGlobalIpv4 = new BlockList();
for (const [network, prefix] of NON_GLOBAL_IPV4) nonGlobalIpv4.addSubnet(network, prefix, 'ipv4');
const globalIpv6 = new BlockList();
globalIpv6.addSubnet(...GLOBAL_IPV6, 'ipv6');
const nonGlobalIpv6 = new BlockList();
for (const [network, prefix] of NON_GLOBAL_IPV6) nonGlobalIpv6.addSubnet(network, prefix, 'ipv6');

function groupsOf(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)];
    const [a, b, c, d] = group.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, "::" and a dotted tail expanded). */
export function ipv6Groups(address: string): number[] {
  const plain = address.split('%')[0];
  const gap = plain.indexOf('::');
  if (gap === -1) return groupsOf(plain);
  const head = groupsOf(plain.slice(0, gap));
  const tail = groupsOf(plain.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

const dotted = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 address an IPv6 address stands for, where the network delivers to that IPv4 address: IPv4-mapped
 * (::ffff:0:0/96), well-known NAT64 (64:ff9b::/96) and 6to4 (2002::/16). Null for any other address.
 */
export function embeddedIpv4(address: string): string | null {
  if (isIPv4(address)) return null;
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return dotted(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return dotted(g[6], g[7]);
  if (g[0] === 0x2002) return dotted(g[1], g[2]);
  return null;
}

/** Whether `address` (a valid IPv4 or IPv6 address) is global unicast, judging an embedded IPv4 by its own rules. */
export function isGlobalUnicast(address: string): boolean {
  if (isIPv4(address)) return !nonGlobalIpv4.check(address, 'ipv4');
  const v4 = embeddedIpv4(address);
  if (v4 !== null) return !nonGlobalIpv4.check(v4, 'ipv4');
  const plain = address.split('%')[0];
  return globalIpv6.check(plain, 'ipv6') && !nonGlobalIpv6.check(plain, 'ipv6');
}
