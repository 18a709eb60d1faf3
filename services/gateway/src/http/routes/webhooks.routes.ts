// Outbound webhooks (admins): subscribe a URL to event types, see each subscription's deliveries,
// send one again, rotate the signing secret, pause and resume.
import { z, type ServiceClient } from '@inbox/lib';
import type { Webhook, WebhookDelivery, WebhookServiceService } from '@inbox/lib/gen/inbox/notification/v1/webhooks';
import { requireAdmin, tenant } from '../authenticate';
import type { ApiRoutes } from '../api-route';

const EVENT_TYPES = ['conversation.created', 'conversation.updated', 'conversation.closed', 'conversation.assigned', 'conversation.deleted', 'message.created', 'comment.created', 'sla.breached'] as const;

const WebhookDto = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    paused: z.boolean(),
    pausedReason: z.enum(['failing', 'by_admin']).nullable().describe('failing: paused by the server after a day without one successful delivery'),
    consecutiveFailures: z.number().int(),
    previousSecretExpiresAt: z.string().nullable().describe('after a rotation, until when the previous secret still signs beside the new one'),
    createdAt: z.string(),
  })
  .openapi('Webhook');

const DeliveryDto = z
  .object({
    id: z.string(),
    eventId: z.string().describe('the id in the body: the same on every attempt and redelivery'),
    event: z.enum(EVENT_TYPES),
    conversationId: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().int().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');

const webhookDto = (w: Webhook): z.infer<typeof WebhookDto> => ({
  id: w.id,
  url: w.url,
  events: w.eventTypes as z.infer<typeof WebhookDto>['events'],
  paused: w.paused,
  pausedReason: w.paused ? ((w.pausedReason || 'by_admin') as 'failing' | 'by_admin') : null,
  consecutiveFailures: w.consecutiveFailures,
  previousSecretExpiresAt: w.previousSecretExpiresAt?.toISOString() ?? null,
  createdAt: (w.createdAt ?? new Date(0)).toISOString(),
});

const deliveryDto = (d: WebhookDelivery): z.infer<typeof DeliveryDto> => ({
  id: d.id,
  eventId: d.eventId,
  event: d.eventType as z.infer<typeof DeliveryDto>['event'],
  conversationId: d.conversationId,
  status: d.status as z.infer<typeof DeliveryDto>['status'],
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode || null,
  lastError: d.lastError || null,
  lastLatencyMs: d.attempts > 0 ? d.lastLatencyMs : null,
  createdAt: (d.createdAt ?? new Date(0)).toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
});

const WEBHOOKS_ARE_FOR_ADMINS = 'webhooks need the admin role';
const Url = z.string().trim().min(1).max(2000);
const Events = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length);

export function registerWebhookRoutes(api: ApiRoutes, webhooks: ServiceClient<typeof WebhookServiceService>): void {
  api.add(
    {
      method: 'post',
      path: '/webhooks',
      summary: 'Subscribe a URL to event types. Deliveries are signed (X-Inbox-Signature: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">) with the secret returned here, once',
      tag: 'webhooks',
      auth: true,
      status: 201,
      body: z.object({ url: Url, events: Events }).strict(),
      response: WebhookDto.extend({ secret: z.string() }),
      errors: [400, 403, 409],
    },
    async ({ user, body }) => {
      requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
      const created = await webhooks.call.createWebhook({ tenant: tenant(user), url: body.url, eventTypes: body.events });
      return { ...webhookDto(created.webhook!), secret: created.secret };
    },
  );

  api.add(
    { method: 'get', path: '/webhooks', summary: "The account's webhooks", tag: 'webhooks', auth: true, response: z.object({ items: z.array(WebhookDto), nextCursor: z.null() }), errors: [403] },
    async ({ user }) => {
      requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
      return { items: (await webhooks.call.listWebhooks({ tenant: tenant(user) })).webhooks.map(webhookDto), nextCursor: null };
    },
  );

  api.add({ method: 'get', path: '/webhooks/:id', summary: 'A webhook', tag: 'webhooks', auth: true, response: WebhookDto, errors: [403, 404] }, async ({ user, params }) => {
    requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
    return webhookDto((await webhooks.call.getWebhook({ tenant: tenant(user), webhookId: params.id })).webhook!);
  });

  api.add(
    {
      method: 'patch',
      path: '/webhooks/:id',
      summary: 'Change the URL or events; pause, or resume (which clears the failure count and sends what waited, in order)',
      tag: 'webhooks',
      auth: true,
      body: z.object({ url: Url.optional(), events: Events.optional(), paused: z.boolean().optional() }).strict(),
      response: WebhookDto,
      errors: [400, 403, 404],
    },
    async ({ user, params, body }) => {
      requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
      const updated = await webhooks.call.updateWebhook({ tenant: tenant(user), webhookId: params.id, url: body.url, eventTypes: body.events ?? [], setEventTypes: body.events !== undefined, paused: body.paused });
      return webhookDto(updated.webhook!);
    },
  );

  api.add({ method: 'delete', path: '/webhooks/:id', summary: 'Delete a webhook and its delivery log', tag: 'webhooks', auth: true, status: 204, errors: [403, 404] }, async ({ user, params }) => {
    requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
    await webhooks.call.deleteWebhook({ tenant: tenant(user), webhookId: params.id });
  });

  api.add(
    {
      method: 'post',
      path: '/webhooks/:id/rotate-secret',
      summary: 'A new signing secret (returned once); for 24 hours deliveries carry a v1 signature by each, so the receiver can switch over',
      tag: 'webhooks',
      auth: true,
      response: WebhookDto.extend({ secret: z.string() }),
      errors: [403, 404],
    },
    async ({ user, params }) => {
      requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
      const rotated = await webhooks.call.rotateWebhookSecret({ tenant: tenant(user), webhookId: params.id });
      return { ...webhookDto(rotated.webhook!), secret: rotated.secret };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/webhooks/:id/deliveries',
      summary: "The webhook's deliveries, newest first: status, attempts, last response code and latency",
      tag: 'webhooks',
      auth: true,
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(25), cursor: z.string().max(500).optional() }).strict(),
      response: z.object({ items: z.array(DeliveryDto), nextCursor: z.string().nullable() }),
      errors: [400, 403, 404],
    },
    async ({ user, params, query }) => {
      requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
      const page = await webhooks.call.listWebhookDeliveries({ tenant: tenant(user), webhookId: params.id, page: { limit: query.limit, cursor: query.cursor ?? '' } });
      return { items: page.deliveries.map(deliveryDto), nextCursor: page.nextCursor || null };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/webhooks/:id/deliveries/:deliveryId/redeliver',
      summary: 'Send a delivery again: the same id and body, after what its conversation has waiting',
      tag: 'webhooks',
      auth: true,
      status: 202,
      response: DeliveryDto,
      errors: [403, 404],
    },
    async ({ user, params }) => {
      requireAdmin(user, WEBHOOKS_ARE_FOR_ADMINS);
      return deliveryDto((await webhooks.call.redeliverWebhook({ tenant: tenant(user), webhookId: params.id, deliveryId: params.deliveryId })).delivery!);
    },
  );
}
