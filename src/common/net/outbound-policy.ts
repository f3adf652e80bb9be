import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { embeddedIpv4, isGlobalUnicast } from './global-unicast';
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

// Cloud metadata services hand out credentials; no setting may make them reachable.
const METADATA_ADDRESSES: ReadonlyArray<[string, 'ipv4' | 'ipv6']> = [
  ['169.254.169.254', 'ipv4'],
  ['fd00:ec2::254', 'ipv6'],
];

const metadataAddresses = new BlockList();
for (const [address, type] of METADATA_ADDRESSES) metadataAddresses.addAddress(address, type);

function ipType(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

/** The address and, when it stands for one (mapped, NAT64, 6to4), the IPv4 address it reaches. */
function withEmbeddedIpv4(address: string): string[] {
  const v4 = embeddedIpv4(address);
  return v4 === null ? [address] : [address, v4];
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

/**
 * The message names the host as the admin typed it, never the address a name resolved to: that would
 * tell a tenant which internal addresses our resolver knows.
 */
function blocked(host: string, why: string): MailConnectionError {
  const what = isIP(host) ? `${host} is` : `${host} resolves to`;
  return new MailConnectionError('blocked', `Connecting to ${host} is not allowed: ${what} ${why}`);
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
 * network. Only global unicast addresses pass (see global-unicast.ts), unless the operator's policy allows more. The name is resolved once and every address is checked; the caller then connects to the
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
    const candidates = withEmbeddedIpv4(address);
    if (candidates.some((candidate) => metadataAddresses.check(candidate, ipType(candidate)))) {
      throw blocked(name, 'a cloud metadata service');
    }
    const allowed =
      policy.allowPrivate ||
      nameAllowed ||
      candidates.some((candidate) => networks.check(candidate, ipType(candidate)));
    if (!allowed && !isGlobalUnicast(address))
      throw blocked(name, 'a private, reserved or otherwise non-public address');
  }
  const first = addresses[0];
  return { host: name, address: first.address, family: isIP(first.address) === 4 ? 4 : 6 };
}
