// Rule-based chat bots. A chatflow is a list of steps; the first one greets. A step says
// something, and then offers options (each leading to a step), asks a question (the answer kept
// as the visitor's email, name or a contact property), or hands the chat to the team. The bot's
// state is the step it waits on and the answers so far; each visitor message advances it.
import { InvalidArgumentError } from '@inbox/lib';

export interface ChatflowOption {
  label: string;
  next: string;
}

export interface ChatflowStep {
  id: string;
  say: string;
  options: ChatflowOption[];
  /** email | name | a contact property name; the visitor's answer is kept under it. */
  ask: string;
  next: string;
  handoff: boolean;
}

export interface Chatflow {
  id: string;
  name: string;
  steps: ChatflowStep[];
}

export interface StoredChatflow extends Chatflow {
  channelId: string;
  enabled: boolean;
}

export interface BotState {
  step: string;
  answers: Record<string, string>;
}

export interface BotTurn {
  state: BotState;
  /** What the bot says now, in order; options are offered with the last line. */
  say: { text: string; options: string[] }[];
  /** The answer just given, if the step asked a question. */
  answer?: { key: string; value: string };
  handoff: boolean;
}

const STEP_ID = /^[a-z][\w-]{0,39}$/i;
const PROPERTY = /^[a-z][\w]{0,63}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_STEPS = 50;

export function validateChatflow(flow: { name: string; steps: Partial<ChatflowStep>[] }): Omit<Chatflow, 'id'> {
  const name = flow.name.trim();
  if (!name || name.length > 100) throw new InvalidArgumentError('invalid_name', 'a chatflow needs a name of 1 to 100 characters');
  if (flow.steps.length === 0 || flow.steps.length > MAX_STEPS) throw new InvalidArgumentError('invalid_steps', `a chatflow has 1 to ${MAX_STEPS} steps`);
  const steps: ChatflowStep[] = flow.steps.map((s, i) => ({
    id: s.id ?? '',
    say: (s.say ?? '').trim(),
    options: (s.options ?? []).map((o) => ({ label: o.label.trim(), next: o.next })),
    ask: s.ask ?? '',
    next: s.next ?? '',
    handoff: s.handoff ?? false,
    index: i,
  }));
  const ids = new Set<string>();
  for (const step of steps) {
    const where = `step ${JSON.stringify(step.id)}`;
    if (!STEP_ID.test(step.id)) throw new InvalidArgumentError('invalid_step', `step ids are letters, digits, _ and - (got ${JSON.stringify(step.id)})`);
    if (ids.has(step.id)) throw new InvalidArgumentError('duplicate_step', `${where} is defined twice`);
    ids.add(step.id);
    if (!step.say && !step.handoff) throw new InvalidArgumentError('invalid_step', `${where} says nothing`);
    if (step.say.length > 2000) throw new InvalidArgumentError('invalid_step', `${where} says more than 2000 characters`);
    const kinds = [step.options.length > 0, !!step.ask, step.handoff].filter(Boolean).length;
    if (kinds > 1) throw new InvalidArgumentError('invalid_step', `${where} must offer options, ask a question or hand off, only one of them`);
    if (step.options.length > 10) throw new InvalidArgumentError('invalid_step', `${where} offers more than 10 options`);
    if (step.options.some((o) => !o.label || o.label.length > 100)) throw new InvalidArgumentError('invalid_step', `${where} has an option without a label (or one over 100 characters)`);
    if (step.ask && step.ask !== 'email' && step.ask !== 'name' && !PROPERTY.test(step.ask)) throw new InvalidArgumentError('invalid_step', `${where} asks for an invalid property name`);
    if (kinds === 0 && !step.next) throw new InvalidArgumentError('invalid_step', `${where} leads nowhere: give it options, a question, a next step or a hand-off`);
  }
  for (const step of steps) {
    for (const target of [step.next, ...step.options.map((o) => o.next)].filter(Boolean)) {
      if (!ids.has(target)) throw new InvalidArgumentError('unknown_step', `step ${JSON.stringify(step.id)} leads to unknown step ${JSON.stringify(target)}`);
    }
    if (step.ask && !step.next) throw new InvalidArgumentError('invalid_step', `step ${JSON.stringify(step.id)} asks a question but has no next step`);
  }
  return { name, steps: steps.map(({ id, say, options, ask, next, handoff }) => ({ id, say, options, ask, next, handoff })) };
}

function stepOf(flow: Chatflow, id: string): ChatflowStep {
  return flow.steps.find((s) => s.id === id) ?? flow.steps[0];
}

/** Says a step and, while it only talks, the steps it leads to, until one waits for the visitor or hands off. */
function enter(flow: Chatflow, id: string, answers: Record<string, string>, said: BotTurn['say']): BotTurn {
  let step = stepOf(flow, id);
  for (let hops = 0; hops <= flow.steps.length; hops += 1) {
    if (step.say) said.push({ text: step.say, options: step.options.map((o) => o.label) });
    if (step.handoff) return { state: { step: step.id, answers }, say: said, handoff: true };
    if (step.options.length > 0 || step.ask) return { state: { step: step.id, answers }, say: said, handoff: false };
    step = stepOf(flow, step.next);
  }
  // A loop of steps that only talk: hand over rather than talk forever.
  return { state: { step: step.id, answers }, say: said, handoff: true };
}

/** The greeting of a new bot conversation. */
export function startChatflow(flow: Chatflow): BotTurn {
  return enter(flow, flow.steps[0].id, {}, []);
}

/** The bot's answer to one visitor message. */
export function advanceChatflow(flow: Chatflow, state: BotState, visitorText: string): BotTurn {
  const step = stepOf(flow, state.step);
  const text = visitorText.trim();
  if (step.options.length > 0) {
    const chosen = step.options.find((o, i) => o.label.toLowerCase() === text.toLowerCase() || String(i + 1) === text);
    if (!chosen) return { state, say: [{ text: 'Please choose one of these:', options: step.options.map((o) => o.label) }], handoff: false };
    return enter(flow, chosen.next, state.answers, []);
  }
  if (step.ask) {
    if (step.ask === 'email' && !EMAIL.test(text)) return { state, say: [{ text: 'That does not look like an email address. Could you check it?', options: [] }], handoff: false };
    const value = text.slice(0, 1000);
    const answers = { ...state.answers, [step.ask]: value };
    return { ...enter(flow, step.next, answers, []), answer: { key: step.ask, value } };
  }
  return enter(flow, step.id, state.answers, []);
}

/** The text a channel without buttons shows for a line with options. */
export function withNumberedOptions(line: { text: string; options: string[] }): string {
  return line.options.length === 0 ? line.text : `${line.text}\n${line.options.map((o, i) => `${i + 1}. ${o}`).join('\n')}`;
}
