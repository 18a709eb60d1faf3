// The client's types come from the gateway's OpenAPI document. The @ts-expect-error lines are
// checked when the web is built (tsc): each must stay an error, or the build fails.
import { describe, expect, it, vi } from 'vitest';
import { api, type ResponseFor } from './api';

function respond(status: number, body: unknown) {
  return vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

describe('api', () => {
  it('matches a written path to its route for the body and the answer', async () => {
    const fetch = respond(200, { id: 'con_1', status: 'closed' });
    const answer = await api('PATCH', `/conversations/${'con_1'}`, { status: 'closed' });
    const status: 'open' | 'closed' = answer.status;
    expect(status).toBe('closed');
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect([url, init.method, init.body]).toEqual(['/api/v1/conversations/con_1', 'PATCH', '{"status":"closed"}']);

    const checks = () => {
      // @ts-expect-error the gateway has no such route
      void api('GET', '/no-such-route');
      // @ts-expect-error a conversation is open or closed, nothing else
      void api('PATCH', '/conversations/con_1', { status: 'archived' });
      // @ts-expect-error creating a user needs a name, an email, a password and a role
      void api('POST', '/users', { name: 'Kari' });
      // A literal where the route has a parameter, and a query string, still find their routes.
      const list: ResponseFor<'GET', `/inboxes/${string}/conversations`> | null = null;
      // @ts-expect-error the answer of a list is a page, not a conversation
      const wrong: ResponseFor<'GET', `/inboxes/${string}/conversations?view=open`>['subject'] = '';
      return [list, wrong];
    };
    expect(typeof checks).toBe('function');
  });

  it('throws the error body’s code and message on a refusal', async () => {
    respond(404, { error: { code: 'conversation_not_found', message: 'no such conversation' } });
    await expect(api('GET', '/conversations/con_gone')).rejects.toMatchObject({ status: 404, code: 'conversation_not_found', message: 'no such conversation' });
  });
});
