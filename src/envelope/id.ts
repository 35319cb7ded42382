/**
 * The seed's `id` rule: an integer is echoed; a string of digits becomes that
 * integer; anything else, or no id, becomes -1.
 */
export function envelopeId(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : -1;
  if (typeof value === 'string' && /^[0-9]{1,15}$/.test(value)) return Number(value);
  return -1;
}
