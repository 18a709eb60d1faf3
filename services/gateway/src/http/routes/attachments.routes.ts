// Attachment bytes, served with headers that keep a hostile file from running in our origin:
// a download (never rendered inline, except plain images), nosniff, and a sandboxing CSP.
import type { BlobStore, ServiceClient } from '@inbox/lib';
import { HttpError } from '@inbox/lib';
import type { ConversationServiceService } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';

const INLINE_SAFE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function registerAttachmentRoutes(api: ApiRoutes, conversation: ServiceClient<typeof ConversationServiceService>, blobs: BlobStore): void {
  api.add(
    { method: 'get', path: '/attachments/:id', summary: 'Download an attachment', tag: 'conversations', auth: true, errors: [404] },
    async ({ user, params, res }) => {
      const found = await conversation.call.getAttachment({ tenant: { accountId: user.accountId, userId: user.id }, attachmentId: params.id });
      const bytes = await blobs.get(found.objectKey);
      if (!bytes) throw new HttpError(404, 'attachment_not_found', 'the attachment content is gone');
      const type = found.attachment!.contentType.toLowerCase();
      const inline = INLINE_SAFE.has(type);
      res.setHeader('content-type', inline ? type : 'application/octet-stream');
      res.setHeader('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', found.attachment!.filename));
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', "default-src 'none'; sandbox");
      res.setHeader('cache-control', 'private, max-age=300');
      res.status(200).end(Buffer.from(bytes));
    },
  );
}
