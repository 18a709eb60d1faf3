// Domain errors at the gRPC edge: each kind to its precise status code and back, with the code
// and details in metadata, so a not_found in the conversation service is a 404 at the gateway
// and never a blanket INTERNAL.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DomainError, type ErrorKind } from '../domain/errors';

export * from '../domain/errors';

const KIND_TO_STATUS: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
  permission_denied: status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  rate_limited: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  timeout: status.DEADLINE_EXCEEDED,
  not_implemented: status.UNIMPLEMENTED,
  internal: status.INTERNAL,
};

export function grpcStatusOf(kind: ErrorKind): status {
  return KIND_TO_STATUS[kind];
}

function kindOf(code: status): ErrorKind {
  if (code === status.ABORTED) return 'failed_precondition';
  if (code === status.OUT_OF_RANGE) return 'invalid_argument';
  return (Object.entries(KIND_TO_STATUS) as [ErrorKind, status][]).find(([, s]) => s === code)?.[0] ?? 'internal';
}

const CODE_KEY = 'inbox-error-code';
const DETAILS_KEY = 'inbox-error-details-bin';

/** Turns anything thrown by a handler into a gRPC error; unknown errors become INTERNAL without leaking their text. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof DomainError) {
    const metadata = new Metadata();
    metadata.set(CODE_KEY, error.code);
    if (error.details) metadata.set(DETAILS_KEY, Buffer.from(JSON.stringify(error.details)));
    return { code: grpcStatusOf(error.kind), details: error.message, metadata };
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
  return new DomainError(kindOf(error.code), code, error.details || status[error.code], details);
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
