/**
 * Issue 15: `ticket_facts` pages are filled to half, so rewriting a ticket's facts without
 * changing an indexed column (a business-hours recompute rewrites only schedule and
 * business minutes, kpis/facts/business-recompute.ts; a refresh often changes only
 * counts and durations) is a heap-only (HOT) update: the new row version goes on the same
 * page and none of the table's ten indexes is touched. With full pages every such update
 * inserted ten index entries and their WAL: at a million tickets, rewriting the business
 * minutes took 27.5 s with full pages and 4.5 s with half-full ones (measured on the
 * bench's data, PostgreSQL 15).
 *
 * The cost is space: the table takes about twice the pages of a packed one, which is also
 * what any table whose rows are all rewritten once comes to after vacuum. Existing rows
 * keep their pages until rewritten; new ones are placed at the new fill factor.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_facts set (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_facts reset (fillfactor)`.execute(db);
}
