import { composeDigest } from './email-digest';

describe('composeDigest', () => {
  it('groups a busy conversation into one line with counts per kind', () => {
    const at = new Date();
    const items = [
      ...Array.from({ length: 50 }, () => ({ kind: 'new_message', conversationId: 'con_busy', createdAt: at })),
      { kind: 'assignment', conversationId: 'con_busy', createdAt: at },
      { kind: 'mention', conversationId: 'con_quiet', createdAt: at },
    ];
    const digest = composeDigest(items, 'https://inbox.example');
    expect(digest.subject).toBe('52 new notifications in 2 conversations');
    expect(digest.text).toContain('- 50 new messages, 1 assignment: https://inbox.example/conversations/con_busy');
    expect(digest.text).toContain('- 1 mention: https://inbox.example/conversations/con_quiet');
    expect(digest.text.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(2);
  });

  it('speaks in the singular for one notification', () => {
    expect(composeDigest([{ kind: 'mention', conversationId: 'con_1', createdAt: new Date() }], 'http://x').subject).toBe('1 new notification in 1 conversation');
  });

  it('points a notice about the account (a paused webhook) to the settings, not to a conversation', () => {
    const digest = composeDigest(
      [
        { kind: 'webhook_paused', conversationId: null, createdAt: new Date() },
        { kind: 'mention', conversationId: 'con_1', createdAt: new Date() },
      ],
      'https://inbox.example',
    );
    expect(digest.subject).toBe('2 new notifications in 1 conversation');
    expect(digest.text).toContain('- 1 paused webhook: https://inbox.example/ (Settings)');
    expect(digest.text).not.toContain('/conversations/null');
  });
});
