/**
 * Checks an HTTP answer against its contract schema (contract/). The schemas are strict,
 * so an answer that adds a field fails as surely as one that drops or mistypes one.
 */
import { expect } from 'vitest';
import type { z } from 'zod';

export function contractIssues(schema: z.ZodType, body: unknown): string[] {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}${i.code === 'unrecognized_keys' ? ` ${i.keys.join(', ')}` : ''}`);
}

export function expectMatchesContract(schema: z.ZodType, body: unknown): void {
  expect(contractIssues(schema, body), 'the answer does not match its contract schema').toEqual([]);
}
