import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { MailConnectionError } from './mail-connection-error';

/** Which mail servers a tenant may point us at; process configuration, not tenant settings. */
export interface OutboundPolicy {
  /** Allow loopback and private networks, e.g. for a self-hosted install whose mail server is on the LAN. */
  allowPrivate: boolean;
  /** Host names (exact) or addresses and CIDRs (e.g. `10.1.2.0/24`) that are allowed even when private. */
  allowedHosts: string[];
}

/** Where to connect: `address` is what passed the check, `host` is for TLS server name checks. */
export interface OutboundTarget {
  host: string;
  address: string;
  family: 4 | 6;
}

export type HostLookup = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

// Node's BlockList matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against IPv4 rules, so every
// range below also covers its mapped form.
const PRIVATE_RANGES: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", includes the unspecified address
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved and broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
const NAT64_PREFIX: [string, number, 'ipv6'] = ['64:ff9b::', 96, 'ipv6'];
// Cloud metadata services hand out credentials; no setting may make them reachable.
const METADATA_ADDRESSES: ReadonlyArray<[string, 'ipv4' | 'ipv6']> = [
  ['169.254.169.254', 'ipv4'],
  ['fd00:ec2::254', 'ipv6'],
];

const privateRanges = new BlockList();
for (const [network, prefix, type] of PRIVATE_RANGES) privateRanges.addSubnet(network, prefix, type);
const metadataAddresses = new BlockList();
for (const [address, type] of METADATA_ADDRESSES) metadataAddresses.addAddress(address, type);
const nat64 = new BlockList();
nat64.addSubnet(...NAT64_PREFIX);

function ipType(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

/** An address behind a NAT64 gateway is really the IPv4 address in its last 32 bits; check that one too. */
function withEmbeddedIpv4(address: string): string[] {
  if (ipType(address) === 'ipv4' || !nat64.check(address, 'ipv6')) return [address];
  if (address.includes('.')) return [address, address.slice(address.lastIndexOf(':') + 1)];
  const [high, low] = address
    .split(':')
    .slice(-2)
    .map((group) => parseInt(group || '0', 16));
  return [address, [high >> 8, high & 255, low >> 8, low & 255].join('.')];
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** The addresses the policy allows explicitly; names are compared by the caller. */
function allowedNetworks(policy: OutboundPolicy): BlockList {
  const list = new BlockList();
  for (const entry of policy.allowedHosts) {
    const [network, prefix] = entry.trim().split('/');
    if (!isIP(network)) continue;
    if (prefix === undefined) {
      list.addAddress(network, ipType(network));
      continue;
    }
    // "10.0.0.0/" must not quietly become /0, which would allow everything.
    if (!/^\d{1,3}$/.test(prefix)) throw new Error(`Invalid CIDR in allowedHosts: ${entry}`);
    list.addSubnet(network, Number(prefix), ipType(network));
  }
  return list;
}

function blocked(host: string, address: string, why: string): MailConnectionError {
  return new MailConnectionError('blocked', `Connecting to ${host} (${address}) is not allowed: ${why}`);
}

async function resolve(host: string, lookup: HostLookup): Promise<LookupAddress[]> {
  if (isIP(host)) return [{ address: host, family: isIP(host) }];
  try {
    const addresses = await lookup(host, { all: true });
    if (addresses.length > 0) return addresses;
  } catch (err) {
    throw new MailConnectionError('dns', `Could not resolve ${host}: ${(err as Error).message}`, { cause: err });
  }
  throw new MailConnectionError('dns', `${host} has no addresses`);
}

/**
 * Guards the "test connection" and sync paths against SSRF: a tenant must not make us talk to our own
 * network. The name is resolved once and every address is checked; the caller then connects to the
 * returned address (with the original host as TLS server name), so a second DNS answer cannot swap in
 * an internal address after the check.
 */
export async function checkOutboundHost(
  host: string,
  policy: OutboundPolicy,
  lookup: HostLookup = dns.lookup,
): Promise<OutboundTarget> {
  const name = normalizeHost(host);
  if (name === '') throw new MailConnectionError('dns', 'No server name given');
  const addresses = await resolve(name, lookup);
  const nameAllowed = policy.allowedHosts.some((entry) => normalizeHost(entry) === name);
  const networks = allowedNetworks(policy);

  for (const { address } of addresses) {
    for (const candidate of withEmbeddedIpv4(address)) {
      const type = ipType(candidate);
      if (metadataAddresses.check(candidate, type)) throw blocked(name, address, 'cloud metadata service');
      const allowed = policy.allowPrivate || nameAllowed || networks.check(candidate, type);
      if (!allowed && privateRanges.check(candidate, type)) throw blocked(name, address, 'private or reserved network');
    }
  }
  const first = addresses[0];
  return { host: name, address: first.address, family: isIP(first.address) === 4 ? 4 : 6 };
}
