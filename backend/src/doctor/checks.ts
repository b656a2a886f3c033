/**
 * `npm run doctor`'s checks of a helpdesk account Pulse is pointed at: each asks the
 * helpdesk (through helpdesk/, the only code that talks to it) one question and answers
 * ok, warn or fail, with a plain fix for every problem. A check that cannot run without
 * working credentials is skipped (and counts as a failure) when they do not work.
 */
import { HelpdeskError, readAll, type HelpdeskAdminApi } from '../helpdesk/api.js';
import type { HelpdeskTrigger } from '../helpdesk/admin-schemas.js';
import { findPulseWebhooks } from '../accounts/webhook-secret.js';
import { PULSE_WEBHOOK_NAME, WEBHOOK_ROUTE_PATH, pickPulseWebhook, pointsAtPulse, whatFiresWebhook } from '../live/helpdesk-webhook.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** what to do about it (every warn, fail and skip has one) */
  fix?: string;
}

export interface DoctorTarget {
  api: HelpdeskAdminApi;
  /** 'env': credentials from ZENDESK_*; 'tenant': stored by the app for a registered account */
  source: 'env' | 'tenant' | 'demo';
  /** the mapped survey fields (null: not mapped) */
  fields: { nps: number | null; ces: number | null };
  /** this backend's public origin, when known: the webhook must call it */
  backendOrigin: string | undefined;
  /** the secret the backend verifies this account's webhook with (WEBHOOK_SECRET or the stored one); undefined: none */
  knownWebhookSecret: string | undefined;
  /** where the first sync's backfill starts */
  backfillFrom: Date;
}

/** Zendesk's incremental export: 10 requests per minute, up to 1000 tickets per page. */
export const EXPORT_REQUESTS_PER_MINUTE = 10;
export const EXPORT_PAGE_SIZE = 1000;
/** Below this share of the account's per-minute budget left, a backfill competes with other integrations. */
const MIN_HEADROOM = 0.2;
const NUMERIC_FIELD_TYPES = ['integer', 'decimal', 'tagger'];

const credentialsFix = (source: DoctorTarget['source']) =>
  source === 'tenant'
    ? "An admin of this account opens the Pulse app and enters an admin's email and a valid API token in its settings (Pulse stores them again)."
    : 'Set ZENDESK_EMAIL and ZENDESK_API_TOKEN to an admin\'s email and an active API token (Admin Center > Apps and integrations > APIs > Zendesk API, with token access enabled), or ZENDESK_OAUTH_TOKEN.';

function failure(name: string, err: unknown, fix: string): CheckResult {
  const detail = err instanceof HelpdeskError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  return { name, status: 'fail', detail, fix };
}

async function credentials(t: DoctorTarget): Promise<CheckResult> {
  const name = 'Credentials';
  try {
    const me = await t.api.me();
    const who = me.email ?? `user ${me.id}`;
    if (me.role !== 'admin' || !me.active) {
      return {
        name,
        status: 'fail',
        detail: `${who} is ${me.active ? `an ${me.role}` : 'an inactive user'}, not an active admin: the incremental exports Pulse syncs from are for admins only`,
        fix: credentialsFix(t.source).replace('valid API token', 'valid API token of an admin'),
      };
    }
    return { name, status: 'ok', detail: `${who} is an active admin` };
  } catch (err) {
    if (err instanceof HelpdeskError && err.kind === 'auth') {
      return { name, status: 'fail', detail: `the helpdesk refused the credentials (${err.status}): wrong email or API token, or token access is off`, fix: credentialsFix(t.source) };
    }
    return failure(name, err, 'Check that the helpdesk URL (ZENDESK_URL) is right and reachable from this machine.');
  }
}

function rateLimit(t: DoctorTarget): CheckResult {
  const name = 'API rate limit';
  const reading = t.api.rateLimit();
  if (!reading) return { name, status: 'warn', detail: 'the helpdesk sent no rate-limit headers', fix: 'Nothing to do unless syncs hit 429s; then check the account plan\'s API limit.' };
  if (reading.limit === undefined) return { name, status: 'ok', detail: `${reading.remaining} requests left this minute` };
  const share = reading.limit > 0 ? reading.remaining / reading.limit : 0;
  const detail = `${reading.remaining} of ${reading.limit} requests/min left (${Math.round(share * 100)}%)`;
  if (share < MIN_HEADROOM) {
    return {
      name,
      status: 'fail',
      detail: `${detail}: other integrations are spending most of the account's API budget`,
      fix: "Find the integration using the API (Admin Center > Apps and integrations > APIs > Zendesk API, activity), slow or pause it while Pulse backfills, or add the High Volume API add-on.",
    };
  }
  return { name, status: 'ok', detail };
}

