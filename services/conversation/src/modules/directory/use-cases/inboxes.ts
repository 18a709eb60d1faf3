// Admins create inboxes, choose who works in them, and connect channels.
import { createHash, randomBytes } from 'node:crypto';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  newId,
  isEmailAddress,
  validateWorkingHours,
  changedFields,
  withTransaction,
  type AuditTrail,
  type Logger,
  type PoolClient,
  type WorkingHours,
} from '@inbox/lib';
import { DEFAULT_RING_SECONDS, MAX_SIGNATURE_LENGTH, emailAddressKey, emailDomainOf, type Actor, type Channel, type ChannelType, type FormField, type Inbox } from '../domain/directory';
import type { DirectoryStore } from './directory-store';
import { E164 } from '../../../domain/calls';
import { requireActor } from './users';

export class CreateInbox {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, input: { name: string }): Promise<Inbox> {
    await requireActor(this.directory, actor, 'admin');
    const name = input.name.trim();
    if (!name || name.length > 200) throw new InvalidArgumentError('invalid_name', 'name must have 1 to 200 characters');
    const inbox: Inbox = { id: newId('inb'), accountId: actor.accountId, name, createdAt: new Date(), memberIds: [] };
    await withTransaction(this.directory.pool, async (tx) => {
      await this.directory.insertInbox(tx, inbox);
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'inbox.created', targetType: 'inbox', targetId: inbox.id, changes: { name: { before: null, after: name } } });
    });
    return inbox;
  }
}

export class AddInboxMember {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, inboxId: string, userId: string): Promise<Inbox> {
    await requireActor(this.directory, actor, 'admin');
    const [inbox] = await this.directory.listInboxes(actor.accountId, inboxId);
    if (!inbox) throw new NotFoundError('inbox_not_found', 'no such inbox');
    const user = await this.directory.findUser(actor.accountId, userId);
    if (!user || user.removed) throw new NotFoundError('user_not_found', 'no such user');
    if (!inbox.memberIds.includes(userId)) {
      await withTransaction(this.directory.pool, async (tx) => {
        await this.directory.addMember(actor.accountId, inboxId, userId, tx);
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'inbox.member_added', targetType: 'inbox', targetId: inboxId, detail: { userId } });
      });
    }
    const [updated] = await this.directory.listInboxes(actor.accountId, inboxId);
    return updated;
  }
}

/** An admin proves control of an email address outside the installation's domain with the mailed code. */
export class VerifyChannel {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, channelId: string, code: string): Promise<Channel> {
    await requireActor(this.directory, actor, 'admin');
    const channel = await this.directory.findChannel(actor.accountId, channelId);
    if (!channel) throw new NotFoundError('channel_not_found', 'no such channel');
    if (channel.verified) return channel;
    const attempt = await this.directory.tryVerificationCode(actor.accountId, channelId, hashCode(code), VERIFICATION_ATTEMPTS);
    if (attempt === 'exhausted') throw new FailedPreconditionError('verification_locked', 'too many wrong codes; remove the channel and add it again for a new code');
    if (attempt === 'wrong') throw new InvalidArgumentError('invalid_code', 'the code is wrong');
    await this.audit.record(this.directory.pool, { accountId: actor.accountId, actorUserId: actor.userId, action: 'channel.verified', targetType: 'channel', targetId: channelId, changes: { verified: { before: false, after: true } } });
    return { ...channel, verified: true };
  }
}

export interface CreateChannelInput {
  type: ChannelType;
  name: string;
  address?: string;
  fields?: FormField[];
  pageId?: string;
  appSecret?: string;
  phoneNumber?: string;
  authToken?: string;
  pageAccessToken?: string;
  providerAccountSid?: string;
  businessHours?: WorkingHours;
  preChatEmail?: string;
  honeypotField?: string;
  createTicket?: boolean;
  signature?: string;
  ringStrategy?: string;
  ringSeconds?: number;
}

const FIELD_NAME = /^[A-Za-z][\w.-]{0,63}$/;
const token = (bytes = 12) => randomBytes(bytes).toString('base64url');

