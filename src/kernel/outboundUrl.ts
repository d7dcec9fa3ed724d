import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The one rule for every address the server connects to on a tenant's say-so (webhooks, provider
 * base URLs, SMTP hosts): a workspace admin must not be able to aim Kizuna at the machine it runs
 * on, its private network, or the cloud's metadata service (which hands out credentials).
 *
 * - Link-local (169.254.0.0/16, fe80::/10) and the metadata addresses and names are refused always.
 * - Loopback, private (RFC 1918), CGNAT, unique-local, unspecified, multicast, reserved and any other
 *   non-public range are refused unless KIZUNA_ALLOW_PRIVATE_URLS=1 (development and tests, whose
 *   sinks listen on 127.0.0.1).
 *
 * The check runs when a URL is saved (a 400 naming the field) and again on the resolved address
 * when connecting (`guardedLookup`), so a name that resolved to a public address at save time and
 * to 127.0.0.1 later (DNS rebinding) is still refused.
 */

/** Read at each check, so tests can turn it off for a moment. */
export const privateUrlsAllowed = (): boolean => process.env.KIZUNA_ALLOW_PRIVATE_URLS === '1';

/** Cloud metadata services: AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6, Alibaba, Azure's wire server. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16']);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com']);

export class OutboundRefusedError extends Error {
  readonly code = 'EADDRREFUSED';
  constructor(readonly target: string, readonly reason: string) {
    super(`outbound address refused: ${target} is ${reason}`);
  }
}

/** Why an IP address may not be connected to, or null when it may. */
export function addressRefusal(address: string, allowPrivate = privateUrlsAllowed()): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'not an IP address';
  }
  const canonical = ip.toNormalizedString();
  if (METADATA_ADDRESSES.has(ip.kind() === 'ipv6' ? ip.toString() : canonical)) return 'a cloud metadata address';
  // An IPv6 address that carries an IPv4 one (NAT64, 6to4, IPv4-compatible) is judged by the IPv4 one.
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const embedded = embeddedIPv4(v6);
    if (embedded) return addressRefusal(embedded, allowPrivate);
  }
  const range = ip.range();
  if (range === 'linkLocal') return 'link-local';
  if (range === 'unicast') return null;
  return allowPrivate ? null : `${RANGE_NAMES[range] ?? range} (set KIZUNA_ALLOW_PRIVATE_URLS=1 to allow private addresses)`;
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'a private address',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a unique-local address',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'a reserved address',
};

function embeddedIPv4(ip: ipaddr.IPv6): string | null {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const range = ip.range();
  if (range === 'rfc6052' || range === 'rfc6145') return v4(p[6]!, p[7]!);
  if (range === '6to4') return v4(p[1]!, p[2]!);
  // ::a.b.c.d (deprecated IPv4-compatible), except :: and ::1 which have their own ranges.
  if (p.slice(0, 6).every((x) => x === 0) && range !== 'unspecified' && range !== 'loopback') return v4(p[6]!, p[7]!);
  return null;
}

/** Why a host (name or IP literal, as in a URL) may not be used, or null. Names are checked again when resolved. */
export function hostRefusal(host: string, allowPrivate = privateUrlsAllowed()): string | null {
  const name = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (!name) return 'empty';
  if (ipaddr.isValid(name)) return addressRefusal(name, allowPrivate);
  if (METADATA_NAMES.has(name)) return 'a cloud metadata address';
  if (name === 'localhost' || name.endsWith('.localhost')) return allowPrivate ? null : 'loopback (set KIZUNA_ALLOW_PRIVATE_URLS=1 to allow private addresses)';
  return null;
}

/** Why a URL may not be called, or null. */
export function urlRefusal(url: string, allowPrivate = privateUrlsAllowed()): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'not a URL';
  }
  return hostRefusal(host, allowPrivate);
}

/** Throws OutboundRefusedError unless the URL's host may be called. */
export function assertOutboundUrl(url: string): void {
  const reason = urlRefusal(url);
  if (reason) throw new OutboundRefusedError(new URL(url).hostname, reason);
}

/** A zod refinement for settings: the 400 names the field and the reason. */
export const outboundUrl = <T extends z.ZodType<string>>(schema: T): T =>
  schema.superRefine((value, ctx) => {
    const reason = urlRefusal(value);
    if (reason) ctx.addIssue({ code: 'custom', message: `must be a public address: the host is ${reason}` });
  });

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Resolver = (hostname: string, options: LookupOptions & { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for net/tls/http(s) connections that resolves with the system resolver and drops
 * every address the rule refuses; when none is left the connection fails with
 * OutboundRefusedError. Node skips `lookup` for IP literals, so callers check those with
 * `hostRefusal` first (outboundRequest and smtpSocket do).
 */
export function guardedLookup(resolve: Resolver = dns.lookup as unknown as Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const named = hostRefusal(hostname);
    if (named) return void process.nextTick(callback, new OutboundRefusedError(hostname, named), '');
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const allowed = addresses.filter((a) => addressRefusal(a.address) === null);
      if (allowed.length === 0) {
        const reason = addresses[0] ? addressRefusal(addresses[0].address)! : 'unresolvable';
        return callback(new OutboundRefusedError(`${hostname} (${addresses[0]?.address ?? '?'})`, reason), '');
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
