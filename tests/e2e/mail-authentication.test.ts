// SPF, DKIM and DMARC of inbound mail, verified at the edge against DNS (a local authoritative
// server with the senders' records): verdicts recorded on each message, and mail that claims
// one of our agents as its sender posted as that agent only when its domain authenticates;
// otherwise it goes to Spam as spoofed, never in the agent's name.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign';
import { FakeDns } from '../support/fake-dns';
import { startInboxFixture, type InboxFixture } from '../support/inbox-fixture';
import { buildEmail, sendRawSmtp } from '../support/smtp';
import { waitFor } from '@inbox/testkit';

jest.setTimeout(120_000);

function dkimKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${spki}` };
}

describe('inbound mail authentication', () => {
  const dns = new FakeDns();
  const customers = dkimKeys();
  const ours = dkimKeys();
  let f: InboxFixture;
  let agentId: string;
  const agentEmail = `agent-${randomUUID().slice(0, 8)}@ourcompany.example`;

  beforeAll(async () => {
    dns
      .setTxt('shop.example', 'v=spf1 ip4:127.0.0.1 -all')
      .setTxt('sel1._domainkey.shop.example', customers.record)
      .setTxt('_dmarc.shop.example', 'v=DMARC1; p=reject')
      .setTxt('ourcompany.example', 'v=spf1 ip4:192.0.2.10 -all')
      .setTxt('mail._domainkey.ourcompany.example', ours.record)
      .setTxt('_dmarc.ourcompany.example', 'v=DMARC1; p=reject');
    await dns.start();
    f = await startInboxFixture({ INGEST_DNS_SERVERS: dns.address });
    const agent = await f.owner.post('/api/v1/users', { name: 'Aud Agent', email: agentEmail, password: 'agent password', role: 'agent' });
    expect(agent.status).toBe(201);
    agentId = agent.body.id;
  });

  afterAll(async () => {
    await f?.stop();
    await dns.stop();
  });

  async function signed(raw: string, domain: string, selector: string, privateKey: string): Promise<string> {
    // One fixed signing time: otherwise t= may be computed twice (Math.round of Date.now()), and a
    // pair of calls across a half-second boundary yields a signature that never verifies.
    const { signatures } = await dkimSign(raw, { signTime: new Date(), signatureData: [{ signingDomain: domain, selector, privateKey }] } as Parameters<typeof dkimSign>[1]);
    return signatures + raw;
  }

  async function messageWithSubject(subject: string, view = 'open'): Promise<{ conversation: any; message: any }> {
    return waitFor(`"${subject}" stored`, async () => {
      const items = (await f.owner.get(`/api/v1/inboxes/${f.inboxId}/conversations?view=${view}&limit=100`)).body.items as { id: string; subject: string }[];
      const found = items.find((c) => c.subject === subject);
      if (!found) return undefined;
      const conversation = (await f.owner.get(`/api/v1/conversations/${found.id}`)).body;
      return { conversation, message: conversation.messages[0] };
    });
  }

  it('records pass verdicts for signed mail from an authorised server', async () => {
    const subject = `Signed ${randomUUID()}`;
    const raw = await signed(buildEmail({ from: 'Sigrid <sigrid@shop.example>', to: f.address, subject, text: 'Signed and sent from our server.' }).raw, 'shop.example', 'sel1', customers.privateKey);
    expect((await sendRawSmtp(f.stack.smtpPort!, { from: 'bounces@shop.example', to: [f.address] }, raw)).accepted).toBe(true);
    const { message } = await messageWithSubject(subject);
    expect(message.authentication).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass', aligned: true });
  });

  it('records failures for forged mail, and a changed body breaks DKIM', async () => {
    const subject = `Tampered ${randomUUID()}`;
    const original = await signed(buildEmail({ from: 'sigrid@shop.example', to: f.address, subject, text: 'Pay invoice 1001.' }).raw, 'shop.example', 'sel1', customers.privateKey);
    const tampered = original.replace('Pay invoice 1001.', 'Pay invoice 6666 to a new account.');
    // Over HTTP there is no connecting server to check SPF against; DKIM and DMARC still apply.
    const response = await fetch(`${f.stack.ingestUrl}/ingest/v1/email?to=${encodeURIComponent(f.address)}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: tampered });
    expect(response.status).toBe(202);
    const { message } = await messageWithSubject(subject);
    // mailauth reports a body that no longer matches its signature's hash as "neutral" (RFC 6376 PERMFAIL).
    expect(message.authentication).toMatchObject({ spf: 'none', dkim: 'neutral', dmarc: 'fail', aligned: false });
  });

  it('never posts unauthenticated mail as one of our agents; authenticated mail is theirs', async () => {
    const forgedSubject = `Forged ${randomUUID()}`;
    const forged = buildEmail({ from: `Aud Agent <${agentEmail}>`, to: f.address, subject: forgedSubject, text: 'Please refund order 42 to this new card.' }).raw;
    expect((await sendRawSmtp(f.stack.smtpPort!, { from: agentEmail, to: [f.address] }, forged)).accepted).toBe(true);
    const spam = await messageWithSubject(forgedSubject, 'spam');
    expect(spam.conversation).toMatchObject({ filtered: true, filteredReason: 'spoofed_sender' });
    expect(spam.message.authorUserId).toBeNull();
    expect(spam.message.authentication).toMatchObject({ spf: 'fail', dmarc: 'fail', aligned: false });

    const genuineSubject = `Genuine ${randomUUID()}`;
    const genuine = await signed(buildEmail({ from: `Aud Agent <${agentEmail}>`, to: f.address, subject: genuineSubject, text: 'Forwarding this for the team.' }).raw, 'ourcompany.example', 'mail', ours.privateKey);
    expect((await sendRawSmtp(f.stack.smtpPort!, { from: agentEmail, to: [f.address] }, genuine)).accepted).toBe(true);
    const { conversation, message } = await messageWithSubject(genuineSubject);
    expect(conversation.filtered).toBe(false);
    expect(message.authorUserId).toBe(agentId);
    expect(message.authentication).toMatchObject({ dkim: 'pass', dmarc: 'pass', aligned: true });
  });
});
