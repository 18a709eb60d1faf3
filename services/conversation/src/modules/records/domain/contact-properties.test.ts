import { checkDefinition, contactEmail, contactPhone, propertyValue } from './contact-properties';

describe('contact property definitions', () => {
  it('accepts the four types and keeps a choice’s options once each, in order', () => {
    expect(checkDefinition({ key: 'plan', label: ' Plan ', type: 'choice', options: ['Gold', ' Silver', 'Gold', ''] })).toEqual({ key: 'plan', label: 'Plan', type: 'choice', options: ['Gold', 'Silver'] });
    expect(checkDefinition({ key: 'renewal_date', label: '', type: 'date', options: [] }).label).toBe('renewal_date');
  });

  it.each([
    [{ key: 'Plan', label: 'x', type: 'text', options: [] }, 'invalid_property_key'],
    [{ key: '1st', label: 'x', type: 'text', options: [] }, 'invalid_property_key'],
    [{ key: 'a'.repeat(41), label: 'x', type: 'text', options: [] }, 'invalid_property_key'],
    [{ key: 'plan', label: 'x', type: 'list', options: [] }, 'invalid_property_type'],
    [{ key: 'plan', label: 'x', type: 'choice', options: [] }, 'invalid_property_options'],
    [{ key: 'plan', label: 'x', type: 'text', options: ['a'] }, 'invalid_property_options'],
    [{ key: 'plan', label: 'x'.repeat(101), type: 'text', options: [] }, 'invalid_property_label'],
  ])('refuses %j with %s', (input, code) => {
    expect(() => checkDefinition(input)).toThrow(expect.objectContaining({ code }));
  });
});

describe('contact property values', () => {
  const number = { key: 'seats', label: 'Seats', type: 'number' as const, options: [] };
  const date = { key: 'renewal', label: 'Renewal', type: 'date' as const, options: [] };
  const choice = { key: 'plan', label: 'Plan', type: 'choice' as const, options: ['Gold', 'Silver'] };

  it('stores numbers and dates in one spelling', () => {
    expect(propertyValue(number, ' 012.50 ')).toBe('12.5');
    expect(propertyValue(date, '2027-02-28')).toBe('2027-02-28');
    expect(propertyValue(choice, 'Gold')).toBe('Gold');
  });

  it.each([
    [number, 'twelve'],
    [number, ''],
    [number, 'Infinity'],
    [date, '2027-02-30'],
    [date, '28.02.2027'],
    [choice, 'gold'],
  ])('refuses %j = %s', (definition, value) => {
    expect(() => propertyValue(definition, value)).toThrow(expect.objectContaining({ code: 'invalid_property_value' }));
  });
});

describe('contact fields', () => {
  it('lower-cases emails and lets an empty value clear', () => {
    expect(contactEmail(' Kari@Example.COM ')).toBe('kari@example.com');
    expect(contactEmail('')).toBe('');
    expect(() => contactEmail('kari at example.com')).toThrow(expect.objectContaining({ code: 'invalid_email' }));
    expect(() => contactEmail('kari@localhost')).toThrow(expect.objectContaining({ code: 'invalid_email' }));
  });

  it('takes phone numbers as people write them', () => {
    expect(contactPhone('+47 912 34 567')).toBe('+47 912 34 567');
    expect(contactPhone('(555) 010-9999')).toBe('(555) 010-9999');
    expect(() => contactPhone('call me')).toThrow(expect.objectContaining({ code: 'invalid_phone' }));
  });
});
