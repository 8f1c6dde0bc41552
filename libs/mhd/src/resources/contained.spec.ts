import type { ContactPoint } from 'fhir/r4';
import { contactPointOfTelecom, telecomOfContactPoint } from './contained';

describe('author telecom between FHIR ContactPoint and the stored URL form', () => {
  it.each<[ContactPoint, string, ContactPoint]>([
    [
      { system: 'phone', value: '0478000000' },
      'tel:0478000000',
      { system: 'phone', value: '0478000000' },
    ],
    [
      { system: 'email', value: 'jean@example.org' },
      'mailto:jean@example.org',
      { system: 'email', value: 'jean@example.org' },
    ],
    [
      { system: 'phone', value: 'tel:0478000000' },
      'tel:0478000000',
      { system: 'phone', value: '0478000000' },
    ],
    [
      { system: 'url', value: 'https://example.org' },
      'https://example.org',
      { value: 'https://example.org' },
    ],
    [{ value: '0478000000' }, '0478000000', { value: '0478000000' }],
  ])('stores %j as %s, read back as %j', (contactPoint, stored, readBack) => {
    expect(telecomOfContactPoint(contactPoint)).toBe(stored);
    expect(contactPointOfTelecom(stored)).toEqual(readBack);
  });
});
