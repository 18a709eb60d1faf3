// SPF, DKIM and DMARC for inbound mail (mailauth), with the DNS servers of our choosing and a
// time limit: an unreachable DNS yields temperror verdicts, never a stuck delivery. Answers
// (and "no such record") are cached briefly and concurrent lookups of one name are shared, as a
// mail server's caching resolver would: a burst from one sender costs a handful of queries.
import type { SmtpContext, MailVerifier } from '../use-cases/ports';
import { Resolver } from 'node:dns/promises';
import { authenticate } from 'mailauth';
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
  ) {
    if (dnsServers.length > 0) this.resolver.setServers(dnsServers);
  }

  private lookup(name: string, type: string): Promise<unknown> {
    const key = `${type}:${name.toLowerCase()}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.answer;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const answer = this.resolver.resolve(name, type);
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
      const result = await Promise.race([
        authenticate(Buffer.from(raw), {
          ip: smtp.ip || undefined,
          helo: smtp.helo || undefined,
          sender: smtp.sender || undefined,
          mta: this.mta,
          resolver: (name: string, type: string) => this.lookup(name, type) as Promise<string[][] | string[]>,
          disableArc: true,
          disableBimi: true,
        }),
        timeout,
      ]);
      const passing = result.dkim.results.filter((r) => r.status.result === 'pass');
      const fromDomain = (result.dkim.headerFrom[0] ?? '').split('@').pop()?.toLowerCase() ?? '';
      // Without a connecting server (mail posted over HTTP) there is nothing for SPF to check.
      const spf = smtp.ip && result.spf ? result.spf.status.result : 'none';
      const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
      const spfDomain = smtp.ip && result.spf ? result.spf.domain.toLowerCase() : '';
      const aligned =
        dmarc === 'pass' ||
        passing.some((r) => r.status.aligned || r.signingDomain?.toLowerCase() === fromDomain) ||
        (spf === 'pass' && !!fromDomain && spfDomain === fromDomain);
      return {
        spf,
        dkim: passing.length > 0 ? 'pass' : (result.dkim.results[0]?.status.result ?? 'none'),
        dmarc,
        fromDomain,
        dkimDomains: passing.flatMap((r) => (r.signingDomain ? [r.signingDomain.toLowerCase()] : [])),
        aligned,
      };
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'mail authentication failed');
      return UNVERIFIED('temperror');
    } finally {
      clearTimeout(timer);
    }
  }
}
