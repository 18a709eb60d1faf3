import { mailbox, parseRecipients, recipients } from './recipients';

const a = (address: string, name = '') => ({ name, address });

describe('reply recipients', () => {
  it('copies everyone the last email went to, except our own addresses and the customer', () => {
    const result = recipients({
      to: a('kari@customer.example', 'Kari'),
      replyAllTo: { to: [a('support@inbox.example'), a('ola@customer.example', 'Ola')], cc: [a('Support+billing@Inbox.example'), a('per@customer.example'), a('KARI@customer.example')] },
      cc: [],
      bcc: [],
      ownAddresses: ['support@inbox.example'],
    });
    expect(result.to).toEqual(a('kari@customer.example', 'Kari'));
    expect(result.cc).toEqual([a('ola@customer.example', 'Ola'), a('per@customer.example')]);
    expect(result.bcc).toEqual([]);
  });

  it('adds explicit copies once each, in the most visible field', () => {
    const result = recipients({
      to: a('kari@customer.example'),
      replyAllTo: { to: [], cc: [a('ola@customer.example')] },
      cc: [a('ola@customer.example'), a('boss@customer.example')],
      bcc: [a('boss@customer.example'), a('archive@customer.example'), a('kari@customer.example')],
      ownAddresses: [],
    });
    expect(result.cc.map((x) => x.address)).toEqual(['ola@customer.example', 'boss@customer.example']);
    expect(result.bcc.map((x) => x.address)).toEqual(['archive@customer.example']);
  });

  it('refuses bad addresses and too many recipients', () => {
    expect(() => parseRecipients('cc', ['not an address'])).toThrow(expect.objectContaining({ code: 'invalid_recipient' }));
    const many = Array.from({ length: 50 }, (_, i) => a(`p${i}@customer.example`));
    expect(() => recipients({ to: a('kari@customer.example'), cc: many, bcc: [], ownAddresses: [] })).toThrow(expect.objectContaining({ code: 'too_many_recipients' }));
  });

  it('treats +tag variants as one mailbox', () => {
    expect(mailbox('Support+Billing@Inbox.Example')).toBe('support@inbox.example');
  });
});
