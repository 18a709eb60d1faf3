import { InvalidArgumentError, NotFoundError, OutboundRefusedError, FailedPreconditionError, changedFields, vetOutboundUrl, withTransaction, type AuditAct, type AuditTrail, type GuardedFetchPolicy, type PoolClient, type UnaryHandlers } from '@inbox/lib';
import type { Tenant } from '@inbox/lib/gen/inbox/common/v1/common';
import type { WebhookServiceService } from '@inbox/lib/gen/inbox/notification/v1/webhooks';
import { isWebhookEventType } from '../domain/webhooks';
import type { SubscribedEventTypes } from './subscribed-event-types';
import type { WebhooksRepository } from './webhooks.repository';

const MAX_SUBSCRIPTIONS = 25;
const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

function accountOf(tenant: Tenant | undefined): { accountId: string; userId: string } {
  if (!tenant?.accountId || !tenant.userId) throw new InvalidArgumentError('tenant_required', 'tenant account and user are required');
  return { accountId: tenant.accountId, userId: tenant.userId };
}

function eventTypes(types: string[]): string[] {
  const unique = [...new Set(types)];
  if (unique.length === 0) throw new InvalidArgumentError('event_types_required', 'subscribe to at least one event type');
  const unknown = unique.filter((t) => !isWebhookEventType(t));
  if (unknown.length > 0) throw new InvalidArgumentError('unknown_event_type', `unknown event type: ${unknown.join(', ')}`);
  return unique;
}

export function webhookGrpcHandlers(webhooks: WebhooksRepository, policy: GuardedFetchPolicy, audit: AuditTrail, subscribed: SubscribedEventTypes): UnaryHandlers<typeof WebhookServiceService> {
  // Every change of a subscription is saved with its audit entry, in one transaction. The event
  // consumers' copy of the account's subscriptions is dropped only after the commit: a reload
  // before it would keep the old answer.
  const audited = async <T>(tenant: { accountId: string; userId: string }, action: string, targetId: (result: T) => string, work: (tx: PoolClient) => Promise<T>, what: (result: T) => Pick<AuditAct, 'changes' | 'detail'> = () => ({})) => {
    try {
      return await withTransaction(webhooks.pool, async (tx) => {
        const result = await work(tx);
        await audit.record(tx, { accountId: tenant.accountId, actorUserId: tenant.userId, action, targetType: 'webhook', targetId: targetId(result), ...what(result) });
        return result;
      });
    } finally {
      subscribed.changed(tenant.accountId);
    }
  };
  // Refused at once rather than failing every delivery later: the same checks the sender makes.
  const checkUrl = async (url: string): Promise<string> => {
    if (url.length > 2000) throw new InvalidArgumentError('webhook_url_invalid', 'the URL is longer than 2,000 characters');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidArgumentError('webhook_url_invalid', 'not a URL');
    }
    try {
      await vetOutboundUrl(policy, parsed);
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw new InvalidArgumentError('webhook_url_not_allowed', error.message);
      throw error;
    }
    return parsed.toString();
  };
  const found = <T>(value: T | null): T => {
    if (!value) throw new NotFoundError('webhook_not_found', 'no such webhook');
    return value;
  };

  return {
    async createWebhook(request) {
      const { accountId, userId } = accountOf(request.tenant);
      const types = eventTypes(request.eventTypes);
      const url = await checkUrl(request.url);
      if ((await webhooks.count(accountId)) >= MAX_SUBSCRIPTIONS) throw new FailedPreconditionError('too_many_webhooks', `an account has at most ${MAX_SUBSCRIPTIONS} webhooks`);
      return audited<Awaited<ReturnType<typeof webhooks.create>>>(
        { accountId, userId },
        'webhook.created',
        (r) => r.webhook.id,
        (tx) => webhooks.create(accountId, userId, url, types, tx),
        (r) => ({ changes: { url: { before: null, after: r.webhook.url }, eventTypes: { before: null, after: r.webhook.eventTypes } } }),
      );
    },
    async listWebhooks(request) {
      return { webhooks: await webhooks.list(accountOf(request.tenant).accountId) };
    },
    async getWebhook(request) {
      return { webhook: found(await webhooks.get(accountOf(request.tenant).accountId, request.webhookId)) };
    },
    async updateWebhook(request) {
      const tenant = accountOf(request.tenant);
      const change = {
        url: request.url !== undefined ? await checkUrl(request.url) : undefined,
        eventTypes: request.setEventTypes ? eventTypes(request.eventTypes) : undefined,
        paused: request.paused,
      };
      const before = found(await webhooks.get(tenant.accountId, request.webhookId));
      const webhook = await audited(
        tenant,
        'webhook.updated',
        () => request.webhookId,
        async (tx) => found(await webhooks.update(tenant.accountId, request.webhookId, change, tx)),
        (after) => ({ changes: changedFields(before, after, ['url', 'eventTypes', 'paused']) }),
      );
      return { webhook };
    },
    async deleteWebhook(request) {
      const tenant = accountOf(request.tenant);
      const before = found(await webhooks.get(tenant.accountId, request.webhookId));
      await audited(tenant, 'webhook.deleted', () => request.webhookId, async (tx) => found((await webhooks.delete(tenant.accountId, request.webhookId, tx)) || null), () => ({
        detail: { url: before.url, eventTypes: before.eventTypes },
      }));
      return {};
    },
    async rotateWebhookSecret(request) {
      const tenant = accountOf(request.tenant);
      return audited(tenant, 'webhook.secret_rotated', () => request.webhookId, async (tx) =>
        found(await webhooks.rotateSecret(tenant.accountId, request.webhookId, SECRET_OVERLAP_MS, tx)),
      );
    },
    async listWebhookDeliveries(request) {
      const { accountId } = accountOf(request.tenant);
      found(await webhooks.get(accountId, request.webhookId));
      const page = await webhooks.deliveries(accountId, request.webhookId, request.page?.limit ?? 25, request.page?.cursor || undefined);
      return { deliveries: page.items, nextCursor: page.nextCursor };
    },
    async redeliverWebhook(request) {
      return { delivery: found(await webhooks.redeliver(accountOf(request.tenant).accountId, request.webhookId, request.deliveryId)) };
    },
  };
}
