/**
 * SQL for the per-account settings an admin makes in the app (stored in
 * `accounts.settings` jsonb). Every function takes `db` (or a transaction) first so the
 * service decides what commits together.
 */
import type { Executor } from '../db/executor.js';

/** The stored overrides of one account, or undefined when the account does not exist. */
export async function readStoredSettings(db: Executor, accountId: number): Promise<Record<string, unknown> | undefined> {
  const row = await db.selectFrom('accounts').select('settings').where('id', '=', accountId).executeTakeFirst();
  if (!row) return undefined;
  const value = row.settings as unknown;
  // jsonb comes back parsed on both drivers; a string would be a double-encoded value.
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Same as readStoredSettings, but locks the account row until the transaction ends. */
export async function readStoredSettingsForUpdate(db: Executor, accountId: number): Promise<Record<string, unknown> | undefined> {
  const row = await db.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().executeTakeFirst();
  if (!row) return undefined;
  return readStoredSettings(db, accountId);
}

export async function writeStoredSettings(db: Executor, accountId: number, settings: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ settings: JSON.stringify(settings), updated_at: new Date() })
    .where('id', '=', accountId)
    .execute();
}
