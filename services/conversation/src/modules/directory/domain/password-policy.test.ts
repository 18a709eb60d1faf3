import { passwordProblem } from './password-policy';

describe('the password policy', () => {
  it('refuses short, overlong and commonly breached passwords', () => {
    expect(passwordProblem('short pw', 'kari@example.com')).toBe('too_short');
    expect(passwordProblem('x'.repeat(257), 'kari@example.com')).toBe('too_long');
    for (const common of ['password12', 'qwertyuiop', '1234567890', 'PASSWORD12']) expect([common, passwordProblem(common, 'kari@example.com')]).toEqual([common, 'common']);
  });

  it('refuses a password made of the user’s own email address or its local part', () => {
    expect(passwordProblem('kari.nordmann@example.com', 'Kari.Nordmann@example.com')).toBe('contains_email');
    expect(passwordProblem('my kari.nordmann 2026', 'kari.nordmann@example.com')).toBe('contains_email');
    // A short local part is too common a string to refuse on.
    expect(passwordProblem('the bob of all trades', 'bob@example.com')).toBeNull();
  });

  it('accepts a long, uncommon passphrase', () => {
    expect(passwordProblem('correct horse battery staple', 'kari@example.com')).toBeNull();
  });
});
