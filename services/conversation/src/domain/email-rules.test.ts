import { filterReason, hasReplyPrefix, isAutoReply, isRoleBasedAddress, normaliseSubject, preview, replyTokenFrom } from './email-rules';

describe('email filtering rules', () => {
  it('recognises role-based senders by local part, case- and tag-insensitively', () => {
    for (const address of ['marketing@shop.test', 'Sales@Shop.test', 'noreply@x.test', 'no-reply+abc@x.test', 'MAILER-DAEMON@mx.test']) {
      expect(isRoleBasedAddress(address)).toBe(true);
    }
    for (const address of ['anna.marketing@shop.test', 'support@shop.test', 'kari@sales.test']) {
      expect(isRoleBasedAddress(address)).toBe(false);
    }
  });

  it('recognises auto-replies by Auto-Submitted, X-Autoreply and bulk precedence', () => {
    expect(isAutoReply({ 'auto-submitted': 'auto-generated' })).toBe(true);
    expect(isAutoReply({ 'auto-submitted': 'auto-replied' })).toBe(true);
    expect(isAutoReply({ 'auto-submitted': 'no' })).toBe(false);
    expect(isAutoReply({ 'x-autoreply': 'yes' })).toBe(true);
    expect(isAutoReply({ precedence: 'Bulk' })).toBe(true);
    expect(isAutoReply({ precedence: 'first-class' })).toBe(false);
    expect(isAutoReply({})).toBe(false);
  });

  it('filters blocked senders always, auto-replies always, role addresses only from unknown senders', () => {
    const base = { blocked: false, headers: {}, fromAddress: 'kari@x.test', knownContact: false };
    expect(filterReason(base)).toBeNull();
    expect(filterReason({ ...base, blocked: true, knownContact: true })).toBe('blocked_sender');
    expect(filterReason({ ...base, headers: { 'x-autoreply': 'yes' }, knownContact: true })).toBe('auto_reply');
    expect(filterReason({ ...base, fromAddress: 'sales@x.test' })).toBe('role_address');
    expect(filterReason({ ...base, fromAddress: 'sales@x.test', knownContact: true })).toBeNull();
  });
});

describe('subjects and previews', () => {
  it('strips reply and forward prefixes in several languages', () => {
    expect(normaliseSubject('Re: RE: Fwd: Order 42')).toBe('order 42');
    expect(normaliseSubject('SV: Ordre 42')).toBe('ordre 42');
    expect(normaliseSubject('AW: WG: Bestellung')).toBe('bestellung');
    expect(normaliseSubject('Re[2]: Order')).toBe('order');
    expect(hasReplyPrefix('Re: x')).toBe(true);
    expect(hasReplyPrefix('Regarding x')).toBe(false);
    expect(normaliseSubject('Refund request')).toBe('refund request');
  });

  it('builds a one-line preview without quoted lines', () => {
    expect(preview('Thanks!\n\n> On Monday you wrote:\n> old text\nBest, Kari')).toBe('Thanks! Best, Kari');
    expect(preview('x'.repeat(300)).length).toBe(200);
  });

  it('finds a reply token in a plus-address', () => {
    expect(replyTokenFrom('support-1a2b+r-AbCdEf123456@inbox.test')).toBe('AbCdEf123456');
    expect(replyTokenFrom('support@inbox.test')).toBeNull();
  });
});
