import { DomainError, ErrorDetail } from '@passerelle/domain';
import type { ContactDetails } from '../ports';

/**
 * A valid e-mail address as the HTML standard defines it (the `type=email` input): what a
 * patient may type in a form and a mail server accepts.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const E164 = /^\+[1-9]\d{7,14}$/;
/** A French number in national form: 0 then 9 digits (01…, 06…, 07…, 09…). */
const FRENCH_NATIONAL = /^0[1-9]\d{8}$/;
/** Spaces, dots, dashes and parentheses people write numbers with. */
const PHONE_SEPARATORS = /[\s.\-()]/g;

/**
 * The contact details a patient gives, checked: an e-mail address, a phone number in E.164 form
 * or French national form (stored as E.164, `06 12 34 56 78` → `+33612345678`). Every problem is
 * reported at once; at least one of them is required.
 */
export function checkedContactDetails(given: ContactDetails): ContactDetails {
  const problems: ErrorDetail[] = [];
  if (given.email === undefined && given.phone === undefined) {
    problems.push({ code: 'METADATA_MISSING', message: 'Give email, phone or both' });
  }
  const email = given.email?.trim();
  if (email !== undefined && (email.length > 254 || !EMAIL.test(email))) {
    problems.push({ code: 'METADATA_INVALID', message: 'email is not a valid e-mail address' });
  }
  const phone = given.phone === undefined ? undefined : e164(given.phone);
  if (phone === null) {
    problems.push({
      code: 'METADATA_INVALID',
      message: 'phone must be an E.164 number (+33612345678) or a French one (06 12 34 56 78)',
    });
  }
  if (problems.length) throw DomainError.of(problems);
  return {
    ...(email !== undefined ? { email } : {}),
    ...(phone ? { phone } : {}),
  };
}

function e164(phone: string): string | null {
  const compact = phone.replace(PHONE_SEPARATORS, '');
  if (E164.test(compact)) return compact;
  if (FRENCH_NATIONAL.test(compact)) return `+33${compact.slice(1)}`;
  return null;
}
