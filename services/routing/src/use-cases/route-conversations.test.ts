import type { ConversationClients, Logger } from '@inbox/lib';
import { RouteConversations, type DirectorySource } from './route-conversations';
import type { AvailabilityRecords, RoutingStore } from './ports';

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
