/**
 * RFC 6838 §4.2 restricted names (type/subtype) with RFC 9110 parameters: what a contentType
 * must be before it is stored and later written into a Content-Type header (no CRLF, no space
 * in the names). (The door's own until libs/domain has one shared by both doors.)
 */
const RESTRICTED_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
const MEDIA_TYPE = new RegExp(
  `^${RESTRICTED_NAME}/${RESTRICTED_NAME}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`,
);

export function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}
