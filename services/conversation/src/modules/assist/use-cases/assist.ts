// AI assist on a conversation. Only what the agent may see goes to the model: hidden messages
// and internal comments never leave the service. Without a model, summaries are extractive.
import { FailedPreconditionError, InvalidArgumentError, type Logger } from '@inbox/lib';
import { MessageDirection } from '@inbox/lib/gen/inbox/common/v1/common';
import type { DirectoryStore } from '../../directory';
import type { Actor } from '../../directory';
import { summarizeExtractively, type Turn } from '../domain/extractive-summary';
import { requireActor } from '../../directory';

/** The language model behind assist: a system prompt and a user prompt in, text out. */
export interface AssistModel {
  complete(system: string, user: string): Promise<string>;
}

type ThreadMessage = { hidden: boolean; direction: MessageDirection; from?: { name: string; address: string }; replyText: string; text: string };

/** What assist reads of a conversation: its subject and its messages as the agent sees them. */
export interface ConversationThreads {
  detail(accountId: string, conversationId: string): Promise<{ conversation: { subject: string }; messages: ThreadMessage[] }>;
}

const MAX_PROMPT = 2000;
// The newest part of a long thread is what a reply or a summary needs.
const MAX_TRANSCRIPT = 12_000;

export class AssistWithConversation {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly queries: ConversationThreads,
    private readonly model: AssistModel | null,
    private readonly logger: Logger,
  ) {}

  get hasModel(): boolean {
    return this.model !== null;
  }

  private async visible(actor: Actor, conversationId: string): Promise<{ subject: string; turns: Turn[] }> {
    await requireActor(this.directory, actor, 'agent');
    const { conversation, messages } = await this.queries.detail(actor.accountId, conversationId);
    const turns = messages
      .filter((m) => !m.hidden)
      .map((m) => ({
        direction: m.direction === MessageDirection.MESSAGE_DIRECTION_OUTBOUND ? ('outbound' as const) : ('inbound' as const),
        who: m.from?.name || m.from?.address || (m.direction === MessageDirection.MESSAGE_DIRECTION_OUTBOUND ? 'Agent' : 'Customer'),
        text: m.replyText || m.text,
      }))
      .filter((t) => t.text.trim());
    return { subject: conversation.subject, turns };
  }

  private transcript(subject: string, turns: Turn[]): string {
    const text = turns.map((t) => `${t.direction === 'inbound' ? 'Customer' : 'Agent'} (${t.who}):\n${t.text.trim()}`).join('\n\n');
    return `Subject: ${subject || '(none)'}\n\n${text.length > MAX_TRANSCRIPT ? `…${text.slice(-MAX_TRANSCRIPT)}` : text}`;
  }

  async summarize(actor: Actor, conversationId: string): Promise<{ summary: string; source: 'model' | 'extractive' }> {
    const { subject, turns } = await this.visible(actor, conversationId);
    if (this.model && turns.length > 0) {
      try {
        const summary = await this.model.complete(
          'You summarise customer-support conversations for the agent who takes over. Three short bullet points: the problem, what was done, what is still open. Same language as the conversation.',
          this.transcript(subject, turns),
        );
        return { summary, source: 'model' };
      } catch (error) {
        this.logger.warn({ err: error, conversationId }, 'model summary failed; falling back to the extractive summary');
      }
    }
    return { summary: summarizeExtractively(subject, turns), source: 'extractive' };
  }

  async draftReply(actor: Actor, conversationId: string, prompt: string): Promise<string> {
    const instruction = prompt.trim();
    if (!instruction) throw new InvalidArgumentError('prompt_required', 'say what the reply should do');
    if (instruction.length > MAX_PROMPT) throw new InvalidArgumentError('prompt_too_long', `a prompt has at most ${MAX_PROMPT} characters`);
    if (!this.model) throw new FailedPreconditionError('assist_not_configured', 'Write for me needs a model provider; ask an admin to configure one');
    const { subject, turns } = await this.visible(actor, conversationId);
    const author = await this.directory.findUser(actor.accountId, actor.userId);
    return this.model.complete(
      `You draft replies for ${author?.name ?? 'a support agent'}, a customer-support agent. Write only the reply text, ready to send, polite and concise, in the customer's language. Never invent facts, prices or promises that the conversation does not support.`,
      `${this.transcript(subject, turns)}\n\nWrite the agent's next reply. The agent's instruction: ${instruction}`,
    );
  }
}
