// Records beside a conversation: its tickets, and the contact with company, other
// conversations and tickets (the right sidebar).
import { z, type ConversationClients } from '@inbox/lib';
import type { Contact, ContactProperty, Deal, Ticket } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';
import { tenant } from '../authenticate';
import { ConversationItem, conversationItem } from '../shapes/conversation.shapes';

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
    stage: z.enum(['open', 'qualified', 'proposal', 'won', 'lost']),
    createdAt: z.string(),
    closedAt: z.string().nullable().describe('when it was won or lost'),
  })
  .openapi('Deal');

const dealDto = (d: Deal): z.infer<typeof DealDto> => ({
  id: d.id,
  contactId: d.contactId,
  conversationId: d.conversationId || null,
  name: d.name,
  amount: Number(d.amountMinor),
  currency: d.currency,
  stage: d.stage as z.infer<typeof DealDto>['stage'],
  createdAt: (d.createdAt ?? new Date(0)).toISOString(),
  closedAt: d.closedAt ? d.closedAt.toISOString() : null,
});

const SurveyQuestion = z.enum(['csat', 'nps']);

const ContactPropertyDto = z
  .object({ key: z.string(), label: z.string(), type: z.enum(['text', 'number', 'date', 'choice']), options: z.array(z.string()) })
  .openapi('ContactProperty');
const propertyDto = (p: ContactProperty): z.infer<typeof ContactPropertyDto> => ({ key: p.key, label: p.label, type: p.type as 'text', options: p.options });

const ContactDto = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable().describe('the primary address'),
    phone: z.string().nullable().describe('the primary number'),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    ownerId: z.string().nullable().describe('the agent who owns the relationship; contact-owner routing assigns them'),
    company: z.object({ id: z.string(), name: z.string(), domain: z.string() }).nullable(),
    properties: z.record(z.string(), z.string()),
    createdAt: z.string(),
    conversations: z.array(ConversationItem),
    tickets: z.array(TicketDto),
    deals: z.array(DealDto),
    feedback: z.array(z.object({ conversationId: z.string(), subject: z.string(), question: z.enum(['csat', 'nps']), score: z.number().int(), comment: z.string(), answeredAt: z.string() })),
  })
  .openapi('Contact');

const contactDto = (contact: Contact): z.infer<typeof ContactDto> => ({
  id: contact.id,
  name: contact.name,
  email: contact.email || null,
  phone: contact.phone || null,
  emails: contact.emails,
  phones: contact.phones,
  ownerId: contact.ownerId || null,
  company: contact.company ?? null,
  properties: contact.properties,
  createdAt: (contact.createdAt ?? new Date(0)).toISOString(),
  conversations: contact.conversations.map(conversationItem),
  tickets: contact.tickets.map(ticketDto),
  deals: contact.deals.map(dealDto),
  feedback: contact.feedback.map((f) => ({
    conversationId: f.conversationId,
    subject: f.subject,
    question: f.question === 'nps' ? ('nps' as const) : ('csat' as const),
    score: f.score,
    comment: f.comment,
    answeredAt: (f.answeredAt ?? new Date(0)).toISOString(),
  })),
});

