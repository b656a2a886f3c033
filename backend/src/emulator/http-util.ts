/** Small request/response helpers shared by the emulator's routes. */
import type { Request, Response } from 'express';

export const baseUrl = (req: Request): string => `${req.protocol}://${req.get('host')}`;

export const params = (req: Request): URLSearchParams => new URL(req.originalUrl, 'http://emulator').searchParams;

/** A non-negative integer parameter, undefined when absent, NaN when malformed. */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

export function badRequest(res: Response, description: string, error = 'InvalidValue'): void {
  res.status(400).json({ error, description });
}

export function notFound(res: Response): void {
  res.status(404).json({ error: 'RecordNotFound', description: 'Not found' });
}

/** The current URL with some query parameters replaced. */
export function urlWith(req: Request, changes: Record<string, string | null>): string {
  const url = new URL(req.originalUrl, baseUrl(req));
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.toString();
}
