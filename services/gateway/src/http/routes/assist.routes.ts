// The reply library (snippets, templates, knowledge-base links) and AI assist (summarise, write for me).
import { z, type ConversationClients } from '@inbox/lib';
import type { Snippet } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { ApiRoutes } from '../api-route';
import { tenant } from '../authenticate';

const Kind = z.enum(['snippet', 'template', 'article']);
const SnippetDto = z.object({ id: z.string(), kind: Kind, name: z.string(), body: z.string(), updatedAt: z.string() }).openapi('Snippet');
const SnippetBody = z.object({ kind: Kind, name: z.string().trim().min(1).max(100), body: z.string().min(1).max(20_000) }).strict();

const snippetDto = (s: Snippet): z.infer<typeof SnippetDto> => ({
  id: s.id,
  kind: s.kind as z.infer<typeof Kind>,
  name: s.name,
  body: s.body,
  updatedAt: (s.updatedAt ?? new Date(0)).toISOString(),
});

// A model answers in seconds, not milliseconds; the conversation service bounds the wait itself.
const MODEL_DEADLINE = { deadlineMs: 45_000 };

export function registerAssistRoutes(api: ApiRoutes, conversation: ConversationClients): void {
  api.add(
    { method: 'get', path: '/snippets', summary: "The account's snippets, templates and knowledge-base links", tag: 'assist', auth: true, response: z.object({ items: z.array(SnippetDto), nextCursor: z.null() }) },
    async ({ user }) => ({ items: (await conversation.assist.call.listSnippets({ tenant: tenant(user) })).snippets.map(snippetDto), nextCursor: null }),
  );

  api.add(
    { method: 'post', path: '/snippets', summary: 'Add to the reply library (admins only); an article body is its URL', tag: 'assist', auth: true, status: 201, body: SnippetBody, response: SnippetDto, errors: [403, 409] },
    async ({ user, body }) => snippetDto((await conversation.assist.call.saveSnippet({ tenant: tenant(user), id: '', ...body })).snippet!),
  );

  api.add(
    { method: 'put', path: '/snippets/:id', summary: 'Change a reply-library entry (admins only)', tag: 'assist', auth: true, body: SnippetBody, response: SnippetDto, errors: [403, 404, 409] },
    async ({ user, params, body }) => snippetDto((await conversation.assist.call.saveSnippet({ tenant: tenant(user), id: params.id, ...body })).snippet!),
  );

  api.add(
    { method: 'delete', path: '/snippets/:id', summary: 'Remove a reply-library entry (admins only)', tag: 'assist', auth: true, status: 204, errors: [403, 404] },
    async ({ user, params }) => {
      await conversation.assist.call.deleteSnippet({ tenant: tenant(user), id: params.id });
    },
  );

  api.add(
    { method: 'get', path: '/assist', summary: 'What AI assist can do here: summaries always; Write for me when a model is configured', tag: 'assist', auth: true, response: z.object({ summarize: z.boolean(), writeForMe: z.boolean() }) },
    async ({ user }) => ({ summarize: true, writeForMe: (await conversation.assist.call.getAssistCapabilities({ tenant: tenant(user) })).model }),
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/summary',
      summary: 'Summarise the conversation (the configured model, or the built-in extractive summariser)',
      tag: 'assist',
      auth: true,
      response: z.object({ summary: z.string(), source: z.enum(['model', 'extractive']) }),
      errors: [404],
    },
    async ({ user, params }) => {
      const result = await conversation.assist.call.summarizeConversation({ tenant: tenant(user), conversationId: params.id }, MODEL_DEADLINE);
      return { summary: result.summary, source: result.source as 'model' | 'extractive' };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/conversations/:id/draft',
      summary: 'Write for me: a reply drafted by the model from a prompt (not sent)',
      tag: 'assist',
      auth: true,
      body: z.object({ prompt: z.string().trim().min(1).max(2000) }).strict(),
      response: z.object({ text: z.string() }),
      errors: [404, 409, 503],
    },
    async ({ user, params, body }) => conversation.assist.call.draftReply({ tenant: tenant(user), conversationId: params.id, prompt: body.prompt }, MODEL_DEADLINE),
  );
}
