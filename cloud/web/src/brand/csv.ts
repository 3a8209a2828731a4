/**
 * The button CSV a brand uploads: one `device id, serial` per line, comma or semicolon, an
 * optional header line, quotes allowed. Lines are kept as they are (checking is the API's), so
 * every line gets its own result; blank lines are skipped.
 */
export interface CsvRow {
  /** The line in the file (1-based), for the result table. */
  line: number;
  deviceId: string;
  serial: string;
}

function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === ';') {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}

const HEADER = /^device[ _-]?id$/i;

export function parseButtonCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const [deviceId = '', serial = ''] = cells(raw);
    if (index === 0 && HEADER.test(deviceId)) return;
    rows.push({ line: index + 1, deviceId, serial });
  });
  return rows;
}

/** Claim codes as a CSV file to print on the packaging (shown once by the API). */
export function claimCodesCsv(rows: { deviceId: string; serial: string; claimCode: string }[]) {
  const quote = (v: string) => (/[",;\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [
    'device_id,serial,claim_code',
    ...rows.map((r) => [r.deviceId, r.serial, r.claimCode].map(quote).join(',')),
  ].join('\n');
}
