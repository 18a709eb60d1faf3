import type { ConversationClients, Logger } from '@inbox/lib';
import { ChannelType, ConversationStatus } from '@inbox/lib/gen/inbox/common/v1/common';
import { Role, type User } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { RouteConversations, type DirectorySource } from './route-conversations';
import type { AvailabilityRecords, DecisionRecord, RoutingStore } from './ports';

describe('explaining an automatic assignment', () => {
  function routingWith(decided: boolean) {
    const calls: string[] = [];
    const repository = {
      pool: { connect: async () => (calls.push('transaction'), Promise.reject(new Error('the inbox lock was asked for'))) },
      hasDecisionFor: async (db: unknown) => (calls.push(db === repository.pool ? 'decision read outside a transaction' : 'decision read'), decided),
      rule: async () => (calls.push('rule'), { mode: 'round_robin', userIds: [], teamIds: [] }),
    };
    const routing = new RouteConversations(repository as unknown as RoutingStore, {} as AvailabilityRecords, {} as ConversationClients, {} as DirectorySource, {} as Logger);
    return { routing, calls };
  }

  it('takes no inbox lock when the decision is already recorded', async () => {
    const { routing, calls } = routingWith(true);
    await routing.explainAutomaticAssignment('acc_1', 'inb_1', 'cnv_1', 'usr_1');
    expect(calls).toEqual(['decision read outside a transaction']);
  });

  it('waits for the inbox lock when no decision is recorded yet', async () => {
    const { routing, calls } = routingWith(false);
    await expect(routing.explainAutomaticAssignment('acc_1', 'inb_1', 'cnv_1', 'usr_1')).rejects.toThrow('the inbox lock was asked for');
    expect(calls).toEqual(['decision read outside a transaction', 'rule', 'transaction']);
  });
});

