// The RecordsService of the conversation service's records module: validated requests in, use cases, proto responses out.
import { InvalidArgumentError, type UnaryHandlers } from '@inbox/lib';
import type { RecordsServiceService } from '@inbox/lib/gen/inbox/conversation/v1/records';
import type { ConversationUseCases } from './use-cases';
import { actorFrom } from '../proto-mapping';

export function recordsGrpcHandlers(u: ConversationUseCases): UnaryHandlers<typeof RecordsServiceService> {
  return {
    async findCallerOwner(request) {
      if (!request.accountId || !request.phoneNumber) throw new InvalidArgumentError('caller_required', 'account_id and phone_number are required');
      return { ownerId: (await u.queries.callerOwner(request.accountId, request.phoneNumber)) ?? '' };
    },

    async createDeal(request) {
      return { deal: await u.createDeal.execute(actorFrom(request.tenant), request) };
    },

    async detachContact(request) {
      await u.detachContact.execute(actorFrom(request.tenant), request.conversationId);
      return {};
    },

    async sendSurvey(request) {
      return { messageId: await u.surveys.send(actorFrom(request.tenant), request.conversationId, request.linkBase, request.question) };
    },

    async getSurvey(request) {
      return u.surveys.get(request.token);
    },

    async answerSurvey(request) {
      await u.surveys.answer(request.token, request.score, request.comment);
      return {};
    },

    async createTicket(request) {
      const actor = actorFrom(request.tenant);
      const id = await u.createTicket.execute(actor, request.conversationId, request.title);
      return { ticket: (await u.queries.tickets(actor.accountId, { ticketId: id }))[0] };
    },

    async listTickets(request) {
      const actor = actorFrom(request.tenant);
      await u.queries.summary(actor.accountId, request.conversationId);
      return { tickets: await u.queries.tickets(actor.accountId, { conversationId: request.conversationId }) };
    },

    async updateTicket(request) {
      const actor = actorFrom(request.tenant);
      await u.updateTicket.execute(actor, request.ticketId, { status: request.status || undefined, title: request.title });
      return { ticket: (await u.queries.tickets(actor.accountId, { ticketId: request.ticketId }))[0] };
    },

    async getContact(request) {
      const actor = actorFrom(request.tenant);
      return { contact: await u.queries.contact(actor.accountId, request.contactId) };
    },

    async updateContact(request) {
      const actor = actorFrom(request.tenant);
      await u.updateContact.execute(actor, request.contactId, {
        name: request.name,
        emails: request.emails?.values,
        phones: request.phones?.values,
        ownerId: request.ownerId,
        setProperties: request.setProperties,
        removeProperties: request.removeProperties,
      });
      return { contact: await u.queries.contact(actor.accountId, request.contactId) };
    },

    async mergeContacts(request) {
      const actor = actorFrom(request.tenant);
      const movedConversations = await u.mergeContacts.execute(actor, request.contactId, request.otherContactId);
      return { contact: await u.queries.contact(actor.accountId, request.contactId), movedConversations };
    },

    async updateDeal(request) {
      const deal = await u.updateDeal.execute(actorFrom(request.tenant), request.dealId, {
        name: request.name,
        amountMinor: request.amountMinor,
        currency: request.currency,
        stage: request.stage,
      });
      return { deal };
    },

    async setSurveyOnClose(request) {
      const saved = await u.surveySettings.set(actorFrom(request.tenant), request.inboxId, request.enabled, request.everyDays, request.question);
      return saved;
    },

    async findContacts(request) {
      return { contacts: await u.findContacts.execute(actorFrom(request.tenant), request.query, request.limit) };
    },

    async listContactProperties(request) {
      return { properties: await u.contactProperties.list(actorFrom(request.tenant)) };
    },

    async saveContactProperty(request) {
      const property = request.property ?? { key: '', label: '', type: '', options: [] };
      return { property: await u.contactProperties.save(actorFrom(request.tenant), property) };
    },

    async deleteContactProperty(request) {
      await u.contactProperties.remove(actorFrom(request.tenant), request.key);
      return {};
    },
  };
}
