// A contact's personal data: everything held about them exported (admins), or erased (super
// admins) from PostgreSQL, the search index (through the conversations' events) and the blob
// store, leaving an anonymised stub so counts stay right. A legal hold on the contact or on one
// of their conversations refuses the erasure. Both are audited, without the personal data.
import { FailedPreconditionError, NotFoundError, type AuditTrail } from '@inbox/lib';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import type { ConversationDeletion } from '../../conversations';
import type { Transaction, UnitOfWork } from '../../../use-cases/unit-of-work';

export interface ContactExport {
  contact: Record<string, unknown>;
  conversations: Record<string, unknown>[];
  deals: Record<string, unknown>[];
  surveys: Record<string, unknown>[];
}

export interface ErasedTraces {
  conversations: number;
  messages: number;
  /** Attachments' and raw messages' bytes, to remove from the blob store when nothing else uses them. */
  blobKeys: string[];
}

export interface PersonalDataStore {
  read(accountId: string, contactId: string): Promise<ContactExport | null>;
  /** A received email kept in the database rather than the blob store. */
  inlineRaw(accountId: string, messageId: string): Promise<Uint8Array | null>;
  erase(tx: Transaction, accountId: string, contactId: string): Promise<ErasedTraces | null>;
}

export interface ContactHolds {
  /** Whether a hold is on the contact or on any of their conversations. */
  contactHeld(tx: Transaction, accountId: string, contactId: string): Promise<boolean>;
}

/** A file of the export: in the blob store under objectKey, or its content here. */
export interface ExportFile {
  path: string;
  objectKey: string;
  content: Uint8Array;
}

export class PersonalData {
  constructor(
    private readonly directory: Parameters<typeof requireActor>[0],
    private readonly work: UnitOfWork,
    private readonly store: PersonalDataStore,
    private readonly holds: ContactHolds,
    private readonly deletion: Pick<ConversationDeletion, 'removeUnusedBlobs' | 'committed'>,
    private readonly audit: AuditTrail,
  ) {}

  async export(actor: Actor, contactId: string): Promise<{ data: ContactExport; files: ExportFile[] }> {
    await requireActor(this.directory, actor, 'admin');
    const data = await this.store.read(actor.accountId, contactId);
    if (!data) throw new NotFoundError('contact_not_found', 'no such contact');
    const files: ExportFile[] = [];
    for (const conversation of data.conversations) {
      type ExportedMessage = { id: string; raw_object_key: string | null; inline_raw: boolean; attachments: { id: string; filename: string; object_key: string }[] };
      for (const message of conversation.messages as ExportedMessage[]) {
        const none = new Uint8Array();
        if (message.raw_object_key) files.push({ path: `messages/${message.id}.eml`, objectKey: message.raw_object_key, content: none });
        const inline = message.inline_raw ? await this.store.inlineRaw(actor.accountId, message.id) : null;
        if (inline) files.push({ path: `messages/${message.id}.eml`, objectKey: '', content: inline });
        for (const a of message.attachments) files.push({ path: `attachments/${a.id}/${safeFileName(a.filename)}`, objectKey: a.object_key, content: none });
      }
    }
    await this.work.run((tx) =>
      this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'contact.exported',
        targetType: 'contact',
        targetId: contactId,
        detail: { conversations: data.conversations.length, files: files.length },
      }),
    );
    return { data, files };
  }

  async erase(actor: Actor, contactId: string): Promise<{ conversations: number; messages: number; files: number }> {
    await requireActor(this.directory, actor, 'superadmin');
    const erased = await this.work.run(async (tx) => {
      if (await this.holds.contactHeld(tx, actor.accountId, contactId)) {
        throw new FailedPreconditionError('legal_hold', 'a legal hold is on this contact or one of their conversations; release it before erasing');
      }
      const traces = await this.store.erase(tx, actor.accountId, contactId);
      if (!traces) throw new NotFoundError('contact_not_found', 'no such contact');
      await this.audit.record(tx, {
        accountId: actor.accountId,
        actorUserId: actor.userId,
        action: 'contact.erased',
        targetType: 'contact',
        targetId: contactId,
        detail: { conversations: traces.conversations, messages: traces.messages, files: traces.blobKeys.length },
      });
      return traces;
    });
    this.deletion.committed();
    await this.deletion.removeUnusedBlobs(erased.blobKeys);
    return { conversations: erased.conversations, messages: erased.messages, files: erased.blobKeys.length };
  }
}

/** A file name for inside the ZIP: no directories, nothing a file system refuses. */
function safeFileName(name: string): string {
  const cleaned = name.replace(/[/\\\0]/g, '_').replace(/^\.+/, '').slice(0, 200);
  return cleaned || 'file';
}
