// Editing contacts: their fields and typed properties, their owner (whom contact-owner routing
// assigns), and merging two into one. A change a conversation shows (the contact's name, email
// or owner) is announced as an update of each of the contact's conversations, in the same
// transaction, so search re-indexes them and routing re-reads the owner.
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError, changedFields, withTransaction, type AuditTrail, type Pool, type PoolClient } from '@inbox/lib';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import { MAX_PROPERTIES, checkDefinition, contactEmail, contactName, contactPhone, propertyValue, type PropertyDefinition } from '../domain/contact-properties';

/** Who may act, and who may own a contact. */
type UserDirectory = Parameters<typeof requireActor>[0];

export interface EditableContact {
  id: string;
  name: string;
  /** Every address, the primary first. */
  emails: string[];
  phones: string[];
  ownerId: string | null;
  externalId: string | null;
  companyId: string | null;
  properties: Record<string, string>;
}

export interface ContactChanges {
  name?: string;
  emails?: string[];
  phones?: string[];
  ownerId?: string | null;
  properties?: Record<string, string>;
  externalId?: string | null;
  companyId?: string | null;
}

/** Where contacts and their definitions are kept (PostgreSQL in production). */
export interface ContactRecords {
  /** Reads the named contacts of the account; `lock` also locks them (in id order, so two merges never deadlock). */
  read(db: Pool | PoolClient, accountId: string, contactIds: string[], lock?: boolean): Promise<EditableContact[]>;
  /** Which contacts hold these emails (primary or further), by lower-cased address. */
  emailHolders(tx: PoolClient, accountId: string, emails: string[]): Promise<Map<string, string>>;
  /** Takes the sender locks inbound mail of these addresses takes, so no mail is stored against a half-moved address. */
  lockSenders(tx: PoolClient, accountId: string, emails: string[]): Promise<void>;
  update(tx: PoolClient, accountId: string, contactId: string, changes: ContactChanges): Promise<void>;
  /** Moves conversations, deals and surveys to the other contact; returns the number of conversations moved. */
  moveRecords(tx: PoolClient, accountId: string, fromContactId: string, toContactId: string): Promise<number>;
  remove(tx: PoolClient, accountId: string, contactId: string): Promise<void>;
  /** Bumps each of the contact's conversations and writes an update event for it. */
  announceConversations(tx: PoolClient, accountId: string, contactId: string, actorUserId: string): Promise<void>;
  /** Up to `limit` contacts whose name contains the text, or whose email (any) or phone starts with it. */
  find(accountId: string, text: string, limit: number): Promise<{ id: string; name: string; email: string; phone: string }[]>;
  definitions(db: Pool | PoolClient, accountId: string): Promise<PropertyDefinition[]>;
  saveDefinition(accountId: string, definition: PropertyDefinition, db?: Pool | PoolClient): Promise<PropertyDefinition>;
  deleteDefinition(accountId: string, key: string, db?: Pool | PoolClient): Promise<boolean>;
}

export interface ContactEdit {
  name?: string;
  emails?: string[];
  phones?: string[];
  ownerId?: string;
  setProperties: Record<string, string>;
  removeProperties: string[];
}

async function requireOwner(directory: UserDirectory, accountId: string, ownerId: string): Promise<void> {
  const owner = await directory.findUser(accountId, ownerId);
  if (!owner || owner.removed || owner.deactivated) throw new InvalidArgumentError('invalid_owner', 'the owner must be an active user of this account');
}

export class UpdateContact {
  constructor(
    private readonly pool: Pool,
    private readonly directory: UserDirectory,
    private readonly contacts: ContactRecords,
    private readonly onCommitted: () => void,
  ) {}

