// The one HTTP client for every fetch the server makes on a tenant's behalf (attachment URLs,
// model endpoints, webhooks). It resolves the host once, refuses loopback, private, link-local,
// CGNAT, multicast, documentation and metadata addresses (IPv4-mapped IPv6 included), connects
// to exactly the address it checked (no DNS rebinding), re-checks every redirect, caps size and
// time, and forwards no credentials across hosts.
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export type RefusalReason = 'scheme_not_allowed' | 'address_not_allowed' | 'unresolvable' | 'too_many_redirects' | 'too_large' | 'timeout' | 'connection_failed' | 'invalid_url';

export class OutboundRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

export interface GuardedFetchPolicy {
  /** http:// as well as https:// (tests and explicitly configured internal endpoints only). */
  allowHttp: boolean;
  /** host:port (or host) targets allowed even though they resolve to a refused range: the test-mode switch. */
  allowedTargets: string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Name resolution, replaceable so tests can make a public-looking name point anywhere. */
  resolve?: (host: string) => Promise<string[]>;
}

export interface GuardedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: string;
}

const REFUSED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  REFUSED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and IPv4-compatible
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4 embeds an IPv4 address
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  REFUSED.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d in any spelling), if it is one. */
function mappedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  const groups = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailGroups].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Whether the server may connect to this IP address on a tenant's behalf. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !REFUSED.check(address, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(address);
    if (v4) return !REFUSED.check(v4, 'ipv4');
    return !REFUSED.check(address, 'ipv6');
  }
  return false;
}

async function systemResolve(host: string): Promise<string[]> {
  return (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

function targetAllowed(policy: GuardedFetchPolicy, url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return policy.allowedTargets.some((t) => {
    const target = t.toLowerCase();
    return target === host || target === `${host}:${port}` || target === `[${host}]:${port}`;
  });
}

/** Checks the URL and its addresses; returns the one address to connect to. Throws OutboundRefusedError. */
export async function vetOutboundUrl(policy: GuardedFetchPolicy, url: URL): Promise<string> {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new OutboundRefusedError('scheme_not_allowed', `${url.protocol} URLs are not fetched`);
  }
  if (url.username || url.password) throw new OutboundRefusedError('invalid_url', 'URLs with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      throw new OutboundRefusedError('unresolvable', `${host} does not resolve`);
    }
    if (addresses.length === 0) throw new OutboundRefusedError('unresolvable', `${host} does not resolve`);
  }
  // Every address must pass: a name that also resolves to a private address is refused whole.
  if (!targetAllowed(policy, url) && addresses.some((a) => !isPublicAddress(a))) {
    throw new OutboundRefusedError('address_not_allowed', `${host} resolves to an address the server does not fetch from`);
  }
  return addresses[0];
}

export function createGuardedFetch(policy: GuardedFetchPolicy) {
  return async function guardedFetch(input: string, request: GuardedRequest = {}): Promise<GuardedResponse> {
    const deadline = Date.now() + policy.timeoutMs;
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new OutboundRefusedError('invalid_url', 'not a URL');
    }
    const firstOrigin = url.origin;
    let method = (request.method ?? 'GET').toUpperCase();
    let body = request.body;
    for (let hop = 0; ; hop += 1) {
      const address = await vetOutboundUrl(policy, url);
      const headers = url.origin === firstOrigin ? { ...request.headers } : withoutCredentials(request.headers);
      const response = await exchange(url, address, method, headers, body, policy.maxBytes, deadline);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location) {
        if (hop >= policy.maxRedirects) throw new OutboundRefusedError('too_many_redirects', `more than ${policy.maxRedirects} redirects`);
        url = new URL(location, url);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { ...response, url: url.toString() };
    }
  };
}

export type GuardedFetch = ReturnType<typeof createGuardedFetch>;

function withoutCredentials(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
}

function exchange(
  url: URL,
  address: string,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  maxBytes: number,
  deadline: number,
): Promise<Omit<GuardedResponse, 'url'>> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new OutboundRefusedError('timeout', 'the fetch took too long'));
  // Connect to the vetted address only, whatever the resolver would say now.
  const pinned: LookupFunction = (_host, options, callback) => {
    const family = isIP(address);
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      { method, headers: { 'user-agent': 'inbox-fetch/1', ...headers }, lookup: pinned, agent: false, timeout: remaining },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? '0');
        if (declared > maxBytes) {
          res.destroy();
          reject(new OutboundRefusedError('too_large', `the response is larger than ${maxBytes} bytes`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new OutboundRefusedError('too_large', `the response is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (error) => reject(new OutboundRefusedError('connection_failed', error.message)));
      },
    );
    const timer = setTimeout(() => req.destroy(new OutboundRefusedError('timeout', 'the fetch took too long')), remaining);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new OutboundRefusedError('timeout', 'the fetch took too long')));
    req.on('error', (error) => reject(error instanceof OutboundRefusedError ? error : new OutboundRefusedError('connection_failed', error.message)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}
