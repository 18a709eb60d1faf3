// Accounts, sign-in, users, inboxes, members and channels.
import { DomainError, HttpError, channelNameToProto, z, type ConversationClients } from '@inbox/lib';
import { ChannelType } from '@inbox/lib/gen/inbox/common/v1/common';
import {
  Role,
  type Channel,
  type GetChatflowResponse,
  type Inbox,
  type User,
} from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { TokenService } from '../../auth/token-service';
import type { SignInThrottle } from '../../auth/sign-in-throttle';
import { TICKET_TTL_SECONDS, type RealtimeTickets } from '../../auth/realtime-tickets';
import type { SessionEvents } from '../../auth/session-events';
import type { ApiRoutes } from '../api-route';
import { sessionStarter } from '../../auth/session-starter';
import { WorkingHoursDto } from '../shapes/working-hours.shapes';
import { ROLE_NAMES, tenant } from '../authenticate';

const Id = z.string().min(1).max(100);
const Email = z.email().max(320);
// The full policy (length, common passwords, not the email) is the conversation service's; this is the shape.
const Password = z.string().min(10).max(256);
const RoleName = z.enum(['agent', 'admin', 'superadmin']);
const ROLE_VALUES = { agent: Role.ROLE_AGENT, admin: Role.ROLE_ADMIN, superadmin: Role.ROLE_SUPERADMIN } as const;

export const UserDto = z
  .object({
    id: z.string(),
    accountId: z.string(),
    name: z.string(),
    email: z.string(),
    role: RoleName,
    deactivated: z.boolean(),
    phoneNumber: z.string().nullable().describe('E.164; inbound calls ring this user here'),
    createdAt: z.string(),
  })
  .openapi('User');
const PhoneNumber = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +4712345678');
const Signature = z.string().max(2000).describe("plain text under every reply and new email sent from this address ({agent}: the sender's name); empty removes it");
const RingStrategy = z.enum(['sequential', 'simultaneous']).describe('ring the available agents one after another (least busy first) or all at once');
const RingSeconds = z.number().int().min(5).max(120).describe('how long each ring lasts before the next agent (or voicemail)');
const AccountDto = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).openapi('NewAccount');
const InboxDto = z
  .object({
    id: z.string(),
    name: z.string(),
    memberIds: z.array(z.string()),
    createdAt: z.string(),
    survey: z.object({ onClose: z.boolean(), everyDays: z.number().int(), question: z.enum(['csat', 'nps']) }).describe('the satisfaction survey it sends on close (PUT /inboxes/:id/survey)'),
  })
  .openapi('Inbox');
