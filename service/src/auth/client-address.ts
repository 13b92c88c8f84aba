/**
 * Which client a request counts against (failed sign-ins, portal requests), and which proxies
 * may say so.
 *
 * Behind `TRUST_PROXY_HOPS` proxies the address is read from X-Forwarded-For from the right:
 * each proxy appends the address it got the request from. Cloud Run's front end appends the
 * client's address, so with one hop trusted the client is the last entry, whatever the client
 * wrote in the header itself. A hop is trusted only when it connects from where a proxy sits
 * (loopback, link-local such as Cloud Run's 169.254.x front end, a private network): a client
 * that reaches the service directly, past the proxy, is counted by its own socket address and
 * cannot choose another by sending the header.
 *
 * IPv6 clients are counted by their /64: one subscriber usually holds a whole /64, and could
 * otherwise take a fresh address for every guess.
 */
import { BlockList, isIP, isIPv6 } from 'node:net';

const PROXY_NETWORKS = new BlockList();
for (const [network, prefix] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
] as const) {
  PROXY_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::1', 128],
  ['fe80::', 10],
  ['fc00::', 7],
] as const)
  PROXY_NETWORKS.addSubnet(network, prefix, 'ipv6');

/** Whether a connection from this address can be a proxy in front of the service (IPv4-mapped IPv6 included). */
export function isProxyAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && PROXY_NETWORKS.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Express's `trust proxy`: `hops` proxies, each only from a proxy's address; none when 0. */
export function trustedProxies(hops: number): false | ((address: string, hop: number) => boolean) {
  if (hops <= 0) return false;
  return (address, hop) => hop < hops && isProxyAddress(address);
}

/** The first four 16-bit groups of an IPv6 address (a `::` expanded, a zone or IPv4 tail allowed). */
function firstGroups(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['v4', 'v4'] : [g])));
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  const all = [...before, ...Array<string>(Math.max(0, 8 - before.length - after.length)).fill('0'), ...after];
  return all.slice(0, 4).map((g) => (g === 'v4' ? '0' : g.toLowerCase().replace(/^0+(?=.)/, '')));
}

/** The key a client is counted under: an IPv4 address as it is (IPv4-mapped IPv6 unwrapped), an IPv6 address's /64. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address.split('%')[0]!)) return address;
  return `${firstGroups(address).join(':')}::/64`;
}
