import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import en from '../../translations/en.json';
import es from '../../translations/es.json';
import { flattenKeys, normalizeLocale, translate } from '../../app/src/i18n/catalog';
import { wrapZafClient } from '../../app/src/zaf/client';
import type { RawZafClient } from '../../app/src/zaf/types';
import { settingsFromParameters } from '../../app/src/features/settings/fromParameters';
import { customWindow, lastDays } from '../../app/src/features/kpis/windows';

function fakeRaw(answers: Record<string, unknown> = {}) {
  const handlers = new Map<string, (d?: unknown) => void>();
  const raw = {
    get: vi.fn(async (p: string | string[]) => (Array.isArray(p) ? Object.fromEntries(p.map((k) => [k, answers[k]])) : { [p]: answers[p] })),
    invoke: vi.fn(async () => undefined),
    on: vi.fn((e: string, h: (d?: unknown) => void) => void handlers.set(e, h)),
    off: vi.fn((e: string) => void handlers.delete(e)),
    request: vi.fn(async () => ({ groups: [{ id: 1, name: 'Billing' }], meta: { has_more: false } })),
    metadata: vi.fn(async () => ({ settings: { backendUrl: 'https://pulse.example.com' } })),
    context: vi.fn(async () => ({})),
  } satisfies RawZafClient;
  return { raw, handlers };
}

describe('ZAF wrapper', () => {
  test('reads the ticket and the current user, typed', async () => {
    const { raw } = fakeRaw({
      'ticket.id': 42,
      'ticket.subject': 'Hi',
      'ticket.status': 'open',
      'ticket.createdAt': '2026-11-01T00:00:00Z',
      currentUser: { id: '7', name: 'Ana', locale: 'es-419', role: 'agent' },
    });
    const client = wrapZafClient(raw);
    expect(client.inHelpdesk).toBe(true);
    expect(await client.ticket()).toEqual({ id: 42, subject: 'Hi', status: 'open', createdAt: '2026-11-01T00:00:00Z' });
    expect(await client.currentUser()).toEqual({ id: 7, name: 'Ana', locale: 'es-419', role: 'agent' });
  });

  test('no ticket outside a ticket location', async () => {
    const { raw } = fakeRaw();
    raw.get.mockRejectedValueOnce(new Error('not available'));
    expect(await wrapZafClient(raw).ticket()).toBeNull();
  });

  test('events, resize, routeTo, groups, settings', async () => {
    const { raw, handlers } = fakeRaw();
    const client = wrapZafClient(raw);
    const handler = vi.fn();
    const off = client.on('notification.kpiUpdated', handler);
    handlers.get('notification.kpiUpdated')!({ ticketIds: [1] });
    expect(handler).toHaveBeenCalledWith({ ticketIds: [1] });
    off();
    expect(raw.off).toHaveBeenCalledWith('notification.kpiUpdated', handler);
    client.resize(311.2);
    expect(raw.invoke).toHaveBeenCalledWith('resize', { width: '100%', height: '312px' });
    expect(await client.openTicket(9)).toBe(true);
    expect(raw.invoke).toHaveBeenCalledWith('routeTo', 'ticket', 9);
    expect(await client.groupNames()).toEqual(new Map([[1, 'Billing']]));
    expect(await client.settings()).toEqual({ backendUrl: 'https://pulse.example.com' });
  });

  test('only app/src/zaf touches window.ZAFClient or the SDK', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.tsx?$/.test(name) && !file.includes(`${path.sep}zaf${path.sep}`)) {
          const text = readFileSync(file, 'utf8');
          if (/ZAFClient|zendesk_app_framework_sdk/.test(text)) offenders.push(file);
        }
      }
    };
    walk(path.resolve('app/src'));
    expect(offenders).toEqual([]);
  });
});

describe('translations', () => {
  test('en and es have identical key sets', () => {
    expect(flattenKeys(es).sort()).toEqual(flattenKeys(en).sort());
  });

  test('every t() key used in the app exists in both catalogs', () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.tsx?$/.test(name)) {
          for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
        }
      }
    };
    walk(path.resolve('app/src'));
    expect(used.size).toBeGreaterThan(50);
    const keys = new Set(flattenKeys(en));
    const missing = [...used].filter((k) => !keys.has(`ui.${k}`) && !keys.has(`ui.${k}_one`));
    expect(missing).toEqual([]);
  });

  test('placeholders and plurals', () => {
    expect(translate('en', 'window.days', { count: 7 })).toBe('Last 7 days');
    expect(translate('en', 'window.days', { count: 1 })).toBe('Last day');
    expect(translate('es', 'window.days', { count: 30 })).toBe('Últimos 30 días');
    expect(translate('es', 'sidebar.ticket.titleWithId', { id: 5 })).toBe('Ticket n.º 5');
  });

  test('helpdesk locales map to en or es', () => {
    expect(normalizeLocale('es-419')).toBe('es');
    expect(normalizeLocale('es')).toBe('es');
    expect(normalizeLocale('en-GB')).toBe('en');
    expect(normalizeLocale('fr')).toBe('en');
    expect(normalizeLocale(undefined)).toBe('en');
  });
});

describe('windows and settings', () => {
  test('windows', () => {
    const w = lastDays(7, Date.parse('2026-11-23T10:00:30Z'));
    expect(w).toEqual({ from: '2026-11-16T10:01:00.000Z', to: '2026-11-23T10:01:00.000Z' });
    expect(customWindow('2026-11-10', '2026-11-01')).toBeNull();
    expect(customWindow('bad', '2026-11-01')).toBeNull();
  });

  test('install parameters → settings body', () => {
    expect(settingsFromParameters({ targets: '{"firstResponseMinutes": 60}', groupSchedules: '{"100": 42}', cesFieldId: '123' })).toEqual({
      targets: { firstResponseMinutes: 60 },
      groupSchedules: { '100': 42 },
      cesFieldId: 123,
    });
    expect(() => settingsFromParameters({ cesScale: 6 })).toThrow('cesScale must be 5 or 7');
    expect(() => settingsFromParameters({ teamLeadIds: '1, x' })).toThrow('teamLeadIds');
  });
});
