// The verdicts against a DNS held in memory, each compared with mailauth's all-in-one
// `authenticate` as the service used it before, so taking the checks one by one changes no verdict.
import { generateKeyPairSync } from 'node:crypto';
import { authenticate } from 'mailauth';
import { dkimSign } from 'mailauth/lib/dkim/sign';
import type { Logger } from '@inbox/lib';
import type { MailAuthentication } from '@inbox/lib/gen/inbox/events/v1/events';
import type { SmtpContext } from '../use-cases/ports';
import { MailAuthenticator } from './mail-authenticator';

const silent = { warn: () => undefined } as unknown as Logger;

function dkimKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}` };
}

const shop = dkimKeys();
const relaxed = dkimKeys();
const strict = dkimKeys();
const TXT: Record<string, string> = {
  'shop.example': 'v=spf1 ip4:192.0.2.10 -all',
  'sel._domainkey.shop.example': shop.record,
  '_dmarc.shop.example': 'v=DMARC1; p=reject',
  'sel._domainkey.mail.relaxed.example': relaxed.record,
  'sel._domainkey.mail.strict.example': strict.record,
  '_dmarc.strict.example': 'v=DMARC1; p=reject; adkim=s',
};

function dns(asked: string[]) {
  return async (name: string, type: string): Promise<string[][]> => {
    asked.push(`${type} ${name.toLowerCase()}`);
    const record = type === 'TXT' ? TXT[name.toLowerCase()] : undefined;
    if (record === undefined) throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
    return [[record]];
  };
}

function message(from: string, body = 'Hello, my order has not arrived.'): string {
  return [`From: Customer <${from}>`, 'To: support@inbox.example', 'Subject: Order', 'Message-ID: <m1@example>', 'Date: Sat, 05 Dec 2026 08:00:00 +0000', '', body, ''].join('\r\n');
}

async function signed(raw: string, domain: string, privateKey: string): Promise<string> {
  const { signatures } = await dkimSign(raw, { signTime: new Date(), signatureData: [{ signingDomain: domain, selector: 'sel', privateKey }] } as Parameters<typeof dkimSign>[1]);
  return signatures + raw;
}

/** What the service computed before, from `authenticate`. */
async function throughAuthenticate(raw: string, smtp: SmtpContext): Promise<MailAuthentication> {
  const result = await authenticate(Buffer.from(raw), { ip: smtp.ip, helo: smtp.helo, sender: smtp.sender, mta: 'mx.inbox.example', resolver: dns([]), disableArc: true, disableBimi: true });
  const passing = result.dkim.results.filter((r) => r.status.result === 'pass');
  const fromDomain = (result.dkim.headerFrom[0] ?? '').split('@').pop()?.toLowerCase() ?? '';
  const spf = smtp.ip && result.spf ? result.spf.status.result : 'none';
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
  const spfDomain = smtp.ip && result.spf ? result.spf.domain.toLowerCase() : '';
  return {
    spf,
    dkim: passing.length > 0 ? 'pass' : (result.dkim.results[0]?.status.result ?? 'none'),
    dmarc,
    fromDomain,
    dkimDomains: passing.flatMap((r) => (r.signingDomain ? [r.signingDomain.toLowerCase()] : [])),
    aligned: dmarc === 'pass' || passing.some((r) => r.status.aligned || r.signingDomain?.toLowerCase() === fromDomain) || (spf === 'pass' && !!fromDomain && spfDomain === fromDomain),
  };
}

describe('mail authentication verdicts', () => {
  async function judged(raw: string, smtp: SmtpContext = {}) {
    const asked: string[] = [];
    const verdict = await new MailAuthenticator('mx.inbox.example', silent, [], 8000, dns(asked)).verify(Buffer.from(raw), smtp);
    expect(verdict).toEqual(await throughAuthenticate(raw, smtp));
    return { verdict, asked };
  }

  it('passes signed mail from an authorised server, and checks SPF only where a server connected', async () => {
    const raw = await signed(message('ann@shop.example'), 'shop.example', shop.privateKey);
    const overSmtp = await judged(raw, { ip: '192.0.2.10', helo: 'mail.shop.example', sender: 'ann@shop.example' });
    expect(overSmtp.verdict).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass', aligned: true, dkimDomains: ['shop.example'] });
    const overHttp = await judged(raw);
    expect(overHttp.verdict).toMatchObject({ spf: 'none', dkim: 'pass', dmarc: 'pass', aligned: true });
    expect(overHttp.asked.filter((q) => !/ _dmarc\.| sel\._domainkey\./.test(q))).toEqual([]);
  });

  it('fails forged mail, and a changed body breaks the signature', async () => {
    const forged = await judged(message('ann@shop.example'), { ip: '203.0.113.5', helo: 'evil.example', sender: 'ann@shop.example' });
    expect(forged.verdict).toMatchObject({ spf: 'fail', dkim: 'none', dmarc: 'fail', aligned: false });
    const tampered = (await signed(message('ann@shop.example'), 'shop.example', shop.privateKey)).replace('has not arrived', 'arrived broken');
    expect((await judged(tampered)).verdict).toMatchObject({ dkim: 'neutral', dmarc: 'fail', aligned: false });
  });

  it('aligns a subdomain signature without a policy, and follows a strict policy that refuses it', async () => {
    const loose = await judged(await signed(message('bo@relaxed.example'), 'mail.relaxed.example', relaxed.privateKey));
    expect(loose.verdict).toMatchObject({ dkim: 'pass', dmarc: 'none', aligned: true });
    const refused = await judged(await signed(message('cy@strict.example'), 'mail.strict.example', strict.privateKey));
    expect(refused.verdict).toMatchObject({ dkim: 'pass', dmarc: 'fail', aligned: false });
  });

  it('gives temperror verdicts when the DNS does not answer in time', async () => {
    const stuck = new MailAuthenticator('mx.inbox.example', silent, [], 50, () => new Promise(() => undefined));
    const raw = await signed(message('ann@shop.example'), 'shop.example', shop.privateKey);
    expect(await stuck.verify(Buffer.from(raw), {})).toEqual({ spf: 'temperror', dkim: 'temperror', dmarc: 'temperror', fromDomain: '', dkimDomains: [], aligned: false });
  });
});
