// Opaque ids: a short type prefix and a UUIDv7 (time-ordered, so new rows land at the end of
// their indexes), e.g. "con_0190f3a2-7c1e-7b3d-9d2a-4f0c1e2b3a4d".
import { randomBytes } from 'node:crypto';

export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${uuidv7()}`;
}