/** Mails the one-time code that proves an admin controls an email address. */
export interface VerificationMailer {
  sendChannelCode(to: string, code: string, channelName: string): Promise<void>;
}

const VERIFICATION_ATTEMPTS = 5;
const hashCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

export class CreateChannel {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly mailDomain: string,
    private readonly mailer: VerificationMailer,
    private readonly logger: Logger,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, inboxId: string, input: CreateChannelInput): Promise<Channel> {
    await requireActor(this.directory, actor, 'admin');
    const [inbox] = await this.directory.listInboxes(actor.accountId, inboxId);
    if (!inbox) throw new NotFoundError('inbox_not_found', 'no such inbox');
    const name = input.name.trim();
    if (!name) throw new InvalidArgumentError('invalid_name', 'name is required');
    const { lookupKey, settings, secret, sendToken } = shapeChannel(input, name, this.mailDomain);
    const ownDomain = input.type !== 'email' || emailDomainOf(lookupKey) === this.mailDomain.toLowerCase();
    const code = ownDomain ? null : randomBytes(5).toString('hex').toUpperCase();
    const channel: Channel = { id: newId('chn'), accountId: actor.accountId, inboxId, type: input.type, name, lookupKey, settings, createdAt: new Date(), verified: ownDomain };
    const ownership = input.type === 'email' ? { addressKey: emailAddressKey(lookupKey), verificationCodeHash: code ? hashCode(code) : null } : undefined;
    await withTransaction(this.directory.pool, async (tx) => {
      if (!(await this.directory.insertChannel(channel, secret, sendToken ?? null, ownership, tx))) {
        // One answer whoever holds the identifier, so creating channels cannot probe other accounts.
        throw new AlreadyExistsError('channel_identifier_unavailable', `this ${input.type === 'email' ? 'address' : 'identifier'} cannot be connected`);
      }
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'channel.created',
        targetType: 'channel',
        targetId: channel.id,
        changes: changedFields({} as Partial<Channel>, channel, ['type', 'name', 'lookupKey', 'inboxId']),
      });
    });
    if (code) {
      await this.mailer.sendChannelCode(lookupKey, code, name).catch((error: Error) => {
        this.logger.warn({ err: error, channelId: channel.id }, 'channel verification mail not sent');
      });
    }
    return channel;
  }

}

