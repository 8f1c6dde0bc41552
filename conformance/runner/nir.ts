/**
 * The suite's own INS-NIR arithmetic (not the gateway's): the key is 97 − (the 13-character
 * number mod 97), Corsica's départements 2A and 2B counted as 19 and 18.
 */
const NIR_BODY = /^[12378][0-9]{4}(2A|2B|[0-9]{2})[0-9]{6}$/;

/** The two-digit key of a NIR's 13 first characters. */
export function nirKey(body13: string): string {
  const upper = body13.toUpperCase();
  if (!NIR_BODY.test(upper)) throw new Error(`Not the 13 first characters of a NIR: ${body13}`);
  const numeric = BigInt(upper.replace('2A', '19').replace('2B', '18'));
  return String(97n - (numeric % 97n)).padStart(2, '0');
}

/** A NIR: its 13 first characters and their key. */
export function nirWithKey(body13: string): string {
  return `${body13.toUpperCase()}${nirKey(body13)}`;
}

/** Whether a 15-character NIR is well formed and carries its key. */
export function isValidNir(nir: string): boolean {
  return /^.{13}[0-9]{2}$/.test(nir) && NIR_BODY.test(nir.slice(0, 13).toUpperCase())
    ? nirKey(nir.slice(0, 13)) === nir.slice(13)
    : false;
}
