import { customViewDefinition, validateCustomView } from './custom-views';

const view = (filters: Partial<Parameters<typeof validateCustomView>[0]['filters']>) => ({
  id: 'cvw_00000000-0000-7000-8000-000000000000',
  inboxId: 'inb_1',
  name: 'Mine by chat',
  ownerId: 'usr_1',
  shared: false,
  teamId: null,
  filters: validateCustomView({ name: 'x', filters }).filters,
});

describe('custom views', () => {
  it('narrows a built-in view by channel, owner and needs-reply', () => {
    const predicate = customViewDefinition(view({ baseView: 'open', channel: 'chat', assignee: 'me', needsReply: true })).predicate;
    expect(predicate).toContain("c.channel = 'chat'");
    expect(predicate).toContain('c.assignee_id = {me}');
    expect(predicate).toContain("c.last_message_direction = 'inbound'");
    expect(customViewDefinition(view({ assignee: 'none' })).predicate).toContain('c.assignee_id IS NULL');
    expect(customViewDefinition(view({ assignee: 'usr_01a21fc3-8fc4-7ec5-a7c2-66e857fb25de' })).predicate).toContain("c.assignee_id = 'usr_01a21fc3-8fc4-7ec5-a7c2-66e857fb25de'");
  });

  it('refuses anything that is not a known value, so nothing foreign reaches the SQL', () => {
    const bad: [Parameters<typeof validateCustomView>[0], string][] = [
      [{ name: ' ', filters: {} }, 'name_required'],
      [{ name: 'x'.repeat(61), filters: {} }, 'name_too_long'],
      [{ name: 'x', filters: { baseView: 'trash' } }, 'invalid_base_view'],
      [{ name: 'x', filters: { channel: "chat' OR 1=1 --" } }, 'invalid_channel'],
      [{ name: 'x', filters: { assignee: "usr_1' OR '1'='1" } }, 'invalid_assignee'],
    ];
    for (const [input, code] of bad) expect(() => validateCustomView(input)).toThrow(expect.objectContaining({ code }));
  });
});
