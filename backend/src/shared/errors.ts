/**
 * Domain errors: what services throw when a request cannot be served (bad input, an
 * unknown record). They know nothing of HTTP; http/errors.ts maps them to statuses once.
 */
export class DomainError extends Error {}

/** Input that fails validation; the message names the bad field. */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
}

/** A record (account, agent, ticket) that does not exist. */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
}
