/** The contract's error answer, `{"error": {"code", "message"}}` (api.md "Errors"). */
import { z } from 'zod';

export const ERROR_CODES = ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'rate_limited', 'internal', 'unavailable'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const apiErrorBodySchema = z.strictObject({ error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
