// SPF, DKIM and DMARC for inbound mail (mailauth), with the DNS servers of our choosing and a
// time limit: an unreachable DNS yields temperror verdicts, never a stuck delivery. Answers
// (and "no such record") are cached briefly and concurrent lookups of one name are shared, as a
// mail server's caching resolver would: a burst from one sender costs a handful of queries.
import type { SmtpContext, MailVerifier } from '../use-cases/ports';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { dkimVerify, dmarc, spf } from 'mailauth';
import { errorMessage, type Logger } from '@inbox/lib';
import type { MailAuthentication } from '@inbox/lib/gen/inbox/events/v1/events';

const UNVERIFIED = (reason: string): MailAuthentication => ({ spf: reason, dkim: reason, dmarc: reason, fromDomain: '', dkimDomains: [], aligned: false });

const POSITIVE_TTL_MS = 5 * 60_000;
const NEGATIVE_TTL_MS = 60_000;
const MAX_CACHED = 20_000;

export class MailAuthenticator implements MailVerifier {
  private readonly resolver = new Resolver({ timeout: 2000, tries: 2 });
  private readonly cache = new Map<string, { answer: Promise<unknown>; expiresAt: number }>();

  constructor(
    private readonly mta: string,
    private readonly logger: Logger,
    dnsServers: string[] = [],
    private readonly timeoutMs = 8000,
    private readonly resolve: (name: string, type: string) => Promise<unknown> = (name, type) => this.resolver.resolve(name, type),
  ) {
    if (dnsServers.length > 0) this.resolver.setServers(dnsServers);
  }

  private lookup(name: string, type: string): Promise<unknown> {
    const key = `${type}:${name.toLowerCase()}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.answer;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const answer = this.resolve(name, type);
    const entry = { answer, expiresAt: now + POSITIVE_TTL_MS };
    this.cache.set(key, entry);
    answer.catch((error: NodeJS.ErrnoException) => {
      // "No such name/record" is an answer worth keeping for a while; a timeout or refusal is not.
      if (error.code === 'ENOTFOUND' || error.code === 'ENODATA') entry.expiresAt = Date.now() + NEGATIVE_TTL_MS;
      else this.cache.delete(key);
    });
    return answer;
  }

  async verify(raw: Uint8Array, smtp: SmtpContext): Promise<MailAuthentication> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('mail authentication timed out')), this.timeoutMs);
      });
      return await Promise.race([this.judge(raw, smtp), timeout]);
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'mail authentication failed');
      return UNVERIFIED('temperror');
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * mailauth's own checks one by one rather than its `authenticate`, which always runs SPF (half
   * of its CPU for mail posted over HTTP, where there is no connecting server to check) and
   * formats headers nobody reads here.
   */
  private async judge(raw: Uint8Array, smtp: SmtpContext): Promise<MailAuthentication> {
    const resolver = (name: string, type: string) => this.lookup(name, type) as Promise<string[][] | string[]>;
    const dkim = await dkimVerify(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { resolver, sender: smtp.sender || undefined });
    const passing = dkim.results.filter((r) => r.status.result === 'pass');
    const spfResult = smtp.ip ? await spf({ ip: smtp.ip, helo: heloOf(smtp.ip, smtp.helo), sender: smtp.sender || undefined, mta: this.mta, resolver }) : undefined;
    const spfVerdict = spfResult ? spfResult.status.result : 'none';
    const spfDomain = spfResult ? spfResult.domain.toLowerCase() : '';
    const dmarcResult = await dmarc({
      headerFrom: dkim.headerFrom,
      fromFields: dkim.fromFields,
      spfDomains: spfVerdict === 'pass' && spfResult?.domain ? [spfResult.domain] : [],
      dkimDomains: passing.map((r) => ({ id: r.id, domain: r.signingDomain ?? '', aligned: r.status.aligned, underSized: r.status.underSized })),
      resolver,
    });
    const dmarcVerdict = dmarcResult ? dmarcResult.status.result : 'none';
    const fromDomain = (dkim.headerFrom[0] ?? '').split('@').pop()?.toLowerCase() ?? '';
    // Under a published policy, alignment is the policy's verdict (its own alignment mode);
    // without one, a signature's organisational-domain guess or an exact domain match.
    // (mailauth's answer carries `alignment` only when a policy was applied.)
    const aligned = dmarcResult && 'alignment' in dmarcResult
      ? dmarcVerdict === 'pass'
      : passing.some((r) => r.status.aligned || r.signingDomain?.toLowerCase() === fromDomain) || (spfVerdict === 'pass' && !!fromDomain && spfDomain === fromDomain);
    return {
      spf: spfVerdict,
      dkim: passing.length > 0 ? 'pass' : (dkim.results[0]?.status.result ?? 'none'),
      dmarc: dmarcVerdict,
      fromDomain,
      dkimDomains: passing.flatMap((r) => (r.signingDomain ? [r.signingDomain.toLowerCase()] : [])),
      aligned,
    };
  }
}

/** The HELO name SPF checks: the client's address when it gave none, an address in brackets. */
function heloOf(ip: string, helo: string | undefined): string {
  const name = helo || ip;
  return isIP(name) ? `[${name}]` : name;
}
