// Response shapes of conversations on the API (OpenAPI schemas) and the mappers from the
// conversation service's messages to them, used by the routes and the real-time frames.
import { channelType, conversationStatus, messageDirection, z } from '@inbox/lib';
import type { ConversationSummary, GetConversationResponse } from '@inbox/lib/gen/inbox/conversation/v1/conversation';

const Address = z.object({ name: z.string(), address: z.string() });
export const ConversationItem = z
  .object({
    id: z.string(),
    inboxId: z.string(),
    status: z.enum(['open', 'closed']),
    channel: z.enum(['email', 'chat', 'messenger', 'form', 'phone']).describe('where it came from; its channel view follows this'),
    replyChannel: z.enum(['email']).nullable().describe('where replies go when not on its own channel (a chat answered by email)'),
    teamId: z.string().nullable().describe('the team it belongs to'),
    subject: z.string(),
    preview: z.string(),
    contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }).nullable(),
    participantCount: z.number().int(),
    assignee: z.object({ id: z.string(), name: z.string(), deactivated: z.boolean() }).nullable(),
    lastMessageAt: z.string(),
    lastMessageDirection: z.enum(['inbound', 'outbound']),
    commentPreview: z.string().nullable(),
    filtered: z.boolean(),
    filteredReason: z.string().nullable(),
    trashedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    sla: z
      .object({
        target: z.enum(['first_response', 'next_response', 'resolution']),
        dueAt: z.string().nullable().describe('null while resolution waits on the customer'),
        atRiskAt: z.string().nullable().describe('when 75% of the target is used'),
        paused: z.boolean(),
      })
      .nullable()
      .describe("the inbox's service-level target due first; null when none runs"),
  })
  .openapi('ConversationListItem');

export const CallDto = z
  .object({
    callSid: z.string().nullable(),
    direction: z.enum(['inbound', 'outbound']),
    from: z.string(),
    to: z.string(),
    status: z.string(),
    durationSeconds: z.number(),
    recordingUrl: z.string().nullable(),
    transcript: z.string().nullable(),
    missed: z.boolean(),
    answeredBy: z.string().nullable().describe('the user whose phone picked up the inbound call'),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .openapi('Call');

export const MessageDto = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    channel: z.string(),
    from: Address,
    to: z.array(Address),
    cc: z.array(Address),
    bcc: z.array(Address).describe('outbound email: blind copies'),
    subject: z.string(),
    text: z.string(),
    replyText: z.string(),
    html: z.string().nullable(),
    fields: z.record(z.string(), z.string()),
    messageId: z.string().nullable(),
    inReplyTo: z.array(z.string()),
    references: z.array(z.string()),
    attachments: z.array(
      z.object({
        id: z.string(),
        filename: z.string(),
        contentType: z.string(),
        size: z.number(),
        contentId: z.string().nullable(),
        inline: z.boolean(),
        url: z.string(),
        /** Present when the bytes were never kept (the source URL was refused or failed): why. Downloading answers 410. */
        unavailableReason: z.string().optional(),
      }),
    ),
    hidden: z.boolean(),
    hiddenBy: z.string().nullable(),
    authorUserId: z.string().nullable(),
    deliveryStatus: z.string().nullable(),
    deliveryError: z.string().nullable(),
    authentication: z.object({ spf: z.string(), dkim: z.string(), dmarc: z.string(), aligned: z.boolean() }).nullable(),
    permalink: z.string(),
    createdAt: z.string(),
  })
  .openapi('Message');

export const CommentDto = z
  .object({ id: z.string(), authorId: z.string(), authorName: z.string(), text: z.string(), mentionedUserIds: z.array(z.string()), createdAt: z.string() })
  .openapi('Comment');

export const iso = (date: Date | undefined) => (date ?? new Date(0)).toISOString();

export function conversationItem(c: ConversationSummary): z.infer<typeof ConversationItem> {
  return {
    id: c.id,
    inboxId: c.inboxId,
    status: conversationStatus.nameOf(c.status, c.statusName) ?? 'open',
    channel: channelType.nameOf(c.channel, c.channelName) ?? 'email',
    replyChannel: channelType.nameOf(c.replyChannel, c.replyChannelName) === 'email' ? 'email' : null,
    teamId: c.teamId || null,
    subject: c.subject,
    preview: c.preview,
    contact: c.contact ? { id: c.contact.id, name: c.contact.name, email: c.contact.email || null } : null,
    participantCount: c.participantCount,
    assignee: c.assignee ? { id: c.assignee.id, name: c.assignee.name, deactivated: c.assignee.deactivated } : null,
    lastMessageAt: iso(c.lastMessageAt),
    lastMessageDirection: messageDirection.nameOf(c.lastMessageDirection, c.lastMessageDirectionName) ?? 'inbound',
    commentPreview: c.commentPreview || null,
    filtered: c.filtered,
    filteredReason: c.filteredReason || null,
    trashedAt: c.trashedAt ? c.trashedAt.toISOString() : null,
    version: Number(c.version),
    createdAt: iso(c.createdAt),
    sla: c.slaTarget
      ? {
          target: c.slaTarget as 'first_response' | 'next_response' | 'resolution',
          dueAt: c.slaDueAt ? c.slaDueAt.toISOString() : null,
          atRiskAt: c.slaWarnAt ? c.slaWarnAt.toISOString() : null,
          paused: c.slaPaused,
        }
      : null,
  };
}

export function conversationDetail(detail: GetConversationResponse, publicUrl: string) {
  const conversation = conversationItem(detail.conversation!);
  return {
    ...conversation,
    messages: detail.messages.map((m) => ({
      id: m.id,
      direction: messageDirection.nameOf(m.direction, m.directionName) ?? 'inbound',
      channel: channelType.nameOf(m.channel, m.channelName) ?? m.channelName,
      from: m.from ?? { name: '', address: '' },
      to: m.to,
      cc: m.cc,
      bcc: m.bcc,
      subject: m.subject,
      text: m.text,
      replyText: m.replyText,
      html: m.html || null,
      fields: m.fields,
      messageId: m.rfcMessageId || null,
      inReplyTo: m.inReplyTo,
      references: m.references,
      attachments: m.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        contentType: a.contentType,
        size: Number(a.size),
        contentId: a.contentId || null,
        inline: a.inline,
        url: `/api/v1/attachments/${a.id}`,
        ...(a.unavailableReason ? { unavailableReason: a.unavailableReason } : {}),
      })),
      hidden: m.hidden,
      hiddenBy: m.hiddenBy || null,
      authorUserId: m.authorUserId || null,
      deliveryStatus: m.deliveryStatus || null,
      deliveryError: m.deliveryError || null,
      authentication: m.authentication ?? null,
      permalink: `${publicUrl}/conversations/${m.conversationId || conversation.id}#message-${m.id}`,
      createdAt: iso(m.createdAt),
    })),
    comments: detail.comments.map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
    call: detail.call
      ? {
          ...detail.call,
          directionName: undefined,
          direction: messageDirection.nameOf(detail.call.direction, detail.call.directionName) ?? 'inbound',
          callSid: detail.call.callSid || null,
          recordingUrl: detail.call.recordingUrl || null,
          transcript: detail.call.transcript || null,
          answeredBy: detail.call.answeredBy || null,
          startedAt: iso(detail.call.startedAt),
          endedAt: detail.call.endedAt ? iso(detail.call.endedAt) : null,
        }
      : null,
  };
}
