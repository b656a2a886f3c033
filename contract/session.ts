/** Session answers and request bodies of the HTTP contract (api.md "Authentication"). */
import { z } from 'zod';

export const ROLES = ['admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** `POST /session`, `POST /session/refresh`, `POST /demo/session`. */
export const sessionSchema = z.strictObject({
  sessionToken: z.string(),
  expiresAt: z.string(),
  user: z.strictObject({ id: z.number().int(), role: z.enum(ROLES) }),
  account: z.string(),
  /**
   * A setup session: the helpdesk account is registered but its first sync has not
   * finished, so the user's role is a placeholder; only the account routes answer.
   */
  setup: z.literal(true).optional(),
});
export type Session = z.infer<typeof sessionSchema>;

/** `POST /session` body: the helpdesk's signed-URL token. */
export const sessionRequestSchema = z.object({ token: z.string().min(1).max(8192) });
/** `POST /demo/session` body (demo mode only). */
export const demoSessionRequestSchema = z.object({ userId: z.number().int().positive() });

/** `GET /demo` (demo mode only): the preview's agents and recent tickets. */
export const demoDirectorySchema = z.strictObject({
  agents: z.array(z.strictObject({ id: z.number().int(), name: z.string(), role: z.string() })),
  tickets: z.array(z.strictObject({ id: z.number().int(), subject: z.string().nullable(), status: z.string(), assigneeId: z.number().int().nullable() })),
});
export type DemoDirectory = z.infer<typeof demoDirectorySchema>;