async function schedules(t: DoctorTarget): Promise<CheckResult> {
  const name = 'Business hours';
  try {
    const list = await t.api.listSchedules();
    if (list.length === 0) {
      return {
        name,
        status: 'fail',
        detail: 'no business-hours schedule: first response and resolution in business minutes stay empty',
        fix: 'Create a schedule in Admin Center > Objects and rules > Business rules > Schedules (Pulse reads it on the next sync).',
      };
    }
    return { name, status: 'ok', detail: `${list.length} schedule${list.length === 1 ? '' : 's'}: ${list.map((s) => `${s.name} (${s.time_zone})`).join(', ')}` };
  } catch (err) {
    return failure(name, err, 'Business hours need the Professional plan or above; with another plan, business-minute KPIs stay empty.');
  }
}

async function satisfaction(t: DoctorTarget): Promise<CheckResult> {
  const name = 'Satisfaction ratings';
  const fix = 'Turn on customer satisfaction in Admin Center > Objects and rules > Business rules > Customer satisfaction, so solved tickets are rated and Pulse can show CSAT.';
  try {
    const enabled = (await t.api.accountSettings()).active_features.customer_satisfaction;
    if (enabled === undefined) return { name, status: 'warn', detail: 'the account settings do not say whether satisfaction ratings are on', fix };
    return enabled ? { name, status: 'ok', detail: 'on (account settings: customer_satisfaction)' } : { name, status: 'fail', detail: 'off: CSAT figures stay empty', fix };
  } catch (err) {
    return failure(name, err, fix);
  }
}

async function surveyField(t: DoctorTarget, label: 'NPS' | 'CES', fieldId: number | null): Promise<CheckResult> {
  const name = `${label} field`;
  const envVar = `${label}_FIELD_ID`;
  const where = t.source === 'tenant' ? "the app's settings" : `${envVar} (or the app's settings)`;
  if (fieldId === null) return { name, status: 'ok', detail: `not mapped: ${label} figures are off` };
  const fix = `Set ${where} to the id of the ${label} ticket field (Admin Center > Objects and rules > Tickets > Fields: a Number, Decimal or Drop-down field), or clear it to turn ${label} off.`;
  try {
    const field = await t.api.showTicketField(fieldId);
    if (!field) return { name, status: 'fail', detail: `ticket field ${fieldId} does not exist`, fix };
    if (!NUMERIC_FIELD_TYPES.includes(field.type)) {
      return { name, status: 'fail', detail: `ticket field ${fieldId} "${field.title}" is a ${field.type} field; Pulse reads numbers (integer, decimal) or a drop-down`, fix };
    }
    if (!field.active) return { name, status: 'warn', detail: `ticket field ${fieldId} "${field.title}" is inactive: no new answers arrive`, fix: `Activate the field in Admin Center > Objects and rules > Tickets > Fields, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}` };
    return { name, status: 'ok', detail: `ticket field ${fieldId} "${field.title}" (${field.type})` };
  } catch (err) {
    return failure(name, err, fix);
  }
}

async function activeTriggers(api: HelpdeskAdminApi): Promise<HelpdeskTrigger[]> {
  return (await readAll((cursor) => api.listActiveTriggers(cursor))).items;
}