/** A channel's key, settings and secrets from what an admin gave, each checked. */
function shapeChannel(input: CreateChannelInput, name: string, mailDomain: string): { lookupKey: string; settings: Channel['settings']; secret: string | null; sendToken?: string } {
    switch (input.type) {
      case 'email': {
        const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'inbox';
        const address = (input.address?.trim() || `${slug}-${randomBytes(3).toString('hex')}@${mailDomain}`).toLowerCase();
        if (!isEmailAddress(address)) throw new InvalidArgumentError('invalid_address', 'address is not a valid email address');
        const signature = input.signature?.trim() ?? '';
        if (signature.length > MAX_SIGNATURE_LENGTH) throw new InvalidArgumentError('invalid_signature', `a signature has at most ${MAX_SIGNATURE_LENGTH} characters`);
        return { lookupKey: address, settings: signature ? { signature } : {}, secret: null };
      }
      case 'chat': {
        const preChatEmail = input.preChatEmail || 'optional';
        if (preChatEmail !== 'off' && preChatEmail !== 'optional' && preChatEmail !== 'required') {
          throw new InvalidArgumentError('invalid_pre_chat_email', 'preChatEmail must be off, optional or required');
        }
        const businessHours = input.businessHours ? validateWorkingHours(input.businessHours) : undefined;
        return { lookupKey: `wgt_${token()}`, settings: { preChatEmail, ...(businessHours ? { businessHours } : {}) }, secret: null };
      }
      case 'form': {
        const fields = input.fields ?? [];
        const names = new Set<string>();
        for (const field of fields) {
          if (!FIELD_NAME.test(field.name)) throw new InvalidArgumentError('invalid_field', `field name ${JSON.stringify(field.name)} is not allowed`);
          if (names.has(field.name)) throw new InvalidArgumentError('duplicate_field', `field ${field.name} is listed twice`);
          names.add(field.name);
        }
        const honeypotField = input.honeypotField || undefined;
        if (honeypotField && (!FIELD_NAME.test(honeypotField) || names.has(honeypotField))) {
          throw new InvalidArgumentError('invalid_honeypot_field', 'the honeypot field needs a valid name that is not one of the form fields');
        }
        return { lookupKey: `frm_${token()}`, settings: { fields, ...(honeypotField ? { honeypotField } : {}), ...(input.createTicket ? { createTicket: true } : {}) }, secret: null };
      }
      case 'messenger': {
        if (!input.pageId || !/^\d{1,32}$/.test(input.pageId)) throw new InvalidArgumentError('invalid_page_id', 'pageId must be the numeric Facebook page id');
        if (!input.appSecret || input.appSecret.length < 8) throw new InvalidArgumentError('invalid_app_secret', 'appSecret is required');
        if (input.pageAccessToken !== undefined && (input.pageAccessToken.length < 8 || input.pageAccessToken.length > 1000)) {
          throw new InvalidArgumentError('invalid_page_access_token', 'pageAccessToken must have 8 to 1000 characters');
        }
        return { lookupKey: input.pageId, settings: { verifyToken: token(18) }, secret: input.appSecret, sendToken: input.pageAccessToken };
      }
      case 'phone': {
        if (!input.phoneNumber || !E164.test(input.phoneNumber)) throw new InvalidArgumentError('invalid_phone_number', 'phoneNumber must be in E.164 form, e.g. +4712345678');
        if (!input.authToken || input.authToken.length < 8) throw new InvalidArgumentError('invalid_auth_token', "the provider's authToken is required");
        if (input.providerAccountSid !== undefined && !/^[A-Za-z0-9]{8,64}$/.test(input.providerAccountSid)) {
          throw new InvalidArgumentError('invalid_provider_account_sid', 'providerAccountSid must be 8 to 64 letters and digits');
        }
        const ringStrategy = input.ringStrategy ?? 'sequential';
        if (ringStrategy !== 'sequential' && ringStrategy !== 'simultaneous') throw new InvalidArgumentError('invalid_ring_strategy', 'ringStrategy must be sequential or simultaneous');
        const ringSeconds = input.ringSeconds ?? DEFAULT_RING_SECONDS;
        if (!Number.isInteger(ringSeconds) || ringSeconds < 5 || ringSeconds > 120) throw new InvalidArgumentError('invalid_ring_seconds', 'ringSeconds must be a whole number from 5 to 120');
        return {
          lookupKey: input.phoneNumber,
          settings: { ...(input.providerAccountSid ? { providerAccountSid: input.providerAccountSid } : {}), ringStrategy, ringSeconds },
          secret: input.authToken,
        };
      }
    }
}

export class UpdateInbox {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, inboxId: string, input: { name: string }): Promise<Inbox> {
    await requireActor(this.directory, actor, 'admin');
    const name = input.name.trim();
    if (!name || name.length > 200) throw new InvalidArgumentError('invalid_name', 'name must have 1 to 200 characters');
    const [before] = await this.directory.listInboxes(actor.accountId, inboxId);
    if (!before) throw new NotFoundError('inbox_not_found', 'no such inbox');
    await withTransaction(this.directory.pool, async (tx) => {
      if (!(await this.directory.renameInbox(actor.accountId, inboxId, name, tx))) throw new NotFoundError('inbox_not_found', 'no such inbox');
      if (before.name !== name) {
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'inbox.updated', targetType: 'inbox', targetId: inboxId, changes: { name: { before: before.name, after: name } } });
      }
    });
    const [inbox] = await this.directory.listInboxes(actor.accountId, inboxId);
    return inbox;
  }
}

/** What happens to an inbox's conversations when the inbox or a membership goes (the conversations module does it). */
export interface InboxConversations {
  /** Moves every conversation to another inbox, announcing each; returns how many moved. */
  moveConversations(tx: PoolClient, accountId: string, fromInboxId: string, toInboxId: string): Promise<number>;
  countConversations(tx: PoolClient, accountId: string, inboxId: string): Promise<number>;
  /** Unassigns the user's open conversations (of one inbox, when named), announcing each. */
  releaseAssignments(accountId: string, userId: string, tx: PoolClient, inboxId?: string): Promise<void>;
}

