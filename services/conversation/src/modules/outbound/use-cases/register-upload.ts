// An agent's file for a reply: the gateway has stored the bytes; this records who may attach them.
import { InvalidArgumentError, newId } from '@inbox/lib';
import type { DirectoryStore } from '../../directory';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';
import type { OutboundStore } from './ports';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export class RegisterUpload {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly store: Pick<OutboundStore, 'insertUpload'>,
  ) {}

  async execute(actor: Actor, input: { filename: string; contentType: string; size: number; objectKey: string }): Promise<string> {
    await requireActor(this.directory, actor, 'agent');
    const filename = input.filename.trim();
    if (!filename || filename.length > 255 || /[\u0000-\u001f/\\]/.test(filename)) throw new InvalidArgumentError('invalid_filename', 'filename must be 1 to 255 characters without slashes');
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(input.contentType)) throw new InvalidArgumentError('invalid_content_type', 'contentType must be a MIME type such as application/pdf');
    if (!Number.isInteger(input.size) || input.size <= 0 || input.size > MAX_UPLOAD_BYTES) throw new InvalidArgumentError('invalid_size', 'a file must have 1 byte to 25 MB');
    if (!input.objectKey) throw new InvalidArgumentError('object_key_required', 'object_key is required');
    const id = newId('upl');
    await this.store.insertUpload({ id, accountId: actor.accountId, userId: actor.userId, filename, contentType: input.contentType.toLowerCase(), size: input.size, objectKey: input.objectKey });
    return id;
  }
}