  async execute(actor: Actor, contactId: string, edit: ContactEdit): Promise<void> {
    await requireActor(this.directory, actor, 'agent');
    const changes: ContactChanges = {};
    if (edit.name !== undefined) changes.name = contactName(edit.name);
    if (edit.emails !== undefined) changes.emails = addresses(edit.emails.map(contactEmail), 'emails');
    if (edit.phones !== undefined) changes.phones = addresses(edit.phones.map(contactPhone), 'phone numbers');
    if (edit.ownerId !== undefined) {
      if (edit.ownerId) await requireOwner(this.directory, actor.accountId, edit.ownerId);
      changes.ownerId = edit.ownerId || null;
    }
    const removals = new Set(edit.removeProperties);
    const setKeys = Object.keys(edit.setProperties);
    if (setKeys.some((key) => removals.has(key))) throw new InvalidArgumentError('conflicting_properties', 'a property cannot be set and removed at once');
    const definitions = new Map((await this.contacts.definitions(this.pool, actor.accountId)).map((d) => [d.key, d]));
    const values: Record<string, string> = {};
    for (const key of setKeys) {
      const definition = definitions.get(key);
      if (!definition) throw new InvalidArgumentError('unknown_property', `no contact property is called ${key}; an admin defines them first`, { key });
      values[key] = propertyValue(definition, edit.setProperties[key]);
    }

    let announce = false;
    await withTransaction(this.pool, async (tx) => {
      const contact = await lockWithSenders(this.contacts, tx, actor.accountId, [contactId], changes.emails ?? []).then((found) => found[0]);
      if (!contact) throw new NotFoundError('contact_not_found', 'no such contact');
      if (changes.emails) {
        const holders = await this.contacts.emailHolders(tx, actor.accountId, changes.emails);
        const taken = [...holders].find(([, holder]) => holder !== contact.id);
        if (taken) throw new AlreadyExistsError('contact_email_taken', `another contact has ${taken[0]}; merge the two contacts instead`, { email: taken[0], contactId: taken[1] });
      }
      if (setKeys.length || removals.size) {
        const properties = { ...contact.properties, ...values };
        for (const key of removals) delete properties[key];
        if (Object.keys(properties).length > MAX_PROPERTIES) throw new InvalidArgumentError('too_many_properties', `a contact has at most ${MAX_PROPERTIES} properties`);
        changes.properties = properties;
      }
      await this.contacts.update(tx, actor.accountId, contact.id, changes);
      // What a conversation shows of its contact, or routes by.
      announce =
        (changes.name !== undefined && changes.name !== contact.name) ||
        (changes.emails !== undefined && changes.emails[0] !== contact.emails[0]) ||
        (changes.ownerId !== undefined && changes.ownerId !== contact.ownerId);
      if (announce) await this.contacts.announceConversations(tx, actor.accountId, contact.id, actor.userId);
    });
    if (announce) this.onCommitted();
  }
}

const MAX_ADDRESSES = 20;

