import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from './api';
import { render } from './test-render';
import { Composer } from './composer';
import { drafts } from './drafts';
import { Thread, continuesRun, timeline } from './thread';

afterEach(cleanup);
beforeEach(() => localStorage.clear());

const me = { id: 'usr_me', name: 'Dana Demo', email: 'dana@example.com', role: 'admin' } as User;
const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 9, minute)).toISOString();
const message = (id: string, direction: 'inbound' | 'outbound', minute: number, text: string, from = direction === 'inbound' ? 'kari@example.com' : 'support@example.com') => ({
  id,
  direction,
  channel: 'email',
  from: { name: direction === 'inbound' ? 'Kari Nordmann' : 'Support', address: from },
  to: [],
  cc: [],
  bcc: [],
  subject: 'Order',
  text,
  replyText: text,
  html: null,
  fields: {},
  attachments: [],
  hidden: false,
  createdAt: at(minute),
});
const comment = (id: string, minute: number, text: string) => ({ id, authorId: 'usr_me', authorName: 'Dana Demo', text, mentions: [], createdAt: at(minute) });

const detail = {
  id: 'con_1',
  subject: 'Where is my order?',
  status: 'open',
  channel: 'email',
  contact: { id: 'cnt_1', name: 'Kari Nordmann', email: 'kari@example.com' },
  assignee: null,
  teamId: null,
  trashedAt: null,
  filtered: false,
  filteredReason: null,
  call: null,
  messages: [message('msg_1', 'inbound', 0, 'Where is my order?'), message('msg_2', 'inbound', 3, 'It was due Monday.'), message('msg_3', 'outbound', 30, 'It ships today.')],
  comments: [comment('cmt_1', 10, 'Checking with the warehouse.')],
};

function serve(routes: Record<string, unknown>) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const key = `${init?.method ?? 'GET'} ${String(input).replace('/api/v1', '')}`;
    const body = key in routes ? routes[key] : { items: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
}

describe('timeline and runs', () => {
  it('interleaves comments with messages by time and groups one sender’s close messages into a run', () => {
    const entries = timeline(detail as never);
    expect(entries.map((e) => (e.kind === 'message' ? e.message.id : e.comment.id))).toEqual(['msg_1', 'msg_2', 'cmt_1', 'msg_3']);
    // msg_2 follows msg_1 from the same sender three minutes later; the comment and our reply start their own runs.
    expect(continuesRun(entries)).toEqual([false, true, false, false]);
  });

  it('starts a new run after a long pause even from the same sender', () => {
    const entries = timeline({ messages: [message('a', 'inbound', 0, 'one'), message('b', 'inbound', 45, 'two')], comments: [] } as never);
    expect(continuesRun(entries)).toEqual([false, false]);
  });
});

describe('Thread', () => {
  it('shows messages and comments in time order with one avatar per run, and our replies apart from the customer’s', async () => {
    serve({ 'GET /conversations/con_1': detail, 'GET /conversations/con_1/tickets': { items: [] } });
    const { container } = render(<Thread id="con_1" users={[me]} me={me} onChanged={async () => undefined} onGone={() => undefined} onContact={() => undefined} />);
    await screen.findByText('It ships today.');
    const entries = [...container.querySelectorAll('.messages > li')];
    expect(entries.map((li) => li.querySelector('.text')?.textContent)).toEqual(['Where is my order?', 'It was due Monday.', 'Checking with the warehouse.', 'It ships today.']);
    expect(entries.map((li) => li.classList.contains('continued'))).toEqual([false, true, false, false]);
    expect(entries[2].querySelector('.comment')).not.toBeNull();
    expect(entries[3].querySelector('.message.outbound')).not.toBeNull();
    expect(within(entries[0] as HTMLElement).getByText('KN')).toBeTruthy();
  });

  it('keeps the reply draft with its own conversation', async () => {
    serve({ 'GET /conversations/con_1': detail, 'GET /conversations/con_2': { ...detail, id: 'con_2' } });
    const props = { users: [me], me, onChanged: async () => undefined, onGone: () => undefined, onContact: () => undefined };
    const { unmount } = render(<Thread key="con_1" id="con_1" {...props} />);
    await screen.findByText('It ships today.');
    const reply = screen.getByRole('textbox', { name: 'Reply' });
    reply.textContent = 'Your refund is on its way.';
    fireEvent.input(reply);
    unmount();
    const second = render(<Thread key="con_2" id="con_2" {...props} />);
    await screen.findByText('It ships today.');
    expect(screen.getByRole('textbox', { name: 'Reply' }).textContent).toBe('');
    second.unmount();
    render(<Thread key="con_1" id="con_1" {...props} />);
    await screen.findByText('It ships today.');
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Reply' }).textContent).toBe('Your refund is on its way.'));
  });

  it('offers no reply box in Trash, and says how to get the conversation back', async () => {
    serve({ 'GET /conversations/con_1': { ...detail, trashedAt: at(40) } });
    render(<Thread id="con_1" users={[me]} me={me} onChanged={async () => undefined} onGone={() => undefined} onContact={() => undefined} />);
    await screen.findByText('This conversation is in Trash. Restore it to reply or comment.');
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Reply' })).toBeNull());
    expect(screen.getByRole('button', { name: 'Restore' })).toBeTruthy();
  });
});

describe('Composer', () => {
  const acted = () => {
    const runs: Promise<unknown>[] = [];
    const act = vi.fn(async (run: () => Promise<unknown>) => {
      runs.push(run());
      await runs[runs.length - 1];
    });
    return { act, done: () => Promise.all(runs) };
  };

  it('sends the reply on Ctrl+Enter as text with the Cc addresses as a list, and clears the saved draft', async () => {
    const fetch = serve({ 'POST /conversations/con_1/messages': { id: 'msg_new' } });
    const { act, done } = acted();
    render(<Composer detail={{ ...detail, participantCount: 1 } as never} users={[me]} me={me} error={null} act={act} onTyped={() => undefined} />);
    const reply = screen.getByRole('textbox', { name: 'Reply' });
    reply.textContent = 'It ships today.';
    fireEvent.input(reply);
    expect(drafts.reply('con_1')).toContain('It ships today.');
    fireEvent.change(screen.getByLabelText('Cc'), { target: { value: 'ola@example.com, per@example.com' } });
    fireEvent.keyDown(reply, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(act).toHaveBeenCalledTimes(1));
    await done();
    const call = fetch.mock.calls.find(([url]) => String(url).endsWith('/conversations/con_1/messages'))!;
    expect(JSON.parse(String((call[1] as RequestInit).body))).toEqual({ text: 'It ships today.', cc: ['ola@example.com', 'per@example.com'] });
    expect(reply.textContent).toBe('');
    expect(drafts.reply('con_1')).toBe('');
  });

  it('adds a comment from the Comment tab, and sends nothing for an empty one', async () => {
    const fetch = serve({ 'POST /conversations/con_1/comments': { id: 'cmt_new' } });
    const { act, done } = acted();
    render(<Composer detail={detail as never} users={[me]} me={me} error={null} act={act} onTyped={() => undefined} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Comment' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add comment' }));
    expect(act).not.toHaveBeenCalled();
    fireEvent.change(screen.getByRole('textbox', { name: 'Comment' }), { target: { value: 'Checked with the warehouse.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add comment' }));
    await waitFor(() => expect(act).toHaveBeenCalledTimes(1));
    await done();
    const call = fetch.mock.calls.find(([url]) => String(url).endsWith('/conversations/con_1/comments'))!;
    expect(JSON.parse(String((call[1] as RequestInit).body))).toEqual({ text: 'Checked with the warehouse.' });
  });
});
