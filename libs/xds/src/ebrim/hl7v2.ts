import { Institution, PersonName, isCalendarDay, isClockTime } from '@passerelle/domain';

/** HL7 v2 data types as XDS metadata writes them (ITI TF-3 Table 4.2.3.1.7-2). */

/** `&OID&ISO` → OID. */
function authorityOf(component: string | undefined): string | undefined {
  const match = /^&([0-9.]+)&ISO$/.exec(component ?? '');
  return match?.[1];
}

function empty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}

/** XCN: `id^family^given^^^prefix^^^&authority&ISO` (authorPerson, legalAuthenticator). */
export function parseXcn(value: string): PersonName {
  const components = value.split('^');
  return {
    id: empty(components[0]),
    family: empty(components[1]),
    given: empty(components[2]),
    prefix: empty(components[5]),
    assigningAuthority: authorityOf(components[8]),
  };
}

export function formatXcn(person: PersonName): string {
  const authority = person.assigningAuthority ? `&${person.assigningAuthority}&ISO` : '';
  return trimComponents([
    person.id ?? '',
    person.family ?? '',
    person.given ?? '',
    '',
    '',
    person.prefix ?? '',
    '',
    '',
    authority,
  ]);
}

/** XON: `name^^^^^&authority&ISO^type^^^id` (authorInstitution). */
export function parseXon(value: string): Institution {
  const components = value.split('^');
  return {
    name: components[0] ?? '',
    assigningAuthority: authorityOf(components[5]),
    id: empty(components[9]),
  };
}

export function formatXon(institution: Institution): string {
  const authority = institution.assigningAuthority ? `&${institution.assigningAuthority}&ISO` : '';
  return trimComponents([
    institution.name,
    '',
    '',
    '',
    '',
    authority,
    institution.id ? 'IDNST' : '',
    '',
    '',
    institution.id ?? '',
  ]);
}

/** XTN: `^^Internet^address` (e-mail) or a plain number. */
export function parseXtn(value: string): string {
  const components = value.split('^');
  return components[3] || components[0] || value;
}

export function formatXtn(telecom: string): string {
  return telecom.includes('@') ? `^^Internet^${telecom}` : telecom;
}

function trimComponents(components: string[]): string {
  while (components.length > 1 && components[components.length - 1] === '') components.pop();
  return components.join('^');
}

const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?$/;
/** Room for the 14 digits and the whitespace around them; longer is refused untrimmed. */
const MAX_DTM_LENGTH = 64;

/**
 * DTM `YYYY[MM[DD[hh[mm[ss]]]]]`, UTC; undefined when malformed or when the day or the time does
 * not exist (never rolled over into another day by `Date`).
 */
export function parseDtm(value: string): Date | undefined {
  if (value.length > MAX_DTM_LENGTH) return undefined;
  const match = DTM.exec(value.trim());
  if (!match) return undefined;
  const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (!isCalendarDay(year!, month, day) || !isClockTime(hour, minute, second)) return undefined;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year!);
  return date;
}

/** Date → DTM at second precision, UTC. */
export function formatDtm(date: Date): string {
  const iso = date.toISOString();
  // YYYY-MM-DDThh:mm:ss… (a year past 9999 is written ±YYYYYY-…: the general rule then)
  if (iso.length !== 24) return iso.replace(/[-:T]/g, '').slice(0, 14);
  return (
    iso.slice(0, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19)
  );
}
