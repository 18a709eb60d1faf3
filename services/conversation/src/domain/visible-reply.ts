// The part of an email the sender actually wrote: quoted history ("On … wrote:", "> …") and
// trailing quote blocks removed, as email-reply-parser sees it.
import EmailReplyParser from 'email-reply-parser';

export function visibleReply(text: string): string {
  if (!text.trim()) return '';
  try {
    return new EmailReplyParser().read(text.replace(/\r\n/g, '\n')).getVisibleText().trim();
  } catch {
    return text.trim();
  }
}