/**
 * Deleting an inbox loses no conversation: one with conversations is deleted only by moving them
 * to another inbox. Its channels, memberships and custom views go with it.
 */
export class DeleteInbox {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly conversations: InboxConversations,
    private readonly onCommitted: () => void,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, inboxId: string, moveConversationsTo?: string): Promise<number> {
    await requireActor(this.directory, actor, 'admin');
    if (moveConversationsTo === inboxId) throw new InvalidArgumentError('same_inbox', 'move the conversations to another inbox');
    const moved = await withTransaction(this.directory.pool, async (tx) => {
      if (!(await this.directory.lockInbox(tx, actor.accountId, inboxId))) throw new NotFoundError('inbox_not_found', 'no such inbox');
      if (moveConversationsTo && !(await this.directory.lockInbox(tx, actor.accountId, moveConversationsTo))) {
        throw new NotFoundError('target_inbox_not_found', 'no such inbox to move the conversations to');
      }
      const count = await this.conversations.countConversations(tx, actor.accountId, inboxId);
      if (count > 0 && !moveConversationsTo) {
        throw new FailedPreconditionError('inbox_not_empty', `the inbox has ${count} conversations; name an inbox to move them to (moveConversationsTo)`, { conversations: count });
      }
      const n = count > 0 ? await this.conversations.moveConversations(tx, actor.accountId, inboxId, moveConversationsTo!) : 0;
      await this.directory.deleteInbox(tx, actor.accountId, inboxId);
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'inbox.deleted', targetType: 'inbox', targetId: inboxId, detail: { conversationsMovedTo: moveConversationsTo ?? null, conversationsMoved: n } });
      return n;
    });
    this.onCommitted();
    return moved;
  }
}

/** A member leaves an inbox: their open conversations there become unassigned (routing offers them to others). */
export class RemoveInboxMember {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly conversations: InboxConversations,
    private readonly onCommitted: () => void,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, inboxId: string, userId: string): Promise<Inbox> {
    await requireActor(this.directory, actor, 'admin');
    await withTransaction(this.directory.pool, async (tx) => {
      if (!(await this.directory.lockInbox(tx, actor.accountId, inboxId))) throw new NotFoundError('inbox_not_found', 'no such inbox');
      if (!(await this.directory.removeMember(tx, actor.accountId, inboxId, userId))) throw new NotFoundError('member_not_found', 'that user is not a member of this inbox');
      const user = await this.directory.findUser(actor.accountId, userId, tx);
      // Admins see every inbox: their conversations there stay theirs.
      if (user && user.role === 'agent') await this.conversations.releaseAssignments(actor.accountId, userId, tx, inboxId);
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'inbox.member_removed', targetType: 'inbox', targetId: inboxId, detail: { userId } });
    });
    this.onCommitted();
    const [inbox] = await this.directory.listInboxes(actor.accountId, inboxId);
    return inbox;
  }
}

export interface ChannelChanges {
  name?: string;
  fields?: FormField[];
  /** null clears them (the widget is always online). */
  businessHours?: WorkingHours | null;
  preChatEmail?: string;
  honeypotField?: string;
  createTicket?: boolean;
  appSecret?: string;
  pageAccessToken?: string;
  authToken?: string;
  providerAccountSid?: string;
  signature?: string;
  ringStrategy?: string;
  ringSeconds?: number;
}

const KEEP_SECRET = 'kept-secret';

