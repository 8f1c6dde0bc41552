/** HL7 v3 TS: YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+|-ZZZZ]. */
const HL7_TS =
  /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?(?:([+-])(\d{2})(\d{2}))?$/;

/**
 * The instant an HL7 TS designates (missing parts are the start of the period); undefined when
 * the value is not a TS or not a calendar date. Without an offset the time is read as UTC, the
 * time zone of XDS DTM values.
 */
export function parseHl7Instant(value: string): Date | undefined {
  const match = HL7_TS.exec(value.trim());
  if (!match) return undefined;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00'] = match;
  const fraction = Number(`0.${match[7] ?? '0'}`);
  const local = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, fraction * 1000);
  const checked = new Date(local);
  if (
    checked.getUTCMonth() !== +month - 1 ||
    checked.getUTCDate() !== +day ||
    +hour > 23 ||
    +minute > 59 ||
    +second > 59
  ) {
    return undefined;
  }
  const offsetMinutes = match[8] ? (match[8] === '-' ? -1 : 1) * (+match[9] * 60 + +match[10]) : 0;
  return new Date(local - offsetMinutes * 60_000);
}

/** A birth time as a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD), keeping the given precision. */
export function hl7DateToFhirDate(value: string): string | undefined {
  const match = /^(\d{4})(\d{2})?(\d{2})?/.exec(value.trim());
  if (!match || !parseHl7Instant(value)) return undefined;
  return [match[1], match[2], match[3]].filter(Boolean).join('-');
}
