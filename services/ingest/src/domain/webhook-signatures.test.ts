import { createHmac } from 'node:crypto';
import { metaSignatureMatches, twilioSignature, twilioSignatureMatches } from './webhook-signatures';

// The worked example from Twilio's request-validation documentation (and its SDKs' tests).
const TWILIO_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const TWILIO_PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const TWILIO_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('Twilio signatures', () => {
  it('reproduces the documented example', () => {
    expect(twilioSignature(TWILIO_URL, TWILIO_PARAMS, '12345')).toBe(TWILIO_SIGNATURE);
    expect(twilioSignatureMatches(TWILIO_URL, TWILIO_PARAMS, TWILIO_SIGNATURE, '12345')).toBe(true);
  });

  it('rejects any change to the token, URL, parameters or signature', () => {
    expect(twilioSignatureMatches(TWILIO_URL, TWILIO_PARAMS, TWILIO_SIGNATURE, '54321')).toBe(false);
    expect(twilioSignatureMatches(`${TWILIO_URL}&x=1`, TWILIO_PARAMS, TWILIO_SIGNATURE, '12345')).toBe(false);
    expect(twilioSignatureMatches(TWILIO_URL, { ...TWILIO_PARAMS, Digits: '9999' }, TWILIO_SIGNATURE, '12345')).toBe(false);
    expect(twilioSignatureMatches(TWILIO_URL, TWILIO_PARAMS, 'short', '12345')).toBe(false);
    expect(twilioSignatureMatches(TWILIO_URL, TWILIO_PARAMS, '', '12345')).toBe(false);
  });
});

describe('Meta X-Hub-Signature-256', () => {
  const body = Buffer.from('{"object":"page","entry":[]}');
  const valid = `sha256=${createHmac('sha256', 'app-secret').update(body).digest('hex')}`;

  it('accepts the HMAC-SHA256 of the raw body, in either hex case', () => {
    expect(metaSignatureMatches(body, valid, 'app-secret')).toBe(true);
    expect(metaSignatureMatches(body, valid.toUpperCase().replace('SHA256=', 'sha256='), 'app-secret')).toBe(true);
  });

  it('rejects another secret, another body and malformed headers', () => {
    expect(metaSignatureMatches(body, valid, 'other-secret')).toBe(false);
    expect(metaSignatureMatches(Buffer.from(`${body} `), valid, 'app-secret')).toBe(false);
    expect(metaSignatureMatches(body, valid.replace('sha256=', 'sha1='), 'app-secret')).toBe(false);
    expect(metaSignatureMatches(body, 'sha256=abc', 'app-secret')).toBe(false);
    expect(metaSignatureMatches(body, '', 'app-secret')).toBe(false);
  });
});
