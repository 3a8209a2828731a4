/** Prices typed in major units ("12.99" or "12,99") and the API's minor units (1299). */
export function centsOf(typed: string): number {
  const [whole = '0', fraction = ''] = typed.trim().replace(',', '.').split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

export function majorUnits(cents: number): string {
  return (cents / 100).toFixed(2);
}
