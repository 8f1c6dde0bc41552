/**
 * RFC 6838 §4.2 restricted names (type/subtype) with RFC 9110 parameters: what a contentType
 * must be before it is stored and later written into a Content-Type header (no CRLF, no space
 * in the names). The FHIR door's own until libs/domain holds one for both doors.
 */
const RESTRICTED_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
const MEDIA_TYPE = new RegExp(
  `^${RESTRICTED_NAME}/${RESTRICTED_NAME}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`,
);

/** Longer than any media type in use; checked before the syntax, so a huge value costs nothing. */
export const MAX_MEDIA_TYPE_LENGTH = 255;

export function isMediaType(value: string): boolean {
  return value.length <= MAX_MEDIA_TYPE_LENGTH && MEDIA_TYPE.test(value);
}
