/**
 * Survey-response ids and versions of the emulated CSAT survey, shared by the survey's
 * routes and dataset (csat-survey.ts) and the store's survey mutations (store.ts).
 */
import type { CsatSurveyRecord, SurveyVersionRecord, Unix } from './types.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID-shaped id (26 Crockford base-32 characters) that sorts like `n`. */
export function ulidLike(prefix: string, n: number): string {
  let tail = '';
  for (let v = n; v > 0; v = Math.floor(v / 32)) tail = CROCKFORD[v % 32] + tail;
  return (prefix + tail.padStart(26 - prefix.length, '0')).slice(0, 26);
}

/** The survey version live at `at` (the first one before any). */
export function versionAt(survey: CsatSurveyRecord, at: Unix): SurveyVersionRecord {
  return [...survey.versions].reverse().find((v) => v.from <= at) ?? survey.versions[0]!;
}
