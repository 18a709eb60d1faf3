import { canAssignRole, emailAddressKey, emailDomainOf, isAtLeast } from './directory';
import { isSpoofedSender } from '../../../domain/email-rules';

describe('directory rules', () => {
  it('compares email addresses without case or +tag, so a variant of a taken address is the same address', () => {
    expect(emailAddressKey('Support+Billing@Example.COM')).toBe('support@example.com');
    expect(emailAddressKey(' support@example.com ')).toBe('support@example.com');
    expect(emailAddressKey('a+b+c@x.example')).toBe('a@x.example');
    expect(emailDomainOf('Help@Inbox.Example')).toBe('inbox.example');
  });

  it('lets admins manage agents and admins, and only super admins grant super admin', () => {
    expect(canAssignRole('admin', 'agent')).toBe(true);
    expect(canAssignRole('admin', 'admin')).toBe(true);
    expect(canAssignRole('admin', 'superadmin')).toBe(false);
    expect(canAssignRole('superadmin', 'superadmin')).toBe(true);
    expect(canAssignRole('agent', 'agent')).toBe(false);
    expect(isAtLeast('superadmin', 'admin')).toBe(true);
    expect(isAtLeast('agent', 'admin')).toBe(false);
  });

  it('treats mail claiming one of our people as spoofed unless its domain authenticates', () => {
    expect(isSpoofedSender(true, undefined)).toBe(true);
    expect(isSpoofedSender(true, { aligned: false })).toBe(true);
    expect(isSpoofedSender(true, { aligned: true })).toBe(false);
    expect(isSpoofedSender(false, undefined)).toBe(false);
  });
});
