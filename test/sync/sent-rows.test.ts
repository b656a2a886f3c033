/** SentRows (backend/src/sync/sent-rows.ts): a row comes through again only when one of its values changed. */
import { describe, expect, it } from 'vitest';
import { SentRows } from '../../backend/src/sync/sent-rows.js';

const user = (id: number, role: string, name = `User ${id}`) => ({ account_id: 1, id, name, role, email: null as string | null });

describe('SentRows', () => {
  it('leaves out a row sent before with the same values, and lets through one whose value changed', () => {
    const sent = new SentRows<ReturnType<typeof user>>((u) => u.id);
    expect(sent.unsent([user(1, 'agent'), user(2, 'end-user')]).map((u) => u.id)).toEqual([1, 2]);
    expect(sent.unsent([user(1, 'agent'), user(2, 'end-user'), user(3, 'end-user')]).map((u) => u.id)).toEqual([3]);
    // A role switch, a renamed user, and null → value all count as changes.
    expect(sent.unsent([user(1, 'end-user'), user(2, 'end-user', 'Renamed'), { ...user(3, 'end-user'), email: 'a@b.c' }]).map((u) => u.id)).toEqual([1, 2, 3]);
    // Back to an earlier value is a change too (the database holds the last one sent).
    expect(sent.unsent([user(1, 'agent')]).map((u) => u.id)).toEqual([1]);
  });

  it('tells apart values that print alike (the number 1 and the text "1", null and "null")', () => {
    const sent = new SentRows<Record<string, unknown>>((r) => r.id as number);
    sent.unsent([{ id: 1, v: 1 }, { id: 2, v: null }]);
    expect(sent.unsent([{ id: 1, v: '1' }, { id: 2, v: 'null' }]).map((r) => r.id)).toEqual([1, 2]);
  });

  it('forgets everything past its limit, so it sends again rather than grow without bound', () => {
    const sent = new SentRows<ReturnType<typeof user>>((u) => u.id, 2);
    sent.unsent([user(1, 'agent'), user(2, 'agent')]);
    expect(sent.unsent([user(3, 'agent')]).map((u) => u.id)).toEqual([3]);
    expect(sent.unsent([user(1, 'agent')]).map((u) => u.id)).toEqual([1]);
  });
});