export function registerRecordRoutes(api: ApiRoutes, conversation: ConversationClients, publicUrl: string): void {
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
    async ({ user, params, body }) => ticketDto((await conversation.records.call.createTicket({ tenant: tenant(user), conversationId: params.id, title: body.title })).ticket!),
  );

  api.add(
    { method: 'get', path: '/conversations/:id/tickets', summary: "The conversation's tickets", tag: 'tickets', auth: true, response: z.object({ items: z.array(TicketDto), nextCursor: z.null() }), errors: [404] },
    async ({ user, params }) => ({ items: (await conversation.records.call.listTickets({ tenant: tenant(user), conversationId: params.id })).tickets.map(ticketDto), nextCursor: null }),
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
    async ({ user, params, body }) => ticketDto((await conversation.records.call.updateTicket({ tenant: tenant(user), ticketId: params.id, status: body.status ?? '', title: body.title })).ticket!),
  );

  api.add(
    {
      method: 'get',
      path: '/contacts',
      summary: 'Find contacts: a name containing q (of two characters: a word of the name starting with them), or an email, phone number or further address starting with it',
      tag: 'contacts',
      auth: true,
      query: z.object({ q: z.string().trim().min(2).max(200), limit: z.coerce.number().int().min(1).max(50).default(10) }).strict(),
      response: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable() })), nextCursor: z.null() }),
    },
    async ({ user, query }) => ({
      items: (await conversation.records.call.findContacts({ tenant: tenant(user), query: query.q, limit: query.limit })).contacts.map((c) => ({ id: c.id, name: c.name, email: c.email || null, phone: c.phone || null })),
      nextCursor: null,
    }),
  );

  api.add(
    { method: 'get', path: '/contacts/:id', summary: 'A contact with their company, their conversations and their tickets', tag: 'contacts', auth: true, response: ContactDto, errors: [404] },
    async ({ user, params }) => contactDto((await conversation.records.call.getContact({ tenant: tenant(user), contactId: params.id })).contact!),
  );

  api.add(
    {
      method: 'patch',
      path: '/contacts/:id',
      summary: "Edit a contact: name, emails, phone numbers, owner and properties (a null property is removed); their conversations follow in search and routing",
      tag: 'contacts',
      auth: true,
      body: z
        .object({
          name: z.string().max(200).optional(),
          emails: z.array(z.string().max(254)).max(20).optional().describe('every address, the primary (replies go to it) first; [] clears'),
          phones: z.array(z.string().max(40)).max(20).optional().describe('every number, the primary first; [] clears'),
          ownerId: z.string().min(1).max(100).nullable().optional(),
          properties: z.record(z.string().max(40), z.string().max(1000).nullable()).optional(),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'send at least one field to change'),
      response: ContactDto,
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const entries = Object.entries(body.properties ?? {});
      const { contact } = await conversation.records.call.updateContact({
        tenant: tenant(user),
        contactId: params.id,
        name: body.name,
        emails: body.emails && { values: body.emails },
        phones: body.phones && { values: body.phones },
        ownerId: body.ownerId === undefined ? undefined : (body.ownerId ?? ''),
        setProperties: Object.fromEntries(entries.filter(([, v]) => v !== null) as [string, string][]),
        removeProperties: entries.filter(([, v]) => v === null).map(([k]) => k),
      });
      return contactDto(contact!);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/contacts/:id/merge',
      summary: 'Merge another contact into this one: their conversations, deals and surveys follow, blanks are filled from them, and they are gone',
      tag: 'contacts',
      auth: true,
      body: z.object({ otherContactId: z.string().min(1).max(100).describe('the contact merged into this one (it is deleted)') }).strict(),
      response: z.object({ contact: ContactDto, movedConversations: z.number().int() }),
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      const merged = await conversation.records.call.mergeContacts({ tenant: tenant(user), contactId: params.id, otherContactId: body.otherContactId });
      return { contact: contactDto(merged.contact!), movedConversations: merged.movedConversations };
    },
  );

  api.add(
    { method: 'get', path: '/contact-properties', summary: 'The contact properties admins defined', tag: 'contacts', auth: true, response: z.object({ items: z.array(ContactPropertyDto), nextCursor: z.null() }) },
    async ({ user }) => ({ items: (await conversation.records.call.listContactProperties({ tenant: tenant(user) })).properties.map(propertyDto), nextCursor: null }),
  );

  api.add(
    {
      method: 'put',
      path: '/contact-properties/:key',
      summary: 'Define or change a contact property (admins): text, number, date (YYYY-MM-DD) or choice',
      tag: 'contacts',
      auth: true,
      body: z
        .object({ label: z.string().max(100).default(''), type: z.enum(['text', 'number', 'date', 'choice']), options: z.array(z.string().max(100)).max(50).default([]) })
        .strict(),
      response: ContactPropertyDto,
      errors: [403],
    },
    async ({ user, params, body }) =>
      propertyDto((await conversation.records.call.saveContactProperty({ tenant: tenant(user), property: { key: params.key, label: body.label, type: body.type, options: body.options } })).property!),
  );

  api.add(
    { method: 'delete', path: '/contact-properties/:key', summary: 'Delete a contact property definition (admins); values already on contacts stay until removed', tag: 'contacts', auth: true, status: 204, errors: [403, 404] },
    async ({ user, params }) => {
      await conversation.records.call.deleteContactProperty({ tenant: tenant(user), key: params.key });
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
        (await conversation.records.call.createDeal({ tenant: tenant(user), contactId: params.id, conversationId: body.conversationId ?? '', name: body.name, amountMinor: String(body.amount), currency: body.currency })).deal!,
      ),
  );

  api.add(
    {
      method: 'patch',
      path: '/deals/:id',
      summary: 'Move a deal to another stage (won and lost close it), or change its name or amount',
      tag: 'contacts',
      auth: true,
      body: z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          amount: z.number().int().min(0).max(1e13).optional().describe('in minor units (cents, øre)'),
          currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
          stage: z.enum(['open', 'qualified', 'proposal', 'won', 'lost']).optional(),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'send at least one field to change'),
      response: DealDto,
      errors: [404],
    },
    async ({ user, params, body }) =>
      dealDto(
        (
          await conversation.records.call.updateDeal({
            tenant: tenant(user),
            dealId: params.id,
            name: body.name,
            amountMinor: body.amount === undefined ? undefined : String(body.amount),
            currency: body.currency,
            stage: body.stage,
          })
        ).deal!,
      ),
  );

  api.add(
    {
      method: 'put',
      path: '/inboxes/:inboxId/survey',
      summary:
        'Whether the inbox sends the satisfaction survey itself when a conversation closes, at most once per contact in everyDays, and which question its surveys ask (admins only)',
      tag: 'contacts',
      auth: true,
      body: z
        .object({
          onClose: z.boolean(),
          everyDays: z.number().int().min(1).max(365).default(30),
          question: SurveyQuestion.optional().describe('csat: how happy, 1–5; nps: how likely to recommend us, 0–10 (absent: unchanged)'),
        })
        .strict(),
      response: z.object({ onClose: z.boolean(), everyDays: z.number().int(), question: SurveyQuestion }),
      errors: [403, 404],
    },
    async ({ user, params, body }) => {
      const saved = await conversation.records.call.setSurveyOnClose({ tenant: tenant(user), inboxId: params.inboxId, enabled: body.onClose, everyDays: body.everyDays, question: body.question ?? '' });
      return { onClose: saved.enabled, everyDays: saved.everyDays, question: saved.question as z.infer<typeof SurveyQuestion> };
    },
  );

  api.add(
    { method: 'post', path: '/conversations/:id/detach-contact', summary: "Detach the conversation from its contact (it leaves the contact's record)", tag: 'contacts', auth: true, status: 204, errors: [404] },
    async ({ user, params }) => {
      await conversation.records.call.detachContact({ tenant: tenant(user), conversationId: params.id });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/survey',
      summary: "Email the contact a satisfaction survey (a secret link to a one-click page); it asks the inbox's question unless one is given",
      tag: 'contacts',
      auth: true,
      status: 201,
      body: z.object({ question: SurveyQuestion.optional() }).strict().default({}),
      response: z.object({ messageId: z.string() }),
      errors: [404, 409],
    },
    async ({ user, params, body }) => conversation.records.call.sendSurvey({ tenant: tenant(user), conversationId: params.id, linkBase: publicUrl, question: body.question ?? '' }),
  );

  api.add(
    {
      method: 'get',
      path: '/feedback/:token',
      summary: "A survey as its customer sees it (public: the link's token is the key)",
      tag: 'contacts',
      auth: false,
      response: z.object({ inboxName: z.string(), subject: z.string(), question: SurveyQuestion, score: z.number().int().nullable(), comment: z.string() }),
      errors: [404],
    },
    async ({ params }) => {
      const survey = await conversation.records.call.getSurvey({ token: params.token });
      return { inboxName: survey.inboxName, subject: survey.subject, question: survey.question as z.infer<typeof SurveyQuestion>, score: survey.answered ? survey.score : null, comment: survey.comment };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/feedback/:token',
      summary: 'Answer a survey: a score (csat 1–5, nps 0–10) and an optional comment (answering again changes the answer)',
      tag: 'contacts',
      auth: false,
      status: 204,
      body: z.object({ score: z.number().int().min(0).max(10), comment: z.string().max(2000).default('') }).strict(),
      errors: [400, 404],
    },
    async ({ params, body }) => {
      await conversation.records.call.answerSurvey({ token: params.token, score: body.score, comment: body.comment });
    },
  );
}
