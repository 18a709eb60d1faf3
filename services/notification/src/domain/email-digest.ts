// The text of one digest email: a user's unread notifications grouped by conversation, so a busy
// conversation is one line with a count, not fifty emails.
export interface DigestItem {
  kind: string;
  /** Null for a notice about the account (a paused webhook). */
  conversationId: string | null;
  createdAt: Date;
}

const KIND_WORDS: Record<string, [string, string]> = {
  mention: ['mention', 'mentions'],
  assignment: ['assignment', 'assignments'],
  new_message: ['new message', 'new messages'],
  sla_breached: ['missed service level', 'missed service levels'],
  webhook_paused: ['paused webhook', 'paused webhooks'],
};

export function composeDigest(items: DigestItem[], publicUrl: string): { subject: string; text: string } {
  const byConversation = new Map<string, Map<string, number>>();
  for (const item of items) {
    const key = item.conversationId ?? '';
    const kinds = byConversation.get(key) ?? new Map<string, number>();
    kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    byConversation.set(key, kinds);
  }
  const count = items.length;
  const conversations = [...byConversation.keys()].filter(Boolean).length;
  const subject = `${count} new notification${count === 1 ? '' : 's'} in ${conversations} conversation${conversations === 1 ? '' : 's'}`;
  const lines = [...byConversation.entries()].map(([conversationId, kinds]) => {
    const summary = [...kinds.entries()].map(([kind, n]) => `${n} ${(KIND_WORDS[kind] ?? [kind, kind])[n === 1 ? 0 : 1]}`).join(', ');
    // Notices about the account rather than a conversation (a paused webhook) point to the settings.
    return conversationId ? `- ${summary}: ${publicUrl}/conversations/${conversationId}` : `- ${summary}: ${publicUrl}/ (Settings)`;
  });
  return { subject, text: [`You have ${subject} waiting in your inbox:`, '', ...lines, '', 'Turn these emails off in your notification settings.', ''].join('\n') };
}
