// Conversions between the generated proto types and the domain, kept at the edge.
import { InvalidArgumentError, channelNameOf, channelNameToProto } from '@inbox/lib';
import type { ChannelType as ProtoChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import type { Tenant } from '@inbox/lib/gen/inbox/common/v1/common';
import { Role as ProtoRole, type Channel as ProtoChannel, type Inbox as ProtoInbox, type User as ProtoUser } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import { DEFAULT_RING_SECONDS, type Actor, type Channel, type ChannelType, type Inbox, type Role, type User } from '../modules/directory';

export function actorFrom(tenant: Tenant | undefined): Actor {
  if (!tenant?.accountId || !tenant.userId) throw new InvalidArgumentError('tenant_required', 'tenant account and user are required');
  return { accountId: tenant.accountId, userId: tenant.userId };
}

const ROLE_TO_PROTO: Record<Role, ProtoRole> = { agent: ProtoRole.ROLE_AGENT, admin: ProtoRole.ROLE_ADMIN, superadmin: ProtoRole.ROLE_SUPERADMIN };

export function roleToProto(role: Role): ProtoRole {
  return ROLE_TO_PROTO[role];
}

export function roleFromProto(role: ProtoRole): Role | undefined {
  return (Object.entries(ROLE_TO_PROTO) as [Role, ProtoRole][]).find(([, p]) => p === role)?.[0];
}

export function channelTypeToProto(type: ChannelType): ProtoChannelType {
  return channelNameToProto(type);
}

export function channelTypeFromProto(type: ProtoChannelType): ChannelType {
  const found = channelNameOf(type);
  if (!found) throw new InvalidArgumentError('invalid_channel_type', 'channel type is missing or unknown');
  return found;
}

export function userToProto(user: User): ProtoUser {
  return { ...user, role: ROLE_TO_PROTO[user.role], phoneNumber: user.phoneNumber ?? '' };
}

export function inboxToProto(inbox: Inbox): ProtoInbox {
  const survey = inbox.survey ?? { onClose: false, everyDays: 30, question: 'csat' };
  return { id: inbox.id, accountId: inbox.accountId, name: inbox.name, createdAt: inbox.createdAt, memberIds: inbox.memberIds, surveyOnClose: survey.onClose, surveyEveryDays: survey.everyDays, surveyQuestion: survey.question };
}

export function channelToProto(channel: Channel): ProtoChannel {
  const key = channel.lookupKey;
  return {
    id: channel.id,
    accountId: channel.accountId,
    inboxId: channel.inboxId,
    type: channelTypeToProto(channel.type),
    name: channel.name,
    address: channel.type === 'email' ? key : '',
    widgetId: channel.type === 'chat' ? key : '',
    formId: channel.type === 'form' ? key : '',
    fields: channel.settings.fields ?? [],
    pageId: channel.type === 'messenger' ? key : '',
    verifyToken: channel.settings.verifyToken ?? '',
    phoneNumber: channel.type === 'phone' ? key : '',
    createdAt: channel.createdAt,
    businessHours: channel.settings.businessHours,
    preChatEmail: channel.type === 'chat' ? (channel.settings.preChatEmail ?? 'optional') : '',
    honeypotField: channel.settings.honeypotField ?? '',
    createTicket: channel.settings.createTicket ?? false,
    verified: channel.verified,
    signature: channel.type === 'email' ? (channel.settings.signature ?? '') : '',
    ringStrategy: channel.type === 'phone' ? (channel.settings.ringStrategy ?? 'sequential') : '',
    ringSeconds: channel.type === 'phone' ? (channel.settings.ringSeconds ?? DEFAULT_RING_SECONDS) : 0,
  };
}
