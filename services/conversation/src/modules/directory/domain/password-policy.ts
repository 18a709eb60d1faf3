// What a password must be: 10 to 256 characters, not one of the commonly breached passwords
// (a list shipped as data), and not the user's own email address or its local part.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(path.resolve(__dirname, '../../../../data/common-passwords.txt'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'contains_email';

/** The first reason the password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email: string): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'common';
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0];
  if (lower.includes(address) || (local.length >= 4 && lower.includes(local))) return 'contains_email';
  return null;
}

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `password must have at most ${MAX_PASSWORD_LENGTH} characters`,
  common: 'this password is too common; choose another',
  contains_email: 'the password must not contain your email address',
};
