/**
 * What a repository function runs its SQL on: the database or a transaction on it
 * (`Executor`), or specifically a transaction (`Trx`), so the caller decides what
 * commits together.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Executor = Kysely<Database> | Transaction<Database>;
export type Trx = Transaction<Database>;
