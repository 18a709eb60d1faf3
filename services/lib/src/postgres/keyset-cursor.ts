// Opaque keyset-pagination cursors over (timestamp, id): what the last row of a page was, so
// the next page starts strictly after it. A cursor the API did not hand out is a 400.
import { InvalidArgumentError } from '../grpc/errors';

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new InvalidArgumentError('invalid_cursor', 'the cursor is not one this API returned');
  }
}
