// The chat widget (served by ingest, run on customers' websites) in jsdom: the script is loaded
// as a page would load it, against a fake ingest API and WebSocket.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const WIDGET = readFileSync(path.resolve(__dirname, '../../ingest/widget/widget.js'), 'utf8');
const ORIGIN = 'https://ingest.example';

class FakeSocket {
  static opened: FakeSocket[] = [];
  readyState = 1;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
  push(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

let config: Record<string, unknown>;
let posted: { path: string; body: unknown }[];

function fakeIngest() {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/ingest/v1/chat/wgt_test/config') return json(config);
    posted.push({ path: url.pathname, body });
    if (url.pathname === '/ingest/v1/chat/wgt_test/sessions') return json({ sessionId: 'chs_1', visitorToken: 'token-1' }, 201);
    if (url.pathname === '/ingest/v1/chat/sessions/chs_1/messages') return json({ id: `msg_${posted.length}` }, 202);
    return json({ error: { code: 'not_found', message: 'no' } }, 404);
  });
}

/** Loads the widget as a page's script tag would; resolves once its launcher is on the page. */
async function loadWidget(): Promise<ShadowRoot> {
  document.querySelectorAll('[data-inbox-chat]').forEach((node) => node.remove());
  const script = document.createElement('script');
  script.src = `${ORIGIN}/ingest/v1/chat/widget.js`;
  script.setAttribute('data-widget-id', 'wgt_test');
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script });
  new Function(WIDGET)();
  await vi.waitFor(() => expect(document.querySelector('[data-inbox-chat]')).not.toBeNull());
  return document.querySelector('[data-inbox-chat]')!.shadowRoot!;
}

const visible = (element: Element | null) => !!element && !(element as HTMLElement).closest('[hidden]');
const logText = (root: ShadowRoot) => [...root.querySelectorAll('.log li')].map((li) => li.textContent);

beforeEach(() => {
  localStorage.clear();
  FakeSocket.opened = [];
  posted = [];
  config = { name: 'Support chat', online: true, preChatEmail: 'optional' };
  vi.stubGlobal('WebSocket', FakeSocket);
  fakeIngest();
});
afterEach(() => vi.unstubAllGlobals());

describe('the chat widget', () => {
  it('starts a chat, shows the greeting and the agent’s reply in place of the form, and keeps the conversation across a reload', async () => {
    const root = await loadWidget();
    (root.querySelector('.launcher') as HTMLButtonElement).click();
    expect(root.querySelector('.status')?.textContent).toBe('We usually answer within minutes.');
    const start = root.querySelector('form.start') as HTMLFormElement;
    (start.elements.namedItem('text') as HTMLTextAreaElement).value = 'Do you ship to Iceland?';
    start.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(posted.map((p) => p.path)).toEqual(['/ingest/v1/chat/wgt_test/sessions', '/ingest/v1/chat/sessions/chs_1/messages']));
    expect(visible(start)).toBe(false);
    expect(visible(root.querySelector('form.compose'))).toBe(true);
    expect(FakeSocket.opened[0].url).toBe('wss://ingest.example/ingest/v1/chat/ws?visitorToken=token-1');
    FakeSocket.opened[0].push({ type: 'hello', transcript: [{ id: 'msg_bot', from: 'agent', author: 'Bot', text: 'Hi! How can we help?' }] });
    FakeSocket.opened[0].push({ type: 'message', message: { id: 'msg_agent', from: 'agent', author: 'Kari', text: 'Yes, we do.' } });
    expect(logText(root).join('|')).toMatch(/Do you ship to Iceland\?.*Hi! How can we help\?.*Yes, we do\./);

    // A reload: the same session, straight into the conversation, its history replayed by the socket.
    const again = await loadWidget();
    expect(visible(again.querySelector('form.start'))).toBe(false);
    expect(FakeSocket.opened[1].url).toBe('wss://ingest.example/ingest/v1/chat/ws?visitorToken=token-1');
    FakeSocket.opened[1].push({ type: 'hello', transcript: [{ id: 'msg_bot', from: 'agent', text: 'Hi! How can we help?' }, { id: 'msg_agent', from: 'agent', text: 'Yes, we do.' }] });
    expect(logText(again).join('|')).toMatch(/Hi! How can we help\?.*Yes, we do\./);
  });

  it('says it will answer by email when nobody is there, and asks for the address before anything is sent', async () => {
    config = { name: 'Support chat', online: false, preChatEmail: 'off' };
    const root = await loadWidget();
    (root.querySelector('.launcher') as HTMLButtonElement).click();
    expect(root.querySelector('.status')?.textContent).toBe('We are offline right now. Leave a message and we will answer by email.');
    expect(root.querySelector('form.start button')?.textContent).toBe('Send message');
    expect(visible(root.querySelector('.email-field'))).toBe(true);
    const start = root.querySelector('form.start') as HTMLFormElement;
    (start.elements.namedItem('text') as HTMLTextAreaElement).value = 'Call me back';
    start.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(root.querySelector('.start .error')?.textContent).toBe('Please tell us your email address so we can answer.');
    expect(posted).toEqual([]);
    (start.elements.namedItem('email') as HTMLInputElement).value = 'ola@example.com';
    start.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(posted[0]).toEqual({ path: '/ingest/v1/chat/wgt_test/sessions', body: { email: 'ola@example.com' } }));
  });

  it('does not start on a message typed into the conversation box before a chat exists', async () => {
    const root = await loadWidget();
    (root.querySelector('.launcher') as HTMLButtonElement).click();
    const compose = root.querySelector('form.compose') as HTMLFormElement;
    (compose.elements.namedItem('text') as HTMLInputElement).value = 'too early';
    (compose.elements.namedItem('text') as HTMLInputElement).dispatchEvent(new Event('input'));
    compose.dispatchEvent(new Event('submit', { cancelable: true }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(posted).toEqual([]);
    expect(visible(compose)).toBe(false);
  });
});
