/**
 * A ticket's fields are the replay of its audits. `AuditDraft` writes an audit's
 * events against the current field values (Create on the first audit, Change with
 * the previous value afterwards, nothing when a value does not change); `replay`
 * reads the fields back. Generator and live mutations both go through these.
 */
import type { AuditRecord, EventRecord, FieldValue, TicketRecord, TicketStatus, Unix } from './types.js';

export type Fields = Record<string, FieldValue>;

export class AuditDraft {
  readonly events: EventRecord[] = [];

  constructor(
    private readonly fields: Fields,
    private readonly creating: boolean,
    private readonly nextId: () => number,
  ) {}

  comment(authorId: number, isPublic: boolean, body: string): this {
    this.events.push({ id: this.nextId(), type: 'Comment', authorId, public: isPublic, body });
    return this;
  }

  /** Sets a field; emits an event only when the value changes (or on creation, when not null). */
  set(field: string, value: FieldValue): this {
    const previous = this.fields[field] ?? (field === 'satisfaction_score' ? 'unoffered' : null);
    if (this.creating) {
      if (value === null) return this;
      this.events.push({ id: this.nextId(), type: 'Create', field, value, previous: null });
    } else {
      if (previous === value) return this;
      this.events.push({ id: this.nextId(), type: 'Change', field, value, previous });
    }
    this.fields[field] = value;
    return this;
  }

  rating(score: 'good' | 'bad', assigneeId: number | null, body: string | null): this {
    this.events.push({ id: this.nextId(), type: 'SatisfactionRating', score, assigneeId, body });
    return this.set('satisfaction_score', score);
  }

  /** Survey-response CSAT (csat-survey.ts): the survey went out, or the requester answered it. */
  surveyOffered(surveyResponseId: string): this {
    this.events.push({ id: this.nextId(), type: 'SurveyOffered', surveyResponseId });
    return this;
  }

  surveyResponseSubmitted(surveyResponseId: string, rating: number): this {
    this.events.push({ id: this.nextId(), type: 'SurveyResponseSubmitted', surveyResponseId, rating });
    return this;
  }

  notify(subject: string, body: string, recipients: number[]): this {
    this.events.push({ id: this.nextId(), type: 'Notification', subject, body, recipients });
    return this;
  }
}

export interface TicketState {
  status: TicketStatus;
  assigneeId: number | null;
  groupId: number | null;
  priority: string | null;
  type: string | null;
  /** custom field id (string) → value */
  custom: Record<string, FieldValue>;
  satisfactionScore: string;
  description: string;
  updatedAt: Unix;
  isPublic: boolean;
}

const STANDARD = new Set(['status', 'assignee_id', 'group_id', 'priority', 'type', 'satisfaction_score']);

/** Field values after every audit so far (the writer's working copy). */
export function currentFields(audits: AuditRecord[]): Fields {
  const fields: Fields = {};
  for (const audit of audits) {
    for (const e of audit.events) if (e.type === 'Create' || e.type === 'Change') fields[e.field] = e.value;
  }
  return fields;
}

export function replay(ticket: TicketRecord): TicketState {
  const fields = currentFields(ticket.audits);
  const custom: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(fields)) if (!STANDARD.has(k)) custom[k] = v;
  let description = '';
  let isPublic = false;
  for (const audit of ticket.audits) {
    for (const e of audit.events) {
      if (e.type !== 'Comment') continue;
      if (!description) description = e.body;
      if (e.public) isPublic = true;
    }
  }
  return {
    status: (fields.status ?? 'new') as TicketStatus,
    assigneeId: (fields.assignee_id ?? null) as number | null,
    groupId: (fields.group_id ?? null) as number | null,
    priority: (fields.priority ?? null) as string | null,
    type: (fields.type ?? null) as string | null,
    custom,
    satisfactionScore: String(fields.satisfaction_score ?? 'unoffered'),
    description,
    updatedAt: ticket.audits.at(-1)?.at ?? ticket.createdAt,
    isPublic,
  };
}
