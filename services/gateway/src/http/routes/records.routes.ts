// Records beside a conversation: its tickets, and the contact with company, other
// conversations and tickets (the right sidebar).
import { z, type ServiceClient } from '@inbox/lib';
import type { ConversationServiceService, Deal, Ticket } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';
import type { AuthenticatedUser } from '../authenticate';
import { ConversationItem, conversationItem } from './conversations.routes';

const TicketDto = z
  .object({ id: z.string(), conversationId: z.string(), status: z.enum(['open', 'closed']), title: z.string(), createdAt: z.string(), closedAt: z.string().nullable() })
  .openapi('Ticket');

const ticketDto = (t: Ticket): z.infer<typeof TicketDto> => ({
  id: t.id,
  conversationId: t.conversationId,
  status: t.status as 'open' | 'closed',
  title: t.title,
  createdAt: (t.createdAt ?? new Date(0)).toISOString(),
  closedAt: t.closedAt ? t.closedAt.toISOString() : null,
});

const DealDto = z
  .object({
    id: z.string(),
    contactId: z.string(),
    conversationId: z.string().nullable(),
    name: z.string(),
    amount: z.number().describe('in minor units (cents, øre)'),
    currency: z.string(),
    stage: z.enum(['open', 'won', 'lost']),
    createdAt: z.string(),
  })
  .openapi('Deal');

const dealDto = (d: Deal): z.infer<typeof DealDto> => ({
  id: d.id,
  contactId: d.contactId,
  conversationId: d.conversationId || null,
  name: d.name,
  amount: Number(d.amountMinor),
  currency: d.currency,
  stage: d.stage as 'open' | 'won' | 'lost',
  createdAt: (d.createdAt ?? new Date(0)).toISOString(),
});

const tenant = (user: AuthenticatedUser) => ({ accountId: user.accountId, userId: user.id });

export function registerRecordRoutes(api: ApiRoutes, conversation: ServiceClient<typeof ConversationServiceService>, publicUrl: string): void {
  api.add(
    {
      method: 'post',
      path: '/conversations/:id/tickets',
      summary: 'Create a ticket from the conversation (it stays attached to it)',
      tag: 'tickets',
      auth: true,
      status: 201,
      body: z.object({ title: z.string().max(500).default('') }),
      response: TicketDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => ticketDto((await conversation.call.createTicket({ tenant: tenant(user), conversationId: params.id, title: body.title })).ticket!),
  );

  api.add(
    { method: 'get', path: '/conversations/:id/tickets', summary: "The conversation's tickets", tag: 'tickets', auth: true, response: z.object({ items: z.array(TicketDto), nextCursor: z.null() }), errors: [404] },
    async ({ user, params }) => ({ items: (await conversation.call.listTickets({ tenant: tenant(user), conversationId: params.id })).tickets.map(ticketDto), nextCursor: null }),
  );

  api.add(
    {
      method: 'patch',
      path: '/tickets/:id',
      summary: 'Open or close a ticket, or rename it',
      tag: 'tickets',
      auth: true,
      body: z.object({ status: z.enum(['open', 'closed']).optional(), title: z.string().trim().min(1).max(500).optional() }).refine((b) => b.status || b.title, 'send status and/or title'),
      response: TicketDto,
      errors: [404],
    },
    async ({ user, params, body }) => ticketDto((await conversation.call.updateTicket({ tenant: tenant(user), ticketId: params.id, status: body.status ?? '', title: body.title })).ticket!),
  );

  api.add(
    {
      method: 'get',
      path: '/contacts/:id',
      summary: 'A contact with their company, their conversations and their tickets',
      tag: 'contacts',
      auth: true,
      response: z.object({
        id: z.string(),
        name: z.string(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
        company: z.object({ id: z.string(), name: z.string(), domain: z.string() }).nullable(),
        properties: z.record(z.string(), z.string()),
        createdAt: z.string(),
        conversations: z.array(ConversationItem),
        tickets: z.array(TicketDto),
        deals: z.array(DealDto),
        feedback: z.array(z.object({ conversationId: z.string(), subject: z.string(), score: z.number().int(), comment: z.string(), answeredAt: z.string() })),
      }),
      errors: [404],
    },
    async ({ user, params }) => {
      const { contact } = await conversation.call.getContact({ tenant: tenant(user), contactId: params.id });
      return {
        id: contact!.id,
        name: contact!.name,
        email: contact!.email || null,
        phone: contact!.phone || null,
        company: contact!.company ?? null,
        properties: contact!.properties,
        createdAt: (contact!.createdAt ?? new Date(0)).toISOString(),
        conversations: contact!.conversations.map(conversationItem),
        tickets: contact!.tickets.map(ticketDto),
        deals: contact!.deals.map(dealDto),
        feedback: contact!.feedback.map((f) => ({ conversationId: f.conversationId, subject: f.subject, score: f.score, comment: f.comment, answeredAt: (f.answeredAt ?? new Date(0)).toISOString() })),
      };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/contacts/:id/deals',
      summary: 'Create a deal with the contact (optionally from one of their conversations)',
      tag: 'contacts',
      auth: true,
      status: 201,
      body: z
        .object({
          name: z.string().trim().min(1).max(200),
          amount: z.number().int().min(0).max(1e13).default(0).describe('in minor units (cents, øre)'),
          currency: z.string().regex(/^[A-Za-z]{3}$/).default('EUR'),
          conversationId: z.string().min(1).max(100).optional(),
        })
        .strict(),
      response: DealDto,
      errors: [404],
    },
    async ({ user, params, body }) =>
      dealDto(
        (await conversation.call.createDeal({ tenant: tenant(user), contactId: params.id, conversationId: body.conversationId ?? '', name: body.name, amountMinor: String(body.amount), currency: body.currency })).deal!,
      ),
  );

  api.add(
    { method: 'post', path: '/conversations/:id/detach-contact', summary: "Detach the conversation from its contact (it leaves the contact's record)", tag: 'contacts', auth: true, status: 204, errors: [404] },
    async ({ user, params }) => {
      await conversation.call.detachContact({ tenant: tenant(user), conversationId: params.id });
    },
  );

  api.add(
    { method: 'post', path: '/conversations/:id/survey', summary: 'Email the contact a satisfaction survey (a secret link to a one-click page)', tag: 'contacts', auth: true, status: 201, response: z.object({ messageId: z.string() }), errors: [404, 409] },
    async ({ user, params }) => conversation.call.sendSurvey({ tenant: tenant(user), conversationId: params.id, linkBase: publicUrl }),
  );

  api.add(
    {
      method: 'get',
      path: '/feedback/:token',
      summary: "A survey as its customer sees it (public: the link's token is the key)",
      tag: 'contacts',
      auth: false,
      response: z.object({ inboxName: z.string(), subject: z.string(), score: z.number().int().nullable(), comment: z.string() }),
      errors: [404],
    },
    async ({ params }) => {
      const survey = await conversation.call.getSurvey({ token: params.token });
      return { inboxName: survey.inboxName, subject: survey.subject, score: survey.score || null, comment: survey.comment };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/feedback/:token',
      summary: 'Answer a survey: a score from 1 to 5 and an optional comment (answering again changes the answer)',
      tag: 'contacts',
      auth: false,
      status: 204,
      body: z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(2000).default('') }).strict(),
      errors: [404],
    },
    async ({ params, body }) => {
      await conversation.call.answerSurvey({ token: params.token, score: body.score, comment: body.comment });
    },
  );
}
