/**
 * The HTTP contract shared by the app and the backend (../shared/spec/api.md): zod
 * schemas and the types inferred from them, one file per concept. The backend builds
 * its answers from these types and validates requests with these schemas; the HTTP
 * tests check every answer against them; the app imports types only, except the
 * settings update it parses with the same schema.
 */
export * from './errors.js';
export * from './kpis.js';
export * from './session.js';
export * from './settings.js';
export * from './system.js';
export * from './tickets.js';
