// An email channel's signature under a reply: plain text after the conventional "-- " separator
// (mail clients recognise it and leave it out of quotes), `{agent}` standing for the replier's
// name. The HTML part gets the same text, escaped.
import { escapeMarkup } from '@inbox/lib';


export function withSignature(body: { text: string; html: string | null }, signature: string, agentName: string): { text: string; html: string | null } {
  const filled = signature.replaceAll('{agent}', agentName).trim();
  if (!filled) return body;
  return {
    text: `${body.text.trimEnd()}\n\n-- \n${filled}`,
    html: body.html === null ? null : `${body.html}<p class="signature">-- <br>${escapeMarkup(filled).replace(/\r?\n/g, '<br>')}</p>`,
  };
}
