// Attachment bytes, served with headers that keep a hostile file from running in our origin:
// a download (never rendered inline, except plain images), nosniff, and a sandboxing CSP.
import type { BlobStore, ConversationClients } from '@inbox/lib';
import { HttpError, z } from '@inbox/lib';
import type { ApiRoutes } from '../api-route';

const INLINE_SAFE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function registerAttachmentRoutes(api: ApiRoutes, conversation: ConversationClients, blobs: BlobStore): void {
  api.add(
    { method: 'get', path: '/attachments/:id', summary: 'Download an attachment', tag: 'conversations', auth: true, errors: [404, 410] },
    async ({ user, params, res }) => {
      const found = await conversation.conversations.call.getAttachment({ tenant: { accountId: user.accountId, userId: user.id }, attachmentId: params.id });
      if (!found.objectKey) throw new HttpError(410, 'attachment_unavailable', `this attachment was never stored: ${found.attachment!.unavailableReason || 'unavailable'}`);
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

  const MAX_UPLOAD = 25 * 1024 * 1024;
  api.add(
    {
      method: 'post',
      path: '/uploads',
      summary: 'Upload a file (raw bytes, application/octet-stream) to attach to an email reply with attachmentIds',
      tag: 'conversations',
      auth: true,
      status: 201,
      // Checked here, before any byte is stored; the conversation service checks the same again.
      query: z.object({
        filename: z
          .string()
          .trim()
          .min(1)
          .max(255)
          .regex(/^[^\u0000-\u001f/\\]+$/, 'must not contain slashes or control characters'),
        contentType: z
          .string()
          .max(200)
          .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as application/pdf')
          .default('application/octet-stream'),
      }),
      response: z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number() }),
      errors: [413, 415],
    },
    async ({ user, query, req }) => {
      if (!req.is('application/octet-stream')) throw new HttpError(415, 'unsupported_media_type', 'send the file as application/octet-stream');
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_UPLOAD) throw new HttpError(413, 'file_too_large', 'a file can be at most 25 MB');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_UPLOAD) throw new HttpError(413, 'file_too_large', 'a file can be at most 25 MB');
        chunks.push(chunk);
      }
      if (size === 0) throw new HttpError(400, 'empty_file', 'the file is empty');
      const objectKey = await blobs.put('att', new Uint8Array(Buffer.concat(chunks)));
      const { uploadId } = await conversation.outbound.call.registerUpload({
        tenant: { accountId: user.accountId, userId: user.id },
        filename: query.filename,
        contentType: query.contentType,
        size: String(size),
        objectKey,
      });
      return { id: uploadId, filename: query.filename, contentType: query.contentType.toLowerCase(), size };
    },
  );
}