/** The addresses once each (ignoring case), in the order given. */
function addresses(values: string[], what: string): string[] {
  const seen = new Set<string>();
  const kept = values.filter((v) => v && !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
  if (kept.length > MAX_ADDRESSES) throw new InvalidArgumentError('too_many_addresses', `a contact has at most ${MAX_ADDRESSES} ${what}`);
  return kept;
}

/**
 * Locks the contacts and the sender locks of every email they have or will have, in the order
 * inbound mail takes them (sender locks, then rows). The addresses are read first without a lock,
 * so a contact whose emails changed in between is refused rather than half-locked.
 */
async function lockWithSenders(contacts: ContactRecords, tx: PoolClient, accountId: string, contactIds: string[], newEmails: string[]): Promise<EditableContact[]> {
  const before = await contacts.read(tx, accountId, contactIds);
  await contacts.lockSenders(tx, accountId, [...before.flatMap((c) => c.emails), ...newEmails]);
  const locked = await contacts.read(tx, accountId, contactIds, true);
  const emailsOf = (list: EditableContact[]) => JSON.stringify(list.map((c) => [c.id, c.emails]));
  if (emailsOf(locked) !== emailsOf(before)) throw new FailedPreconditionError('contact_changed', 'the contact changed meanwhile; try again');
  return locked;
}

export class MergeContacts {
  constructor(
    private readonly pool: Pool,
    private readonly directory: UserDirectory,
    private readonly contacts: ContactRecords,
    private readonly onCommitted: () => void,
  ) {}

  /** Folds `mergedId` into `keptId`; returns how many conversations moved. */
  async execute(actor: Actor, keptId: string, mergedId: string): Promise<number> {
    await requireActor(this.directory, actor, 'agent');
    if (!mergedId) throw new InvalidArgumentError('invalid_contact', 'name the contact to merge into this one');
    if (keptId === mergedId) throw new InvalidArgumentError('same_contact', 'a contact cannot be merged into itself');
    const moved = await withTransaction(this.pool, async (tx) => {
      const locked = await lockWithSenders(this.contacts, tx, actor.accountId, [keptId, mergedId], []);
      const kept = locked.find((c) => c.id === keptId);
      const merged = locked.find((c) => c.id === mergedId);
      if (!kept || !merged) throw new NotFoundError('contact_not_found', 'no such contact');
      // One channel identity (a Messenger or phone sender) per contact: merging two would lose one.
      if (kept.externalId && merged.externalId) {
        throw new FailedPreconditionError('both_have_channel_identity', 'both contacts write through Messenger or phone under their own identity; they cannot be one contact yet');
      }
      const count = await this.contacts.moveRecords(tx, actor.accountId, merged.id, kept.id);
      // The merged contact goes first: its addresses and identity are unique and move to the kept one.
      await this.contacts.remove(tx, actor.accountId, merged.id);
      await this.contacts.update(tx, actor.accountId, kept.id, {
        name: kept.name || merged.name,
        emails: addresses([...kept.emails, ...merged.emails], 'emails'),
        phones: addresses([...kept.phones, ...merged.phones], 'phone numbers'),
        ownerId: kept.ownerId ?? merged.ownerId,
        externalId: kept.externalId ?? merged.externalId,
        companyId: kept.companyId ?? merged.companyId,
        properties: { ...merged.properties, ...kept.properties },
      });
      await this.contacts.announceConversations(tx, actor.accountId, kept.id, actor.userId);
      return count;
    });
    this.onCommitted();
    return moved;
  }
}

export class ManageContactProperties {
  constructor(
    private readonly pool: Pool,
    private readonly directory: UserDirectory,
    private readonly contacts: ContactRecords,
    private readonly audit: AuditTrail,
  ) {}

  async list(actor: Actor): Promise<PropertyDefinition[]> {
    await requireActor(this.directory, actor, 'agent');
    return this.contacts.definitions(this.pool, actor.accountId);
  }

  async save(actor: Actor, input: { key: string; label: string; type: string; options: string[] }): Promise<PropertyDefinition> {
    await requireActor(this.directory, actor, 'admin');
    const definition = checkDefinition(input);
    const before = (await this.contacts.definitions(this.pool, actor.accountId)).find((d) => d.key === definition.key);
    return withTransaction(this.pool, async (tx) => {
      const saved = await this.contacts.saveDefinition(actor.accountId, definition, tx);
      const changes = changedFields<Partial<PropertyDefinition>>(before ?? {}, saved, ['label', 'type', 'options']);
      if (Object.keys(changes).length > 0) {
        await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'contact_property.saved', targetType: 'contact_property', targetId: saved.key, changes });
      }
      return saved;
    });
  }

  /** Existing values stay on the contacts (shown, not editable) until removed from each. */
  async remove(actor: Actor, key: string): Promise<void> {
    await requireActor(this.directory, actor, 'admin');
    await withTransaction(this.pool, async (tx) => {
      if (!(await this.contacts.deleteDefinition(actor.accountId, key, tx))) throw new NotFoundError('property_not_found', 'no such contact property');
      await this.audit.record(tx, { accountId: actor.accountId, actorUserId: actor.userId, action: 'contact_property.removed', targetType: 'contact_property', targetId: key });
    });
  }
}

export class FindContacts {
  constructor(
    private readonly directory: UserDirectory,
    private readonly contacts: ContactRecords,
  ) {}

  async execute(actor: Actor, query: string, limit: number): Promise<{ id: string; name: string; email: string; phone: string }[]> {
    await requireActor(this.directory, actor, 'agent');
    const text = query.trim();
    if (text.length < 2 || text.length > 200) throw new InvalidArgumentError('invalid_query', 'search contacts with 2 to 200 characters');
    return this.contacts.find(actor.accountId, text, Math.min(Math.max(limit || 10, 1), 50));
  }
}
