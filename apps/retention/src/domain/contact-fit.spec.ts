import { fitContact } from './contact-fit';

describe('fitContact', () => {
  it('keeps values that fit', () => {
    const contact = { name: 'Anna Schmidt', email: 'anna@example.com', locale: 'de-DE' };
    expect(fitContact(contact)).toEqual({ contact, adjustments: [] });
  });

  it('cuts an over-long name to its column and drops an over-long e-mail and locale', () => {
    const { contact, adjustments } = fitContact({
      name: 'N'.repeat(400),
      email: `${'e'.repeat(400)}@example.com`,
      locale: 'x'.repeat(36),
    });
    expect(contact).toEqual({ name: 'N'.repeat(300), email: null, locale: null });
    expect(adjustments).toEqual([
      { field: 'name', length: 400, limit: 300, action: 'cut' },
      { field: 'email', length: 412, limit: 300, action: 'dropped' },
      { field: 'locale', length: 36, limit: 35, action: 'dropped' },
    ]);
  });
});
