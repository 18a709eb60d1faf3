// Domain errors and their precise gRPC status codes, in both directions, so a NOT_FOUND in
// the conversation service is a 404 at the gateway and never a blanket INTERNAL.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

export class DomainError extends Error {
  constructor(
    readonly grpcCode: status,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidArgumentError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.INVALID_ARGUMENT, code, message, details);
  }
}
export class NotFoundError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.NOT_FOUND, code, message, details);
  }
}
export class AlreadyExistsError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.ALREADY_EXISTS, code, message, details);
  }
}
export class FailedPreconditionError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.FAILED_PRECONDITION, code, message, details);
  }
}
export class PermissionDeniedError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.PERMISSION_DENIED, code, message, details);
  }
}
export class UnauthenticatedError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.UNAUTHENTICATED, code, message, details);
  }
}
export class UnavailableError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(status.UNAVAILABLE, code, message, details);
  }
}

const CODE_KEY = 'inbox-error-code';
const DETAILS_KEY = 'inbox-error-details-bin';

/** Turns anything thrown by a handler into a gRPC error; unknown errors become INTERNAL without leaking their text. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof DomainError) {
    const metadata = new Metadata();
    metadata.set(CODE_KEY, error.code);
    if (error.details) metadata.set(DETAILS_KEY, Buffer.from(JSON.stringify(error.details)));
    return { code: error.grpcCode, details: error.message, metadata };
  }
  return { code: status.INTERNAL, details: 'internal error' };
}

/** Rebuilds the domain error on the client side of a call. */
export function fromServiceError(error: ServiceError): DomainError {
  const code = String(error.metadata?.get(CODE_KEY)?.[0] ?? defaultCode(error.code));
  const rawDetails = error.metadata?.get(DETAILS_KEY)?.[0];
  let details: Record<string, unknown> | undefined;
  if (Buffer.isBuffer(rawDetails)) {
    try {
      details = JSON.parse(rawDetails.toString('utf8')) as Record<string, unknown>;
    } catch {
      details = undefined;
    }
  }
  return new DomainError(error.code, code, error.details || status[error.code], details);
}

function defaultCode(code: status): string {
  switch (code) {
    case status.DEADLINE_EXCEEDED:
      return 'upstream_timeout';
    case status.UNAVAILABLE:
      return 'upstream_unavailable';
    case status.UNIMPLEMENTED:
      return 'not_implemented';
    default:
      return status[code]?.toLowerCase() ?? 'unknown';
  }
}
