/**
 * A per-instance cache of window aggregates (the team's and an agent's figures that every
 * open sidebar asks for), so a hundred sidebars refetching after a sync cost one query
 * each, not a hundred. Correctness comes from invalidation, not from the TTL:
 *
 * - every live update for an account (the bus delivers them to every instance, through
 *   PostgreSQL NOTIFY when there are several) bumps the account's generation, and an
 *   entry is only served while its generation is current — so a value computed from
 *   data a sync was just replacing is never served after that sync's update;
 * - a settings change (targets shape the answers) invalidates the same way;
 * - the TTL only bounds staleness should a notification ever be missed.
 *
 * Identical concurrent requests share one computation (the entry holds the promise).
 */
import type { LiveBus } from '../live/bus.js';

interface Entry {
  generation: number;
  expires: number;
  value: Promise<unknown>;
}

export class KpiCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<number, number>();
  private readonly unsubscribers = new Map<number, () => void>();

  constructor(
    private readonly bus: LiveBus,
    private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  get<T>(accountId: number, key: string, load: () => Promise<T>): Promise<T> {
    this.watch(accountId);
    const now = this.options.now?.() ?? Date.now();
    const fullKey = `${accountId}|${key}`;
    const generation = this.generations.get(accountId) ?? 0;
    const hit = this.entries.get(fullKey);
    if (hit && hit.generation === generation && hit.expires > now) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(fullKey, { generation, expires: now + (this.options.ttlMs ?? 60_000), value });
    value.catch(() => {
      if (this.entries.get(fullKey)?.value === value) this.entries.delete(fullKey);
    });
    this.evict();
    return value;
  }

  invalidate(accountId: number): void {
    this.generations.set(accountId, (this.generations.get(accountId) ?? 0) + 1);
    const prefix = `${accountId}|`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers.values()) unsubscribe();
    this.unsubscribers.clear();
    this.entries.clear();
  }

  private watch(accountId: number) {
    if (this.unsubscribers.has(accountId)) return;
    this.unsubscribers.set(accountId, this.bus.subscribe(accountId, () => this.invalidate(accountId)));
  }

  /** Drops the oldest entries (Map keeps insertion order) beyond the bound. */
  private evict() {
    const max = this.options.maxEntries ?? 5000;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(key);
    }
  }
}
