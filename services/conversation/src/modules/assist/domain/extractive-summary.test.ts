import { summarizeExtractively, type Turn } from './extractive-summary';

describe('the extractive summariser', () => {
  const turns: Turn[] = [
    {
      direction: 'inbound',
      who: 'Kari',
      text: 'Hello!\nMy invoice for March was charged twice on my credit card. Can you refund the duplicate invoice charge?\n\nBest regards,\nKari',
    },
    { direction: 'outbound', who: 'Agent Ola', text: 'Thanks Kari. I can see the duplicate invoice charge and have started a refund to your credit card.' },
    { direction: 'inbound', who: 'Kari', text: 'Great, how long will the refund take to show on my credit card?' },
  ];

  it('keeps the sentences about the topic, in order, with who said them', () => {
    const summary = summarizeExtractively('Charged twice', turns);
    const lines = summary.split('\n');
    expect(lines[0]).toBe('About: Charged twice');
    expect(lines).toContain('- Kari: My invoice for March was charged twice on my credit card.');
    expect(summary).toContain('- Agent Ola: I can see the duplicate invoice charge and have started a refund to your credit card.');
    expect(summary).not.toMatch(/Hello|Best regards/);
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(3);
    expect(lines[lines.length - 1]).toBe('Waiting for our reply (last message from Kari).');
    // In conversation order.
    expect(summary.indexOf('My invoice')).toBeLessThan(summary.indexOf('started a refund'));
  });

  it('leaves out quoted history and says when we replied last', () => {
    const summary = summarizeExtractively('', [
      { direction: 'inbound', who: 'Per', text: 'The delivery address on my order number 5512 is wrong.\n> an older quoted line that must not appear here at all' },
      { direction: 'outbound', who: 'Agent', text: 'I have corrected the delivery address on order 5512 for you.' },
    ]);
    expect(summary).not.toContain('quoted');
    expect(summary.split('\n').pop()).toBe('We replied last.');
  });

  it('copes with a conversation that has nothing to extract', () => {
    expect(summarizeExtractively('Hi', [{ direction: 'inbound', who: 'X', text: 'ok' }])).toBe('About: Hi');
    expect(summarizeExtractively('', [])).toBe('Nothing to summarise yet.');
  });
});