async function webhook(t: DoctorTarget): Promise<CheckResult> {
  const name = 'Live-update webhook';
  const expected = t.backendOrigin ? `${t.backendOrigin}${WEBHOOK_ROUTE_PATH}` : `https://<this backend>${WEBHOOK_ROUTE_PATH}`;
  const installFix = `Install (or update) the Pulse app packaged for this backend (npm run package -- --backend-url ${t.backendOrigin ?? 'https://<this backend>'}): its requirements create the "${PULSE_WEBHOOK_NAME}" webhook. Or create it in Admin Center > Apps and integrations > Webhooks: endpoint ${expected}, POST, JSON, subscribed to the ticket events.`;
  try {
    const found = await findPulseWebhooks(t.api);
    const ours = pickPulseWebhook(found, t.backendOrigin);
    if (!ours) {
      const elsewhere = found.find((w) => w.name === PULSE_WEBHOOK_NAME);
      if (elsewhere) {
        return { name, status: 'fail', detail: `"${PULSE_WEBHOOK_NAME}" (${elsewhere.id}) calls ${elsewhere.endpoint}, not ${expected}`, fix: `Edit the webhook's endpoint to ${expected} in Admin Center > Apps and integrations > Webhooks, or reinstall the app packaged with --backend-url ${t.backendOrigin ?? 'https://<this backend>'}.` };
      }
      return { name, status: 'fail', detail: `no "${PULSE_WEBHOOK_NAME}" webhook: sidebars update only on the scheduled sync`, fix: installFix };
    }
    if (ours.status !== 'active') {
      return { name, status: 'fail', detail: `webhook ${ours.id} is ${ours.status}`, fix: 'Activate it in Admin Center > Apps and integrations > Webhooks.' };
    }
    const firing = whatFiresWebhook(ours, ours.subscriptions.some((s) => s.startsWith('zen:event-type:ticket.')) ? [] : await activeTriggers(t.api));
    if (firing.events.length === 0 && firing.triggers.length === 0) {
      return { name, status: 'fail', detail: `webhook ${ours.id} subscribes to no ticket event and no active trigger notifies it`, fix: installFix };
    }
    const by = firing.events.length > 0 ? `${firing.events.length} ticket events` : `trigger${firing.triggers.length === 1 ? '' : 's'} ${firing.triggers.map((tr) => `"${tr.title}"`).join(', ')}`;
    const detail = `${ours.id} calls ${ours.endpoint}${pointsAtPulse(ours, t.backendOrigin) && t.backendOrigin ? ' (this backend)' : ''}, fired by ${by}`;
    if (t.source === 'demo') return { name, status: 'ok', detail };
    const secret = await t.api.webhookSigningSecret(ours.id);
    if (t.knownWebhookSecret !== secret) {
      const secretFix =
        t.source === 'tenant'
          ? 'The backend learns it on the next scheduled sync (or when an admin saves the credentials in the app); run the doctor again after that.'
          : `Set WEBHOOK_SECRET to this webhook's signing secret (Admin Center > Apps and integrations > Webhooks > ${PULSE_WEBHOOK_NAME} > Signing secret), then restart Pulse.`;
      return { name, status: 'fail', detail: `${detail}; but the backend ${t.knownWebhookSecret ? 'holds another signing secret' : 'holds no signing secret'} for it, so its calls are refused (401)`, fix: secretFix };
    }
    return { name, status: 'ok', detail: `${detail}; signing secret matches` };
  } catch (err) {
    return failure(name, err, 'Reading webhooks needs an admin\'s credentials; fix the credentials first.');
  }
}

async function backfill(t: DoctorTarget): Promise<CheckResult> {
  const name = 'Backfill';
  try {
    const tickets = await t.api.countTickets();
    const pages = Math.max(1, Math.ceil(tickets / EXPORT_PAGE_SIZE));
    const minutes = Math.ceil(pages / EXPORT_REQUESTS_PER_MINUTE);
    return {
      name,
      status: 'ok',
      detail: `${tickets.toLocaleString('en-US')} tickets in the account; the first sync (from ${t.backfillFrom.toISOString().slice(0, 10)}) reads at most ${pages.toLocaleString('en-US')} export page${pages === 1 ? '' : 's'} of ${EXPORT_PAGE_SIZE}: about ${formatMinutes(minutes)} at ${EXPORT_REQUESTS_PER_MINUTE} requests/min`,
    };
  } catch (err) {
    return failure(name, err, 'Counting tickets needs valid credentials; fix the credentials first.');
  }
}

function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

/** Runs every check in order, reporting each as it finishes; credentials first, since the rest need them. */
export async function runChecks(t: DoctorTarget, onResult: (r: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    onResult(r);
  };
  const first = await credentials(t);
  report(first);
  const refused = first.status === 'fail' && first.detail.startsWith('the helpdesk refused');
  const rest: Array<[string, () => Promise<CheckResult> | CheckResult]> = [
    ['API rate limit', () => rateLimit(t)],
    ['Business hours', () => schedules(t)],
    ['Satisfaction ratings', () => satisfaction(t)],
    ['NPS field', () => surveyField(t, 'NPS', t.fields.nps)],
    ['CES field', () => surveyField(t, 'CES', t.fields.ces)],
    ['Live-update webhook', () => webhook(t)],
    ['Backfill', () => backfill(t)],
  ];
  for (const [name, check] of rest) {
    report(refused ? { name, status: 'skipped', detail: 'needs working credentials', fix: 'Fix the credentials (above), then run the doctor again.' } : await check());
  }
  return results;
}
