// CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, a double quote, CR or LF is
// quoted, its quotes doubled), with spreadsheet formulas neutralised: a text cell starting with
// `=`, `+`, `-`, `@`, a tab or CR gets a leading `'`, so Excel, LibreOffice and Google Sheets show
// it as text instead of running it (OWASP "CSV injection"). Numbers are written as they are.
export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? neutralise(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}
