// The built-in summariser: no model, no network. It keeps the few sentences that carry the
// conversation's most frequent content words, in the order they were said, and who said them.

export interface Turn {
  direction: 'inbound' | 'outbound';
  who: string;
  text: string;
}

// Words that say nothing about the topic (English and Norwegian, the languages of the seed data).
const STOPWORDS = new Set(
  (
    'the a an and or but if then than so of to in on at by for with from as is are was were be been being it its this that these those ' +
    'i me my we our you your he she they them their his her there here what which who whom when where why how not no yes do does did ' +
    'have has had can could would should will shall may might must just also very too any some all more most much many please thanks ' +
    'thank hello hi dear regards best kind hei og i på er det som en et til av for med har de ikke den jeg vi du seg så var kan om ' +
    'men eller meg deg oss dere hva hvor når hvordan fra ved takk hilsen mvh vennlig'
  ).split(' '),
);

const MAX_SENTENCE = 300;

const words = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));

function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    .filter((line) => !/^\s*>/.test(line))
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])/u))
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 4 && s.length <= MAX_SENTENCE);
}

export function summarizeExtractively(subject: string, turns: Turn[], maxSentences = 3): string {
  const candidates = turns.flatMap((turn, turnIndex) => sentencesOf(turn.text).map((sentence) => ({ sentence, turn, turnIndex })));
  if (candidates.length === 0) return subject ? `About: ${subject}` : 'Nothing to summarise yet.';

  const frequency = new Map<string, number>();
  for (const w of [...words(subject), ...turns.flatMap((t) => words(t.text))]) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const firstInbound = turns.findIndex((t) => t.direction === 'inbound');
  const scored = candidates.map((c, position) => {
    const unique = [...new Set(words(c.sentence))];
    let score = unique.reduce((sum, w) => sum + (frequency.get(w) ?? 0), 0) / Math.sqrt(Math.max(unique.length, 1));
    // The customer's opening states the problem; the last turn states where it stands.
    if (c.turnIndex === firstInbound) score *= 1.5;
    if (c.turnIndex === turns.length - 1) score *= 1.2;
    return { ...c, score, position };
  });
  const chosen = [...scored]
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, maxSentences)
    .sort((a, b) => a.position - b.position);

  const last = turns[turns.length - 1];
  const lines = [
    ...(subject ? [`About: ${subject}`] : []),
    ...chosen.map((c) => `- ${c.turn.who}: ${c.sentence}`),
    last.direction === 'inbound' ? `Waiting for our reply (last message from ${last.who}).` : 'We replied last.',
  ];
  return lines.join('\n');
}
