// The text of one digest email: a user's unread notifications grouped by conversation, so a busy
// conversation is one line with a count, not fifty emails.
export interface DigestItem {
  kind: string;
  conversationId: string;
  createdAt: Date;
}

const KIND_WORDS: Record<string, [string, string]> = {
  mention: ['mention', 'mentions'],
  assignment: ['assignment', 'assignments'],
  new_message: ['new message', 'new messages'],
  sla_breached: ['missed service level', 'missed service levels'],
};

export function composeDigest(items: DigestItem[], publicUrl: string): { subject: string; text: string } {
  const byConversation = new Map<string, Map<string, number>>();
  for (const item of items) {
    const kinds = byConversation.get(item.conversationId) ?? new Map<string, number>();
    kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    byConversation.set(item.conversationId, kinds);
  }
  const count = items.length;
  const conversations = byConversation.size;
  const subject = `${count} new notification${count === 1 ? '' : 's'} in ${conversations} conversation${conversations === 1 ? '' : 's'}`;
  const lines = [...byConversation.entries()].map(([conversationId, kinds]) => {
    const summary = [...kinds.entries()].map(([kind, n]) => `${n} ${(KIND_WORDS[kind] ?? [kind, kind])[n === 1 ? 0 : 1]}`).join(', ');
    return `- ${summary}: ${publicUrl}/conversations/${conversationId}`;
  });
  return { subject, text: [`You have ${subject} waiting in your inbox:`, '', ...lines, '', 'Turn these emails off in your notification settings.', ''].join('\n') };
}
