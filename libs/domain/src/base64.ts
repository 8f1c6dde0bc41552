/**
 * Strict base64 (RFC 4648 §4): the 64-character alphabet, `=` padding only at the end and only
 * as much as the length needs, no stray bits in the last character. Line breaks, spaces and tabs
 * are skipped (MIME line wrapping, indented XML text); every other character is refused, where
 * Node's own decoder silently drops it.
 */
export function decodeBase64Strict(input: string | Uint8Array): Buffer | undefined {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const output = Buffer.allocUnsafe(Math.ceil((bytes.length * 3) / 4));
  let written = 0;
  let quantum = 0;
  let sextets = 0;
  let padding = 0;
  for (const byte of bytes) {
    if (IGNORED.has(byte)) continue;
    if (byte === PAD) {
      padding += 1;
      continue;
    }
    const value = SEXTET[byte];
    if (value === INVALID || padding > 0) return undefined;
    quantum = (quantum << 6) | value;
    sextets += 1;
    if (sextets === 4) {
      output[written++] = quantum >> 16;
      output[written++] = (quantum >> 8) & 0xff;
      output[written++] = quantum & 0xff;
      quantum = 0;
      sextets = 0;
    }
  }
  return finish(output, written, quantum, sextets, padding);
}

function finish(
  output: Buffer,
  written: number,
  quantum: number,
  sextets: number,
  padding: number,
): Buffer | undefined {
  if (sextets === 0) return padding === 0 ? output.subarray(0, written) : undefined;
  if (sextets === 1 || sextets + padding !== 4) return undefined;
  if (sextets === 2) {
    if ((quantum & 0x0f) !== 0) return undefined;
    output[written++] = quantum >> 4;
    return output.subarray(0, written);
  }
  if ((quantum & 0x03) !== 0) return undefined;
  output[written++] = quantum >> 10;
  output[written++] = (quantum >> 2) & 0xff;
  return output.subarray(0, written);
}

const PAD = 0x3d;
const INVALID = 0xff;
const IGNORED = new Set([0x09, 0x0a, 0x0d, 0x20]);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;
