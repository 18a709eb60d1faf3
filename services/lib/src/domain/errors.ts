// Domain errors: a kind (what went wrong, in the domain's words), a stable snake_case code for
// clients, a message and details. They know nothing of transports: the gRPC edge maps a kind to
// a status code (grpc/errors.ts) and the HTTP edge to a status (http/errors.ts).
export type ErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'permission_denied'
  | 'unauthenticated'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'not_implemented'
  | 'internal';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

type Details = Record<string, unknown>;

export class InvalidArgumentError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('invalid_argument', code, message, details);
  }
}
export class NotFoundError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('not_found', code, message, details);
  }
}
export class AlreadyExistsError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('already_exists', code, message, details);
  }
}
export class FailedPreconditionError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('failed_precondition', code, message, details);
  }
}
export class PermissionDeniedError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('permission_denied', code, message, details);
  }
}
export class UnauthenticatedError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('unauthenticated', code, message, details);
  }
}
export class UnavailableError extends DomainError {
  constructor(code: string, message: string, details?: Details) {
    super('unavailable', code, message, details);
  }
}

/** The HTTP status for each kind: the one mapping every HTTP edge and the OpenAPI document use. */
export const HTTP_STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 409,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
  timeout: 504,
};