describe('routing a burst of new conversations', () => {
  const agents = ['usr_a', 'usr_b', 'usr_c'];

  function routingOf(conversations: { id: string; inboxId: string; createdAt: number; assigneeId?: string }[], options: { assignedElsewhere?: string[]; decidedBefore?: string[] } = {}) {
    const log: string[] = [];
    const decisions: DecisionRecord[] = [];
    let last: Record<string, string | null> = {};
    const client = { query: async (sql: string) => void log.push(sql), on: () => undefined, off: () => undefined, release: () => undefined };
    const repository = {
      pool: { connect: async () => client },
      hasRules: async () => true,
      rule: async () => ({ mode: 'round_robin', userIds: [], teamIds: [], chatCapacity: 0, emailCapacity: 0 }),
      lockInbox: async (_tx: unknown, _account: string, inboxId: string) => void log.push(`lock ${inboxId}`),
      lastAssigned: async (_tx: unknown, _account: string, inboxId: string) => last[inboxId] ?? null,
      setLastAssigned: async (_tx: unknown, _account: string, inboxId: string, userId: string) => void (log.push(`last ${inboxId} ${userId}`), (last = { ...last, [inboxId]: userId })),
      decidedAmong: async () => new Set<string>(options.decidedBefore ?? []),
      removeWaiting: async (_db: unknown, _account: string, conversationIds: string[]) => void log.push(...conversationIds.map((id) => `no longer waiting ${id}`)),
      addWaiting: async () => true,
      recordDecisions: async (_db: unknown, recorded: DecisionRecord[]) => void (log.push(`recorded ${recorded.length}`), decisions.push(...recorded)),
    };
    const users = new Map(agents.map((id) => [id, { id, role: Role.ROLE_AGENT } as User]));
    const directory: DirectorySource = { directory: async () => ({ users, members: new Map([['inb_1', agents], ['inb_2', agents]]), teams: new Map() }) };
    const factsAsked: string[][] = [];
    const conversation = {
      conversations: {
        call: {
          getRoutingFacts: async ({ conversationIds }: { conversationIds: string[] }) => {
            factsAsked.push(conversationIds);
            return {
              facts: conversations
                .filter((c) => conversationIds.includes(c.id))
                .map((c) => ({ conversationId: c.id, inboxId: c.inboxId, status: ConversationStatus.CONVERSATION_STATUS_OPEN, channel: ChannelType.CHANNEL_TYPE_EMAIL, assigneeId: c.assigneeId ?? '', createdAt: new Date(c.createdAt) })),
            };
          },
          autoAssign: async ({ conversationId }: { conversationId: string }) =>
            options.assignedElsewhere?.includes(conversationId) ? { outcome: 'already_assigned', assigneeId: 'usr_human' } : { outcome: 'assigned', assigneeId: '' },
        },
      },
    };
    const availability = { statuses: async () => () => 'available' } as unknown as AvailabilityRecords;
    const routing = new RouteConversations(repository as unknown as RoutingStore, availability, conversation as unknown as ConversationClients, directory, {} as Logger);
    return { routing, log, decisions, factsAsked };
  }

  it('routes each inbox share under one hold of its lock, in the order created, taking turns', async () => {
    const conversations = [
      { id: 'cnv_3', inboxId: 'inb_1', createdAt: 3 },
      { id: 'cnv_1', inboxId: 'inb_1', createdAt: 1 },
      { id: 'cnv_2', inboxId: 'inb_1', createdAt: 2 },
      { id: 'cnv_5', inboxId: 'inb_1', createdAt: 5 },
      { id: 'cnv_4', inboxId: 'inb_1', createdAt: 4 },
      { id: 'cnv_9', inboxId: 'inb_2', createdAt: 9 },
    ];
    const { routing, log, decisions, factsAsked } = routingOf(conversations);
    await routing.onConversationsCreated('acc_1', conversations.map((c) => c.id));
    expect(factsAsked).toHaveLength(1);
    expect(log.filter((entry) => entry.startsWith('lock') || entry === 'BEGIN' || entry === 'COMMIT')).toEqual(['BEGIN', 'lock inb_1', 'COMMIT', 'BEGIN', 'lock inb_2', 'COMMIT']);
    const inFirstInbox = decisions.filter((d) => d.inboxId === 'inb_1');
    expect(inFirstInbox.map((d) => [d.conversationId, d.chosenUserId, d.outcome])).toEqual([
      ['cnv_1', 'usr_a', 'assigned'],
      ['cnv_2', 'usr_b', 'assigned'],
      ['cnv_3', 'usr_c', 'assigned'],
      ['cnv_4', 'usr_a', 'assigned'],
      ['cnv_5', 'usr_b', 'assigned'],
    ]);
    expect(decisions.find((d) => d.conversationId === 'cnv_9')?.chosenUserId).toBe('usr_a');
  });

  it('records a conversation a person assigned meanwhile as already assigned, and routes the rest of the burst after that owner', async () => {
    const conversations = [1, 2, 3].map((n) => ({ id: `cnv_${n}`, inboxId: 'inb_1', createdAt: n }));
    const { routing, decisions } = routingOf(conversations, { assignedElsewhere: ['cnv_2'] });
    await routing.onConversationsCreated('acc_1', conversations.map((c) => c.id));
    expect(decisions.map((d) => [d.conversationId, d.chosenUserId, d.outcome])).toEqual([
      ['cnv_1', 'usr_a', 'assigned'],
      ['cnv_2', 'usr_human', 'already_assigned'],
      // As one conversation at a time: the rotation continues after whoever got the last one.
      ['cnv_3', 'usr_a', 'assigned'],
    ]);
  });

  it('writes a share once: its decisions, its waiting list and where the rotation stopped', async () => {
    const conversations = [1, 2, 3, 4].map((n) => ({ id: `cnv_${n}`, inboxId: 'inb_1', createdAt: n }));
    const { routing, log, decisions } = routingOf(conversations, { decidedBefore: ['cnv_2'] });
    await routing.onConversationsCreated('acc_1', conversations.map((c) => c.id));
    expect(log.filter((entry) => !entry.startsWith('lock'))).toEqual([
      'BEGIN',
      'last inb_1 usr_a',
      ...conversations.map((c) => `no longer waiting ${c.id}`),
      'recorded 4',
      'COMMIT',
    ]);
    // One assigned before (a late event found it released) is still routed, and says so.
    expect(decisions.map((d) => [d.conversationId, d.trigger, d.chosenUserId])).toEqual([
      ['cnv_1', 'new', 'usr_a'],
      ['cnv_2', 'released', 'usr_b'],
      ['cnv_3', 'new', 'usr_c'],
      ['cnv_4', 'new', 'usr_a'],
    ]);
  });

  it('looks up the facts of several changed conversations once, then treats each as alone', async () => {
    const conversations = [
      { id: 'cnv_1', inboxId: 'inb_1', createdAt: 1, assigneeId: 'usr_b' },
      { id: 'cnv_2', inboxId: 'inb_1', createdAt: 2 },
    ];
    const { routing, log, decisions, factsAsked } = routingOf(conversations);
    await routing.onConversationsChanged('acc_1', [
      { conversationId: 'cnv_1', trigger: 'new' },
      { conversationId: 'cnv_2', trigger: 'released' },
      { conversationId: 'cnv_gone', trigger: 'new' },
    ]);
    expect(factsAsked).toEqual([['cnv_1', 'cnv_2', 'cnv_gone']]);
    expect(log.filter((entry) => entry.startsWith('no longer waiting'))).toEqual(['no longer waiting cnv_1', 'no longer waiting cnv_2', 'no longer waiting cnv_gone']);
    expect(decisions.map((d) => [d.conversationId, d.trigger, d.outcome])).toEqual([['cnv_2', 'released', 'assigned']]);
  });
});