/** Changes a channel's name and settings, checked as when it was created; its address or id stays. */
export class UpdateChannel {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly mailDomain: string,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, channelId: string, changes: ChannelChanges): Promise<Channel> {
    await requireActor(this.directory, actor, 'admin');
    const channel = await this.directory.findChannel(actor.accountId, channelId);
    if (!channel) throw new NotFoundError('channel_not_found', 'no such channel');
    const wrongType = (Object.keys(changes) as (keyof ChannelChanges)[]).find((key) => changes[key] !== undefined && !CHANGEABLE[channel.type].includes(key));
    if (wrongType) throw new InvalidArgumentError('not_a_setting_of_this_channel', `a ${channel.type} channel has no ${wrongType}`, { field: wrongType });
    const name = (changes.name ?? channel.name).trim();
    if (!name || name.length > 200) throw new InvalidArgumentError('invalid_name', 'name must have 1 to 200 characters');
    const current = channel.settings;
    const shaped = shapeChannel(
      {
        type: channel.type,
        name,
        address: channel.lookupKey,
        pageId: channel.lookupKey,
        phoneNumber: channel.lookupKey,
        fields: changes.fields ?? current.fields,
        businessHours: changes.businessHours === null ? undefined : (changes.businessHours ?? current.businessHours),
        preChatEmail: changes.preChatEmail ?? current.preChatEmail,
        honeypotField: changes.honeypotField ?? current.honeypotField,
        createTicket: changes.createTicket ?? current.createTicket,
        appSecret: changes.appSecret ?? KEEP_SECRET,
        authToken: changes.authToken ?? KEEP_SECRET,
        pageAccessToken: changes.pageAccessToken,
        providerAccountSid: changes.providerAccountSid ?? current.providerAccountSid,
        signature: changes.signature ?? current.signature,
        ringStrategy: changes.ringStrategy ?? current.ringStrategy,
        ringSeconds: changes.ringSeconds ?? current.ringSeconds,
      },
      name,
      this.mailDomain,
    );
    // Keys that identify the channel to the outside (Messenger's verify token, an email channel's own settings) stay.
    const settings = channel.type === 'email' ? { ...current, signature: shaped.settings.signature } : channel.type === 'messenger' ? { ...shaped.settings, verifyToken: current.verifyToken } : shaped.settings;
    const secret = changes.appSecret ?? changes.authToken;
    await withTransaction(this.directory.pool, async (tx) => {
      await this.directory.updateChannel(actor.accountId, channelId, { name, settings, secret, sendToken: changes.pageAccessToken }, tx);
      // Secrets are never written to the trail: only that they changed.
      const secretsChanged = [changes.appSecret && 'appSecret', changes.authToken && 'authToken', changes.pageAccessToken && 'pageAccessToken'].filter(Boolean);
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'channel.updated',
        targetType: 'channel',
        targetId: channelId,
        changes: changedFields({ name: channel.name, settings: channel.settings }, { name, settings }, ['name', 'settings']),
        detail: secretsChanged.length ? { secretsChanged } : {},
      });
    });
    return (await this.directory.findChannel(actor.accountId, channelId))!;
  }
}

const CHANGEABLE: Record<ChannelType, (keyof ChannelChanges)[]> = {
  email: ['name', 'signature'],
  chat: ['name', 'businessHours', 'preChatEmail'],
  form: ['name', 'fields', 'honeypotField', 'createTicket'],
  messenger: ['name', 'appSecret', 'pageAccessToken'],
  phone: ['name', 'authToken', 'providerAccountSid', 'ringStrategy', 'ringSeconds'],
};

/**
 * Deleting a channel loses no conversation: its conversations stay readable in their inbox (they
 * no longer name a channel), and replies by email go out through the inbox's other email channel.
 */
export class DeleteChannel {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly audit: AuditTrail,
  ) {}

  async execute(actor: Actor, channelId: string): Promise<void> {
    await requireActor(this.directory, actor, 'admin');
    const channel = await this.directory.findChannel(actor.accountId, channelId);
    if (!channel) throw new NotFoundError('channel_not_found', 'no such channel');
    await withTransaction(this.directory.pool, async (tx) => {
      if (!(await this.directory.deleteChannel(actor.accountId, channelId, tx))) throw new NotFoundError('channel_not_found', 'no such channel');
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'channel.deleted', targetType: 'channel', targetId: channelId, detail: { type: channel.type, name: channel.name, lookupKey: channel.lookupKey } });
    });
  }
}
