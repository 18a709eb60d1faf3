// Contact fields and properties as the records module accepts them: a property's value is
// checked against the type an admin gave it and stored in one canonical spelling, so filters
// and exports compare like with like.
import { InvalidArgumentError } from '@inbox/lib';

export type PropertyType = 'text' | 'number' | 'date' | 'choice';
export interface PropertyDefinition {
  key: string;
  label: string;
  type: PropertyType;
  options: string[];
}

const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const TYPES: readonly PropertyType[] = ['text', 'number', 'date', 'choice'];
export const MAX_PROPERTIES = 200;
const MAX_TEXT = 1000;

export function checkDefinition(input: { key: string; label: string; type: string; options: string[] }): PropertyDefinition {
  const key = input.key.trim();
  if (!KEY.test(key)) throw new InvalidArgumentError('invalid_property_key', 'a property key has 1 to 40 lower-case letters, digits or underscores and starts with a letter');
  const label = input.label.trim() || key;
  if (label.length > 100) throw new InvalidArgumentError('invalid_property_label', 'a property label has at most 100 characters');
  if (!TYPES.includes(input.type as PropertyType)) throw new InvalidArgumentError('invalid_property_type', 'a property type is text, number, date or choice');
  const type = input.type as PropertyType;
  const options = [...new Set(input.options.map((o) => o.trim()).filter(Boolean))];
  if (type === 'choice' && (options.length === 0 || options.length > 50 || options.some((o) => o.length > 100))) {
    throw new InvalidArgumentError('invalid_property_options', 'a choice property has 1 to 50 options of at most 100 characters');
  }
  if (type !== 'choice' && options.length > 0) throw new InvalidArgumentError('invalid_property_options', 'only a choice property has options');
  return { key, label, type, options };
}

/** The value in its canonical spelling, or an error naming the property and what it takes. */
export function propertyValue(definition: PropertyDefinition, raw: string): string {
  const value = raw.trim();
  const refuse = (what: string) => new InvalidArgumentError('invalid_property_value', `${definition.key} takes ${what}`, { key: definition.key });
  switch (definition.type) {
    case 'text':
      if (value.length > MAX_TEXT) throw refuse(`at most ${MAX_TEXT} characters`);
      return value;
    case 'number': {
      const number = Number(value);
      if (!value || !Number.isFinite(number)) throw refuse('a number');
      return String(number);
    }
    case 'date': {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
      if (!date || date.toISOString().slice(0, 10) !== value) throw refuse('a date written YYYY-MM-DD');
      return value;
    }
    case 'choice':
      if (!definition.options.includes(value)) throw refuse(`one of ${definition.options.join(', ')}`);
      return value;
  }
}

const EMAIL = /^[^\s@<>",;]{1,64}@[^\s@<>",;]+\.[^\s@<>",;]{2,}$/;
const PHONE = /^\+?[0-9(][0-9 ().-]{2,30}$/;

/** A lower-cased address, empty to clear, or an error. */
export function contactEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email && (email.length > 254 || !EMAIL.test(email))) throw new InvalidArgumentError('invalid_email', 'that is not an email address');
  return email;
}

/** A phone number as written (digits, spaces, brackets, dots, dashes, a leading +), empty to clear. */
export function contactPhone(raw: string): string {
  const phone = raw.trim();
  if (phone && !PHONE.test(phone)) throw new InvalidArgumentError('invalid_phone', 'a phone number has 3 to 31 digits, spaces, brackets, dots or dashes, and may start with +');
  return phone;
}

export function contactName(raw: string): string {
  const name = raw.trim();
  if (name.length > 200) throw new InvalidArgumentError('invalid_name', 'a name has at most 200 characters');
  return name;
}
