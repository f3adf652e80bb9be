/**
 * Errors that services throw on purpose. Each carries a stable machine code; the global filter maps
 * its kind to an HTTP status, so services never import HTTP exceptions.
 */
export type ErrorKind =
  'validation' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'too-many-requests' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string) {
    super('not-found', 'NOT_FOUND', `${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super('conflict', code, message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid access token') {
    super('unauthorized', 'UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role does not allow this action') {
    super('forbidden', 'FORBIDDEN', message);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too-many-requests', 'TOO_MANY_REQUESTS', message);
  }
}

/** The service cannot take the request now (load, not a fault); the client may try again after the pause. */
export class ServiceBusyError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('unavailable', code, message);
  }
}

export interface FieldError {
  field: string;
  messages: string[];
}

export class ValidationFailedError extends DomainError {
  constructor(fields: FieldError[]) {
    super('validation', 'VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
  }
}
