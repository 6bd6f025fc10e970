// Tables of the report, each as HTML and as CSV (a download link with a data: URI, so the file
// stays self-contained and opens from disk).
export type Cell = string | number | boolean | undefined | null;

export interface DataTable {
  readonly id: string;
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function show(c: Cell): string {
  if (c === undefined || c === null) return '';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : c.toFixed(Math.abs(c) >= 100 ? 1 : 3);
  return String(c);
}

function csvField(c: Cell): string {
  const s = c === undefined || c === null ? '' : typeof c === 'number' ? String(c) : String(c);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: DataTable): string {
  return [t.head, ...t.rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function tableHtml(t: DataTable): string {
  const head = t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${escapeHtml(show(c))}</td>`).join('')}</tr>`).join('\n');
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(toCsv(t))}`;
  return `<details class="table" id="${escapeHtml(t.id)}"><summary>${escapeHtml(t.title)} (${t.rows.length} rows) <a download="${escapeHtml(t.id)}.csv" href="${href}">CSV</a></summary>
<table><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table></details>`;
}
