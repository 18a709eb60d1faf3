import { advanceChatflow, startChatflow, validateChatflow, withNumberedOptions, type Chatflow } from './chatflow';

const flow: Chatflow = {
  id: 'cfl_1',
  ...validateChatflow({
    name: 'Front desk',
    steps: [
      { id: 'start', say: 'Hi! What is it about?', options: [{ label: 'Order status', next: 'order' }, { label: 'Something else', next: 'handoff' }] },
      { id: 'order', say: 'What is your order number?', ask: 'orderNumber', next: 'email' },
      { id: 'email', say: 'Which email should we answer to?', ask: 'email', next: 'thanks' },
      { id: 'thanks', say: 'Thanks!', next: 'handoff' },
      { id: 'handoff', say: 'Connecting you with our team.', handoff: true },
    ],
  }),
};

describe('chatflows', () => {
  it('greets, follows an option by label or number, keeps answers, and hands off', () => {
    const greeting = startChatflow(flow);
    expect(greeting).toMatchObject({ state: { step: 'start', answers: {} }, say: [{ text: 'Hi! What is it about?', options: ['Order status', 'Something else'] }], handoff: false });
    const order = advanceChatflow(flow, greeting.state, ' order STATUS ');
    expect(order.state.step).toBe('order');
    expect(advanceChatflow(flow, greeting.state, '1').state.step).toBe('order');
    const email = advanceChatflow(flow, order.state, 'A-1001');
    expect(email).toMatchObject({ state: { step: 'email', answers: { orderNumber: 'A-1001' } }, answer: { key: 'orderNumber', value: 'A-1001' } });
    const retry = advanceChatflow(flow, email.state, 'not an email');
    expect(retry.state).toEqual(email.state);
    expect(retry.say[0].text).toMatch(/does not look like an email/);
    const done = advanceChatflow(flow, email.state, 'kari@example.com');
    expect(done.handoff).toBe(true);
    expect(done.say.map((s) => s.text)).toEqual(['Thanks!', 'Connecting you with our team.']);
    expect(done.state.answers).toEqual({ orderNumber: 'A-1001', email: 'kari@example.com' });
  });

  it('asks again when the visitor picks no option', () => {
    const turn = advanceChatflow(flow, startChatflow(flow).state, 'hello?');
    expect(turn.state.step).toBe('start');
    expect(withNumberedOptions(turn.say[0])).toBe('Please choose one of these:\n1. Order status\n2. Something else');
  });

  it('refuses flows that are malformed', () => {
    const bad = (steps: unknown[]) => () => validateChatflow({ name: 'x', steps: steps as never });
    expect(bad([])).toThrow(/1 to 50 steps/);
    expect(bad([{ id: 'a', say: 'x', next: 'b' }])).toThrow(/unknown step "b"/);
    expect(bad([{ id: 'a', say: 'x', handoff: true }, { id: 'a', say: 'y', handoff: true }])).toThrow(/defined twice/);
    expect(bad([{ id: 'a', say: 'x' }])).toThrow(/leads nowhere/);
    expect(bad([{ id: 'a', say: 'x', ask: 'email' }])).toThrow(/no next step/);
    expect(bad([{ id: 'a', say: 'x', ask: 'bad key!', next: 'a' }])).toThrow(/invalid property/);
    expect(bad([{ id: 'a', say: 'x', options: [{ label: 'y', next: 'a' }], handoff: true }])).toThrow(/only one of them/);
    expect(() => validateChatflow({ name: ' ', steps: [{ id: 'a', say: 'x', handoff: true }] })).toThrow(/name/);
  });

  it('hands over instead of looping forever through steps that only talk', () => {
    const loop: Chatflow = { id: 'c', name: 'Loop', steps: [{ id: 'a', say: 'A', options: [], ask: '', next: 'b', handoff: false }, { id: 'b', say: 'B', options: [], ask: '', next: 'a', handoff: false }] };
    expect(startChatflow(loop).handoff).toBe(true);
  });
});
