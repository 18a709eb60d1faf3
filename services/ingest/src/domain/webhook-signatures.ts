// Provider webhook signatures, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

const META_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Meta's X-Hub-Signature-256: `sha256=` and the hex HMAC-SHA256 of the raw body with the app secret. */
export function metaSignatureMatches(rawBody: Uint8Array, header: string, appSecret: string): boolean {
  const given = META_SIGNATURE.exec(header.trim());
  if (!given) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(given[1], 'hex'), expected);
}

export function isWellFormedMetaSignature(header: string): boolean {
  return META_SIGNATURE.test(header.trim());
}

/**
 * Twilio's X-Twilio-Signature: base64 HMAC-SHA1, with the auth token, of the full URL the
 * provider called followed by every POST parameter name and value, sorted by name.
 */
export function twilioSignature(url: string, params: Record<string, string>, authToken: string): string {
  const payload = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(payload, 'utf8')).digest('base64');
}

export function twilioSignatureMatches(url: string, params: Record<string, string>, header: string, authToken: string): boolean {
  const expected = Buffer.from(twilioSignature(url, params, authToken));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
