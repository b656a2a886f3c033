/**
 * The CSV layouts (api.md "Details"): agents.csv with the JSON field paths joined by dots
 * as its header, tickets.csv with every TicketKpis field as a column named as in JSON.
 */
import type { AgentKpis, TicketKpis } from '../../../contract/index.js';
import { agentShape, emptyKpis, type KpiServiceSettings } from './figures.js';
import { DURATION_KPIS } from './queries/duration-stats.js';

/** Column order of agents.csv: the contract's example first (`agentId,name,ticketsSolved,firstResponseMinutes.median,…`). */
const TOP_ORDER = ['agentId', 'name', 'ticketsSolved', ...DURATION_KPIS, 'fcr', 'csat', 'nps', 'ces', 'reopens', 'publicReplies', 'groupIds'];
const SUB_ORDER = [
  'median', 'mean', 'p90', 'count',
  'rate', 'eligible', 'oneTouch', 'zeroTouch',
  'score', 'low', 'high', 'good', 'bad', 'offered', 'responseRate',
  'responses', 'promoters', 'passives', 'detractors', 'agreeRate', 'rejected',
  'target', 'met', 'attainment', 'lowSample',
];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const orderBy = (order: string[]) => (a: string, b: string) => {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
};

/** JSON field paths joined by dots, for an object like `template` (Kpis, and `previous.` + Kpis under compare=previous). */
export function csvPaths(template: Record<string, unknown>, prefix = ''): string[] {
  const paths: string[] = [];
  for (const key of Object.keys(template).sort(orderBy(TOP_ORDER))) {
    const value = template[key];
    if (key === 'previous' && isPlainObject(value)) paths.push(...csvPaths(value, `${prefix}previous.`));
    else if (isPlainObject(value)) for (const sub of Object.keys(value).sort(orderBy(SUB_ORDER))) paths.push(`${prefix}${key}.${sub}`);
    else paths.push(`${prefix}${key}`);
  }
  return paths;
}

/**
 * A cell: empty for null, `true`/`false`, arrays joined by `;`, numbers kept as numbers
 * (so the writer's formula escaping, which leaves numbers alone, never prefixes a
 * negative number), everything else as text.
 */
export function csvCell(value: unknown): string | number {
  if (value == null) return '';
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map(csvCell).join(';');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/**
 * csv-stringify options for every export: RFC 4180 with CRLF, and cells a spreadsheet
 * would evaluate (starting with = + - @ tab or CR) prefixed with `'` (OWASP CSV
 * injection); number cells are left as numbers.
 */
export const CSV_OPTIONS = { record_delimiter: 'windows', escape_formulas: true } as const;

function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = isPlainObject(cur) ? cur[part] : undefined;
  return cur;
}

/** agents.csv: header (field paths) and one row of cells per agent (with `previous.*` columns when `withPrevious`). */
export function agentsCsv(agents: AgentKpis[], settings: KpiServiceSettings, withPrevious = false): { header: string[]; rows: Array<Array<string | number>> } {
  const shape = agentShape({ id: 0, name: '', role: 'agent', active: true, groupIds: [] }, emptyKpis(settings));
  const template = (withPrevious ? { ...shape, previous: emptyKpis(settings) } : shape) as unknown as Record<string, unknown>;
  const header = csvPaths(template);
  return { header, rows: agents.map((a) => header.map((p) => csvCell(valueAt(a as unknown as Record<string, unknown>, p)))) };
}

/** tickets.csv columns: every TicketKpis field, named as in JSON. */
export const TICKET_CSV_COLUMNS: Array<keyof TicketKpis> = [
  'ticketId',
  'status',
  'assigneeId',
  'createdAt',
  'firstResponseMinutes',
  'firstResponseBusinessMinutes',
  'firstResponder',
  'firstResolutionMinutes',
  'firstResolutionBusinessMinutes',
  'fullResolutionMinutes',
  'fullResolutionBusinessMinutes',
  'publicReplies',
  'reopens',
  'oneTouch',
  'csat',
  'channel',
  'handleTimeMinutes',
];

export function ticketCsvRow(t: TicketKpis): Array<string | number> {
  return TICKET_CSV_COLUMNS.map((c) => csvCell(t[c]));
}

