/**
 * zod schemas for every helpdesk payload Pulse reads, in the shapes of Zendesk's REST
 * API (see ../shared/reference/helpdesk-api-facts.md). The client validates each page
 * against these before returning it, so a malformed page is an error and nothing of
 * it reaches the database. Unknown fields are dropped; fields Pulse relies on are
 * required, and fields real answers omit or null (test/fixtures/zendesk-real) are
 * optional. Enumerated values Zendesk may extend (ticket status, channel, event type,
 * rating score) are plain strings: a new value is stored as given and counted in a
 * warning (known-values.ts), never a failed page. The emulator builds its responses
 * from the same types.
 */
import { z } from 'zod';

const id = z.number().int().positive();
const nullableId = id.nullable();
const isoTime = z.iso.datetime({ offset: true });
const minutes = z.object({ calendar: z.number().nullable().optional(), business: z.number().nullable().optional() });

export const userSchema = z.object({
  id,
  name: z.string(),
  email: z.string().nullable().optional(),
  role: z.enum(['end-user', 'agent', 'admin']),
  active: z.boolean().default(true),
  suspended: z.boolean().default(false),
  default_group_id: nullableId.optional(),
  locale: z.string().nullable().optional(),
  time_zone: z.string().nullable().optional(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HelpdeskUser = z.infer<typeof userSchema>;

export const groupSchema = z.object({
  id,
  name: z.string(),
  default: z.boolean().default(false),
  deleted: z.boolean().default(false),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HelpdeskGroup = z.infer<typeof groupSchema>;

export const groupMembershipSchema = z.object({
  id,
  user_id: id,
  group_id: id,
  default: z.boolean().default(false),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HelpdeskGroupMembership = z.infer<typeof groupMembershipSchema>;

export const customFieldValueSchema = z.object({
  id,
  value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
});

export const ticketSchema = z.object({
  id,
  status: z.string().min(1),
  subject: z.string().nullable().optional(),
  requester_id: nullableId.optional(),
  submitter_id: nullableId.optional(),
  assignee_id: nullableId.optional(),
  group_id: nullableId.optional(),
  via: z.object({ channel: z.string() }).partial().optional(),
  custom_fields: z.array(customFieldValueSchema).default([]),
  satisfaction_rating: z
    .object({ id: id.optional(), score: z.string() })
    .nullable()
    .optional(),
  created_at: isoTime,
  updated_at: isoTime,
  generated_timestamp: z.number().int().nonnegative(),
});
export type HelpdeskTicket = z.infer<typeof ticketSchema>;

export const metricSetSchema = z.object({
  id,
  ticket_id: id,
  reopens: z.number().int().nullable().optional(),
  replies: z.number().int().nullable().optional(),
  solved_at: isoTime.nullable().optional(),
  reply_time_in_minutes: minutes.nullable().optional(),
  first_resolution_time_in_minutes: minutes.nullable().optional(),
  full_resolution_time_in_minutes: minutes.nullable().optional(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HelpdeskMetricSet = z.infer<typeof metricSetSchema>;

/** `GET /api/v2/incremental/tickets/cursor.json?include=metric_sets,users,groups` */
export const ticketExportPageSchema = z.object({
  tickets: z.array(ticketSchema),
  metric_sets: z.array(metricSetSchema).default([]),
  users: z.array(userSchema).default([]),
  groups: z.array(groupSchema).default([]),
  after_cursor: z.string().nullable(),
  end_of_stream: z.boolean(),
});
export type TicketExportPage = z.infer<typeof ticketExportPageSchema>;

/** `GET /api/v2/incremental/users/cursor.json` */
export const userExportPageSchema = z.object({
  users: z.array(userSchema),
  after_cursor: z.string().nullable(),
  end_of_stream: z.boolean(),
});
export type UserExportPage = z.infer<typeof userExportPageSchema>;

/**
 * A child event of a ticket-events item. Comments (with `include=comment_events`)
 * carry author and public flag; Create/Change events name the field as a key holding
 * the new value (`status`, `assignee_id`, `group_id`, `custom_ticket_fields`), with
 * `previous_value` for changes. Other event types are kept only by type.
 */
export const childEventSchema = z
  .object({
    id,
    event_type: z.string(),
    created_at: isoTime.optional(),
    author_id: id.optional(),
    public: z.boolean().optional(),
    previous_value: z.unknown().optional(),
    status: z.string().optional(),
    assignee_id: z.union([id, z.string(), z.null()]).optional(),
    group_id: z.union([id, z.string(), z.null()]).optional(),
    custom_ticket_fields: z.record(z.string(), z.unknown()).optional(),
    via: z.unknown().optional(),
  })
  .superRefine((e, ctx) => {
    // The sync stores both kinds as comments (mappers.rowsFromTicketEvents), author and visibility required.
    if ((e.event_type === 'Comment' || e.event_type === 'VoiceComment') && (e.author_id === undefined || e.public === undefined)) {
      ctx.addIssue({ code: 'custom', message: `${e.event_type} event needs author_id and public` });
    }
  });
export type HelpdeskChildEvent = z.infer<typeof childEventSchema>;

export const ticketEventSchema = z.object({
  id,
  ticket_id: id,
  timestamp: z.number().int().nonnegative(),
  created_at: isoTime,
  updater_id: z.number().int().nullable().optional(),
  event_type: z.string(),
  child_events: z.array(childEventSchema).default([]),
});
export type HelpdeskTicketEvent = z.infer<typeof ticketEventSchema>;

/** `GET /api/v2/incremental/ticket_events.json?start_time=&include=comment_events` (time-based) */
export const ticketEventsPageSchema = z.object({
  ticket_events: z.array(ticketEventSchema),
  next_page: z.string().nullable().optional(),
  end_time: z.number().int().nonnegative().nullable(),
  end_of_stream: z.boolean(),
  count: z.number().int().nonnegative().optional(),
});
export type TicketEventsPage = z.infer<typeof ticketEventsPageSchema>;

export const satisfactionRatingSchema = z.object({
  id,
  ticket_id: id,
  assignee_id: nullableId.optional(),
  group_id: nullableId.optional(),
  requester_id: nullableId.optional(),
  score: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HelpdeskSatisfactionRating = z.infer<typeof satisfactionRatingSchema>;

/** Cursor-paginated list envelope (`page[size]`, `meta.has_more`, `links.next`). */
const cursorMeta = {
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
  links: z.object({ next: z.string().nullable().optional() }).optional(),
};
export const listPageSchema = <K extends string, T extends z.ZodTypeAny>(key: K, item: T) =>
  z.object({ [key]: z.array(item), ...cursorMeta } as { [P in K]: z.ZodArray<T> } & typeof cursorMeta);

export const ratingsPageSchema = listPageSchema('satisfaction_ratings', satisfactionRatingSchema);
export const groupsPageSchema = listPageSchema('groups', groupSchema);
export const groupMembershipsPageSchema = listPageSchema('group_memberships', groupMembershipSchema);
export const usersPageSchema = listPageSchema('users', userSchema);

export const scheduleSchema = z.object({
  id,
  name: z.string(),
  time_zone: z.string(),
  intervals: z.array(z.object({ start_time: z.number().int().min(0), end_time: z.number().int().min(0) })),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HelpdeskSchedule = z.infer<typeof scheduleSchema>;
export const schedulesResponseSchema = z.object({ schedules: z.array(scheduleSchema) });

export const holidaySchema = z.object({
  id,
  name: z.string(),
  start_date: z.iso.date(),
  end_date: z.iso.date(),
});
export type HelpdeskHoliday = z.infer<typeof holidaySchema>;
export const holidaysResponseSchema = z.object({ holidays: z.array(holidaySchema) });

/** Audits of one ticket (`GET /api/v2/tickets/{id}/audits.json`), for single-ticket syncs. */
export const auditSchema = z.object({
  id,
  ticket_id: id,
  author_id: z.number().int().nullable().optional(),
  created_at: isoTime,
  events: z.array(
    z.object({
      id,
      type: z.string(),
      author_id: id.optional(),
      public: z.boolean().optional(),
      field_name: z.string().optional(),
      value: z.unknown().optional(),
      previous_value: z.unknown().optional(),
    }),
  ),
});
export type HelpdeskAudit = z.infer<typeof auditSchema>;
export const auditsPageSchema = listPageSchema('audits', auditSchema);

/**
 * A ticket as the single-ticket endpoint shows it: real answers carry no
 * `generated_timestamp` (only the incremental exports do).
 */
export const shownTicketSchema = ticketSchema.extend({ generated_timestamp: ticketSchema.shape.generated_timestamp.optional() });
export type HelpdeskShownTicket = z.infer<typeof shownTicketSchema>;

/** `GET /api/v2/tickets/{id}.json?include=metric_sets,users,groups` */
export const showTicketSchema = z.object({
  ticket: shownTicketSchema,
  metric_sets: z.array(metricSetSchema).default([]),
  users: z.array(userSchema).default([]),
  groups: z.array(groupSchema).default([]),
});

export const meSchema = z.object({ user: userSchema });