const ChannelDto = z
  .object({
    id: z.string(),
    inboxId: z.string(),
    type: z.enum(['email', 'chat', 'messenger', 'form', 'phone']),
    name: z.string(),
    address: z.string().optional(),
    widgetId: z.string().optional(),
    formId: z.string().optional(),
    fields: z.array(z.object({ name: z.string(), required: z.boolean() })).optional(),
    pageId: z.string().optional(),
    verifyToken: z.string().optional(),
    phoneNumber: z.string().optional(),
    businessHours: WorkingHoursDto.nullable().optional(),
    preChatEmail: z.enum(['off', 'optional', 'required']).optional(),
    honeypotField: z.string().nullable().optional(),
    createTicket: z.boolean().optional(),
    /** Email: false until an admin enters the code mailed to an address outside the installation's domain; nothing is sent from it until then. */
    verified: z.boolean().optional(),
    signature: z.string().optional(),
    ringStrategy: RingStrategy.optional(),
    ringSeconds: z.number().int().optional(),
    /** Where the outside world reaches this channel: the widget script, the form's POST URL, or the provider's webhook. */
    connectUrl: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi('Channel');

export const userDto = (user: User): z.infer<typeof UserDto> => ({
  id: user.id,
  accountId: user.accountId,
  name: user.name,
  email: user.email,
  role: ROLE_NAMES[user.role] ?? 'agent',
  deactivated: user.deactivated,
  phoneNumber: user.phoneNumber || null,
  createdAt: (user.createdAt ?? new Date(0)).toISOString(),
});
const inboxDto = (inbox: Inbox) => ({
  id: inbox.id,
  name: inbox.name,
  memberIds: inbox.memberIds,
  createdAt: (inbox.createdAt ?? new Date(0)).toISOString(),
  survey: { onClose: inbox.surveyOnClose, everyDays: inbox.surveyEveryDays || 30, question: inbox.surveyQuestion === 'nps' ? ('nps' as const) : ('csat' as const) },
});
function channelDto(channel: Channel, ingestUrl: string): z.infer<typeof ChannelDto> {
  const base = { id: channel.id, inboxId: channel.inboxId, name: channel.name, createdAt: (channel.createdAt ?? new Date(0)).toISOString() };
  switch (channel.type) {
    case ChannelType.CHANNEL_TYPE_EMAIL:
      return { ...base, type: 'email', address: channel.address, verified: channel.verified, signature: channel.signature };
    case ChannelType.CHANNEL_TYPE_CHAT:
      return {
        ...base,
        type: 'chat',
        connectUrl: `${ingestUrl}/ingest/v1/chat/widget.js`,
        widgetId: channel.widgetId,
        businessHours: channel.businessHours ? { timeZone: channel.businessHours.timeZone, periods: channel.businessHours.periods } : null,
        preChatEmail: (channel.preChatEmail || 'optional') as 'off' | 'optional' | 'required',
      };
    case ChannelType.CHANNEL_TYPE_FORM:
      return { ...base, type: 'form', connectUrl: `${ingestUrl}/ingest/v1/forms/${channel.formId}`, formId: channel.formId, fields: channel.fields, honeypotField: channel.honeypotField || null, createTicket: channel.createTicket };
    case ChannelType.CHANNEL_TYPE_MESSENGER:
      return { ...base, type: 'messenger', connectUrl: `${ingestUrl}/ingest/v1/messenger/webhook`, pageId: channel.pageId, verifyToken: channel.verifyToken };
    default:
      return {
        ...base,
        type: 'phone',
        connectUrl: `${ingestUrl}/ingest/v1/calls/${channel.id}/events`,
        phoneNumber: channel.phoneNumber,
        ringStrategy: (channel.ringStrategy || 'sequential') as 'sequential' | 'simultaneous',
        ringSeconds: channel.ringSeconds,
      };
  }
}


export interface AuthServices {
  tokens: TokenService;
  throttle: SignInThrottle;
  tickets: RealtimeTickets;
  sessionEvents: SessionEvents;
}

export function registerDirectoryRoutes(
  api: ApiRoutes,
  conversation: ConversationClients,
  auth: AuthServices,
  options: { signupEnabled: boolean; ingestPublicUrl: string },
): void {
  const toDto = (channel: Channel) => channelDto(channel, options.ingestPublicUrl);
  const { tokens } = auth;
  const startSession = sessionStarter(conversation, tokens);
  const sessionsChanged = (accountId: string, userId: string) => auth.sessionEvents.publish({ accountId, userId });
  api.add(
    {
      method: 'post',
      path: '/accounts',
      summary: 'Sign up: create an account and its first super admin',
      tag: 'accounts',
      auth: false,
      status: 201,
      body: z.object({ accountName: z.string().trim().min(1).max(200), name: z.string().trim().min(1).max(200), email: Email, password: Password }),
      response: z.object({ account: AccountDto, user: UserDto, token: z.string() }),
      errors: [403, 409],
    },
    async ({ body, req }) => {
      if (!options.signupEnabled) throw new HttpError(403, 'signup_disabled', 'sign-up is turned off on this installation');
      const { account, user } = await conversation.directory.call.createAccount(body);
      return {
        account: { id: account!.id, name: account!.name, createdAt: (account!.createdAt ?? new Date(0)).toISOString() },
        user: userDto(user!),
        token: await startSession(account!.id, user!.id, req),
      };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password',
      tag: 'accounts',
      auth: false,
      body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(256) }),
      response: z.object({ token: z.string(), user: UserDto }),
      errors: [401, 429],
    },
    async ({ body, req, res }) => {
      const client = req.ip ?? 'unknown';
      const wait = await auth.throttle.retryAfter(body.email, client);
      if (wait > 0) {
        res.setHeader('retry-after', String(wait));
        throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins; try again in ${wait} s`, { retryAfterSeconds: wait });
      }
      let user: User;
      try {
        user = (await conversation.directory.call.verifyCredentials(body)).user!;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'invalid_credentials') await auth.throttle.failed(body.email, client);
        throw error;
      }
      return { token: await startSession(user.accountId, user.id, req), user: userDto(user) };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/auth/refresh',
      summary: "Renew this token's session: a new token for the same session, valid for another full period",
      tag: 'accounts',
      auth: true,
      response: z.object({ token: z.string(), expiresAt: z.string() }),
    },
    async ({ user }) => {
      const { expiresAt } = await conversation.directory.call.renewSession({ tenant: tenant(user), sessionId: user.sessionId, ttlSeconds: tokens.ttlSeconds });
      return { token: await tokens.issue({ userId: user.id, accountId: user.accountId, sessionId: user.sessionId }), expiresAt: (expiresAt ?? new Date()).toISOString() };
    },
  );

  api.add(
    { method: 'post', path: '/auth/logout', summary: "End this token's session (it stops working at once, its sockets close)", tag: 'accounts', auth: true, status: 204 },
    async ({ user }) => {
      await conversation.directory.call.revokeSession({ tenant: tenant(user), sessionId: user.sessionId });
      sessionsChanged(user.accountId, user.id);
    },
  );

  api.add(
    {
      method: 'put',
      path: '/me/password',
      summary: 'Change your password; every other session of yours ends at once',
      tag: 'accounts',
      auth: true,
      status: 204,
      body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password }),
      errors: [401],
    },
    async ({ user, body }) => {
      await conversation.directory.call.changePassword({ tenant: tenant(user), sessionId: user.sessionId, currentPassword: body.currentPassword, newPassword: body.newPassword });
      sessionsChanged(user.accountId, user.id);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/realtime/tickets',
      summary: 'A single-use ticket (valid 30 s) to open the real-time WebSocket: GET /api/v1/realtime?ticket=',
      tag: 'realtime',
      auth: true,
      status: 201,
      response: z.object({ ticket: z.string(), expiresInSeconds: z.number().int() }),
    },
    async ({ user }) => ({ ticket: await auth.tickets.issue({ accountId: user.accountId, userId: user.id, sessionId: user.sessionId }), expiresInSeconds: TICKET_TTL_SECONDS }),
  );

  api.add(
    {
      method: 'patch',
      path: '/me',
      summary: 'Change your own name and phone number (role and status are for admins: PATCH /users/:id)',
      tag: 'accounts',
      auth: true,
      body: z
        .object({ name: z.string().trim().min(1).max(200).optional(), phoneNumber: PhoneNumber.nullable().optional().describe('null removes it') })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'send name or phoneNumber'),
      response: UserDto,
    },
    async ({ user, body }) => {
      const { user: updated } = await conversation.directory.call.updateUser({
        tenant: tenant(user),
        userId: user.id,
        name: body.name,
        phoneNumber: body.phoneNumber === undefined ? undefined : (body.phoneNumber ?? ''),
        role: Role.ROLE_UNSPECIFIED,
      });
      sessionsChanged(user.accountId, user.id);
      return userDto(updated!);
    },
  );

  api.add(
    { method: 'get', path: '/me', summary: 'The signed-in user', tag: 'accounts', auth: true, response: UserDto },
    async ({ user }) => userDto((await conversation.directory.call.getUser({ tenant: tenant(user), userId: user.id })).user!),
  );

  api.add(
    { method: 'get', path: '/users', summary: "The account's users", tag: 'users', auth: true, response: z.object({ items: z.array(UserDto), nextCursor: z.null() }) },
    async ({ user }) => ({ items: (await conversation.directory.call.listUsers({ tenant: tenant(user) })).users.map(userDto), nextCursor: null }),
  );

  api.add(
    {
      method: 'post',
      path: '/users',
      summary: 'Add a user (admins only)',
      tag: 'users',
      auth: true,
      status: 201,
      body: z.object({ name: z.string().trim().min(1).max(200), email: Email, password: Password, role: RoleName }),
      response: UserDto,
      errors: [403, 409],
    },
    async ({ user, body }) => userDto((await conversation.directory.call.createUser({ tenant: tenant(user), ...body, role: ROLE_VALUES[body.role] })).user!),
  );

  api.add(
    {
      method: 'patch',
      path: '/users/:id',
      summary: 'Change, deactivate or reactivate a user (admins only); deactivating unassigns their open conversations',
      tag: 'users',
      auth: true,
      body: z
        .object({
          deactivated: z.boolean().optional(),
          name: z.string().trim().min(1).max(200).optional(),
          role: RoleName.optional(),
          phoneNumber: PhoneNumber.nullable().optional().describe('null removes it'),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
      response: UserDto,
      errors: [403, 404, 409],
    },
    async ({ user, body, params }) => {
      const { user: updated } = await conversation.directory.call.updateUser({
        tenant: tenant(user),
        userId: Id.parse(params.id),
        deactivated: body.deactivated,
        name: body.name,
        phoneNumber: body.phoneNumber === undefined ? undefined : (body.phoneNumber ?? ''),
        role: body.role ? ROLE_VALUES[body.role] : Role.ROLE_UNSPECIFIED,
      });
      // A role change alters what the user's open sockets may see, a deactivation ends them.
      sessionsChanged(user.accountId, updated!.id);
      return userDto(updated!);
    },
  );

  api.add(
    { method: 'delete', path: '/users/:id', summary: 'Remove a user (admins only); their open conversations become unassigned', tag: 'users', auth: true, status: 204, errors: [403, 404, 409] },
    async ({ user, params }) => {
      await conversation.directory.call.removeUser({ tenant: tenant(user), userId: params.id });
      sessionsChanged(user.accountId, params.id);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/inboxes',
      summary: 'Create an inbox (admins only)',
      tag: 'inboxes',
      auth: true,
      status: 201,
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      response: InboxDto,
      errors: [403],
    },
    async ({ user, body }) => inboxDto((await conversation.directory.call.createInbox({ tenant: tenant(user), name: body.name })).inbox!),
  );

  api.add(
    { method: 'get', path: '/inboxes', summary: "The account's inboxes", tag: 'inboxes', auth: true, response: z.object({ items: z.array(InboxDto), nextCursor: z.null() }) },
    async ({ user }) => ({ items: (await conversation.directory.call.listInboxes({ tenant: tenant(user) })).inboxes.map(inboxDto), nextCursor: null }),
  );

  api.add(
    {
      method: 'post',
      path: '/inboxes/:inboxId/members',
      summary: 'Add a member to an inbox: who routing may assign there (admins only)',
      tag: 'inboxes',
      auth: true,
      body: z.object({ userId: Id }),
      response: InboxDto,
      errors: [403, 404],
    },
    async ({ user, body, params }) => {
      const { inbox } = await conversation.directory.call.addInboxMember({ tenant: tenant(user), inboxId: params.inboxId, userId: body.userId });
      // The new member's open sockets start receiving this inbox now, not at the next sweep.
      sessionsChanged(user.accountId, body.userId);
      return inboxDto(inbox!);
    },
  );

  const TeamDto = z.object({ id: z.string(), name: z.string(), userIds: z.array(z.string()) }).openapi('Team');
  const teamDto = (t: { id: string; name: string; userIds: string[] }): z.infer<typeof TeamDto> => ({ id: t.id, name: t.name, userIds: t.userIds });

  api.add(
    { method: 'get', path: '/teams', summary: "The account's teams", tag: 'teams', auth: true, response: z.object({ items: z.array(TeamDto), nextCursor: z.null() }) },
    async ({ user }) => ({ items: (await conversation.directory.call.listTeams({ tenant: tenant(user) })).teams.map(teamDto), nextCursor: null }),
  );

  api.add(
    {
      method: 'post',
      path: '/teams',
      summary: 'Create a team (admins only); a user may be in several',
      tag: 'teams',
      auth: true,
      status: 201,
      body: z.object({ name: z.string().trim().min(1).max(100), userIds: z.array(Id).max(1000).default([]) }).strict(),
      response: TeamDto,
      errors: [403, 409],
    },
    async ({ user, body }) => teamDto((await conversation.directory.call.createTeam({ tenant: tenant(user), name: body.name, userIds: body.userIds })).team!),
  );

  api.add(
    {
      method: 'patch',
      path: '/teams/:teamId',
      summary: 'Rename a team, or set its members (admins only)',
      tag: 'teams',
      auth: true,
      body: z
        .object({ name: z.string().trim().min(1).max(100).optional(), userIds: z.array(Id).max(1000).optional() })
        .strict()
        .refine((b) => b.name !== undefined || b.userIds !== undefined, 'send name and/or userIds'),
      response: TeamDto,
      errors: [403, 404, 409],
    },
    async ({ user, params, body }) =>
      teamDto((await conversation.directory.call.updateTeam({ tenant: tenant(user), teamId: params.teamId, name: body.name, members: body.userIds && { userIds: body.userIds } })).team!),
  );

  api.add(
    { method: 'delete', path: '/teams/:teamId', summary: 'Delete a team (admins only); its conversations leave it and stay where they are', tag: 'teams', auth: true, status: 204, errors: [403, 404] },
    async ({ user, params }) => {
      await conversation.directory.call.deleteTeam({ tenant: tenant(user), teamId: params.teamId });
    },
  );

  api.add(
    {
      method: 'patch',
      path: '/inboxes/:inboxId',
      summary: 'Rename an inbox (admins only)',
      tag: 'inboxes',
      auth: true,
      body: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
      response: InboxDto,
      errors: [403, 404],
    },
    async ({ user, params, body }) => inboxDto((await conversation.directory.call.updateInbox({ tenant: tenant(user), inboxId: params.inboxId, name: body.name })).inbox!),
  );

  api.add(
    {
      method: 'delete',
      path: '/inboxes/:inboxId',
      summary:
        'Delete an inbox (admins only) with its channels, members and custom views. Nothing is lost: an inbox with conversations is deleted only by moving them to another inbox (moveConversationsTo), else 409 inbox_not_empty',
      tag: 'inboxes',
      auth: true,
      query: z.object({ moveConversationsTo: z.string().min(1).max(100).optional() }).strict(),
      response: z.object({ movedConversations: z.number().int() }),
      errors: [403, 404, 409],
    },
    async ({ user, params, query }) => {
      const members = (await conversation.directory.call.listInboxes({ tenant: tenant(user) })).inboxes.find((i) => i.id === params.inboxId)?.memberIds ?? [];
      const result = await conversation.directory.call.deleteInbox({ tenant: tenant(user), inboxId: params.inboxId, moveConversationsTo: query.moveConversationsTo ?? '' });
      // Former members' open sockets stop receiving the inbox now.
      for (const memberId of members) sessionsChanged(user.accountId, memberId);
      return { movedConversations: result.movedConversations };
    },
  );

  api.add(
    {
      method: 'delete',
      path: '/inboxes/:inboxId/members/:userId',
      summary: "Remove a member from an inbox (admins only); an agent's open conversations there become unassigned",
      tag: 'inboxes',
      auth: true,
      status: 204,
      errors: [403, 404],
    },
    async ({ user, params }) => {
      await conversation.directory.call.removeInboxMember({ tenant: tenant(user), inboxId: params.inboxId, userId: params.userId });
      sessionsChanged(user.accountId, params.userId);
    },
  );

  const ChannelBody = z.discriminatedUnion('type', [
    z.object({ type: z.literal('email'), name: z.string().trim().min(1).max(200), address: Email.optional(), signature: Signature.optional() }),
    z.object({
      type: z.literal('chat'),
      name: z.string().trim().min(1).max(200),
      businessHours: WorkingHoursDto.optional(),
      preChatEmail: z.enum(['off', 'optional', 'required']).optional(),
    }),
    z.object({
      type: z.literal('form'),
      name: z.string().trim().min(1).max(200),
      fields: z.array(z.object({ name: z.string().min(1).max(64), required: z.boolean().default(false) })).max(100).default([]),
      honeypotField: z.string().min(1).max(64).optional(),
      createTicket: z.boolean().default(false),
    }),
    z.object({
      type: z.literal('messenger'),
      name: z.string().trim().min(1).max(200),
      pageId: z.string().regex(/^\d{1,32}$/),
      appSecret: z.string().min(8).max(200),
      pageAccessToken: z.string().min(8).max(1000).optional(),
    }),
    z.object({
      type: z.literal('phone'),
      name: z.string().trim().min(1).max(200),
      phoneNumber: PhoneNumber,
      authToken: z.string().min(8).max(200),
      providerAccountSid: z.string().regex(/^[A-Za-z0-9]{8,64}$/).optional(),
      ringStrategy: RingStrategy.optional(),
      ringSeconds: RingSeconds.optional(),
    }),
  ]);

  api.add(
    {
      method: 'post',
      path: '/inboxes/:inboxId/channels',
      summary: 'Connect a channel to an inbox (admins only); the response tells a client how to reach it',
      tag: 'inboxes',
      auth: true,
      status: 201,
      body: ChannelBody,
      response: ChannelDto,
      errors: [403, 404, 409],
    },
    async ({ user, body, params }) => {
      const request = {
        tenant: tenant(user),
        inboxId: params.inboxId,
        type: channelNameToProto(body.type),
        name: body.name,
        address: body.type === 'email' ? (body.address ?? '') : '',
        fields: body.type === 'form' ? body.fields : [],
        pageId: body.type === 'messenger' ? body.pageId : '',
        appSecret: body.type === 'messenger' ? body.appSecret : '',
        phoneNumber: body.type === 'phone' ? body.phoneNumber : '',
        authToken: body.type === 'phone' ? body.authToken : '',
        pageAccessToken: body.type === 'messenger' ? (body.pageAccessToken ?? '') : '',
        providerAccountSid: body.type === 'phone' ? (body.providerAccountSid ?? '') : '',
        businessHours: body.type === 'chat' ? body.businessHours : undefined,
        preChatEmail: body.type === 'chat' ? (body.preChatEmail ?? '') : '',
        honeypotField: body.type === 'form' ? (body.honeypotField ?? '') : '',
        createTicket: body.type === 'form' ? body.createTicket : false,
        signature: body.type === 'email' ? (body.signature ?? '') : '',
        ringStrategy: body.type === 'phone' ? (body.ringStrategy ?? '') : '',
        ringSeconds: body.type === 'phone' ? (body.ringSeconds ?? 0) : 0,
      };
      return toDto((await conversation.directory.call.createChannel(request)).channel!);
    },
  );

  api.add(
    {
      method: 'patch',
      path: '/channels/:channelId',
      summary:
        "Change a channel (admins only): its name, and what its type has (chat: businessHours (null: always online), preChatEmail; form: fields, honeypotField, createTicket; Messenger: appSecret, pageAccessToken; phone: authToken, providerAccountSid, ringStrategy, ringSeconds; email: signature). Its address or id stays. Ingest sees the change within a minute",
      tag: 'inboxes',
      auth: true,
      body: z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          businessHours: WorkingHoursDto.nullable().optional(),
          preChatEmail: z.enum(['off', 'optional', 'required']).optional(),
          fields: z.array(z.object({ name: z.string().min(1).max(64), required: z.boolean().default(false) })).max(100).optional(),
          honeypotField: z.string().max(64).optional().describe('empty removes it'),
          createTicket: z.boolean().optional(),
          appSecret: z.string().min(8).max(200).optional(),
          pageAccessToken: z.string().min(8).max(1000).optional(),
          authToken: z.string().min(8).max(200).optional(),
          providerAccountSid: z.string().regex(/^[A-Za-z0-9]{8,64}$/).optional(),
          signature: Signature.optional(),
          ringStrategy: RingStrategy.optional(),
          ringSeconds: RingSeconds.optional(),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'send at least one field to change'),
      response: ChannelDto,
      errors: [403, 404],
    },
    async ({ user, params, body }) =>
      toDto(
        (
          await conversation.directory.call.updateChannel({
            tenant: tenant(user),
            channelId: params.channelId,
            name: body.name,
            fields: body.fields && { fields: body.fields },
            businessHours: body.businessHours ?? undefined,
            clearBusinessHours: body.businessHours === null,
            preChatEmail: body.preChatEmail,
            honeypotField: body.honeypotField,
            createTicket: body.createTicket,
            appSecret: body.appSecret,
            pageAccessToken: body.pageAccessToken,
            authToken: body.authToken,
            providerAccountSid: body.providerAccountSid,
            signature: body.signature,
            ringStrategy: body.ringStrategy,
            ringSeconds: body.ringSeconds,
          })
        ).channel!,
      ),
  );

  api.add(
    {
      method: 'delete',
      path: '/channels/:channelId',
      summary: "Delete a channel (admins only). Its conversations stay in their inbox; mail to its address is refused from then on (ingest's cache: within a minute)",
      tag: 'inboxes',
      auth: true,
      status: 204,
      errors: [403, 404],
    },
    async ({ user, params }) => {
      await conversation.directory.call.deleteChannel({ tenant: tenant(user), channelId: params.channelId });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/channels/:channelId/verify',
      summary: 'Prove control of an email channel outside the installation\'s domain with the code mailed to it (admins only); sending from it is allowed after',
      tag: 'inboxes',
      auth: true,
      body: z.object({ code: z.string().trim().min(4).max(32) }),
      response: ChannelDto,
      errors: [403, 404, 409],
    },
    async ({ user, params, body }) => toDto((await conversation.directory.call.verifyChannel({ tenant: tenant(user), channelId: params.channelId, code: body.code })).channel!),
  );

  api.add(
    { method: 'get', path: '/inboxes/:inboxId/channels', summary: "An inbox's channels", tag: 'inboxes', auth: true, response: z.object({ items: z.array(ChannelDto), nextCursor: z.null() }) },
    async ({ user, params }) => ({
      items: (await conversation.directory.call.listChannels({ tenant: tenant(user), inboxId: params.inboxId })).channels.map(toDto),
      nextCursor: null,
    }),
  );

  const Step = z
    .object({
      id: z.string().min(1).max(40),
      say: z.string().max(2000).default(''),
      options: z.array(z.object({ label: z.string().min(1).max(100), next: z.string().min(1).max(40) }).strict()).max(10).default([]),
      ask: z.string().max(64).optional(),
      next: z.string().max(40).optional(),
      handoff: z.boolean().default(false),
    })
    .strict();
  const ChatflowDto = z
    .object({ id: z.string(), channelId: z.string(), name: z.string(), enabled: z.boolean(), steps: z.array(Step) })
    .openapi('Chatflow');
  const chatflowDto = (flow: NonNullable<GetChatflowResponse['chatflow']>) => ({
    id: flow.id,
    channelId: flow.channelId,
    name: flow.name,
    enabled: flow.enabled,
    steps: flow.steps.map((step) => ({ id: step.id, say: step.say, options: step.options, ...(step.ask ? { ask: step.ask } : {}), ...(step.next ? { next: step.next } : {}), handoff: step.handoff })),
  });

  api.add(
    {
      method: 'put',
      path: '/channels/:channelId/chatflow',
      summary: "Set a chat channel's bot (admins only): steps that greet, offer options, ask questions and hand the chat to the team",
      tag: 'inboxes',
      auth: true,
      body: z.object({ name: z.string().min(1).max(100), enabled: z.boolean().default(true), steps: z.array(Step).min(1).max(50) }).strict(),
      response: ChatflowDto,
      errors: [403, 404, 409],
    },
    async ({ user, params, body }) => {
      const { chatflow } = await conversation.assist.call.setChatflow({
        tenant: tenant(user),
        channelId: params.channelId,
        name: body.name,
        enabled: body.enabled,
        steps: body.steps.map((step) => ({ ...step, ask: step.ask ?? '', next: step.next ?? '' })),
      });
      return chatflowDto(chatflow!);
    },
  );

  api.add(
    { method: 'get', path: '/channels/:channelId/chatflow', summary: "A chat channel's bot", tag: 'inboxes', auth: true, response: ChatflowDto, errors: [404, 409] },
    async ({ user, params }) => {
      const { chatflow } = await conversation.assist.call.getChatflow({ tenant: tenant(user), channelId: params.channelId });
      if (!chatflow) throw new HttpError(404, 'chatflow_not_found', 'this channel has no chatflow');
      return chatflowDto(chatflow);
    },
  );
}
