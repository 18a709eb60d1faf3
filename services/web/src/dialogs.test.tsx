import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { render } from './test-render';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ComposeDialog } from './compose';
import { ConfirmDialog } from './confirm';
import { MenuButton } from './menu';
import { conversationName, notificationText } from './notifications';

afterEach(cleanup);

function respond(status: number, body: unknown) {
  return vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

describe('ComposeDialog', () => {
  it('posts a new email to the inbox and hands back the new conversation', async () => {
    const fetch = respond(201, { id: 'con_new', messages: [] });
    const onSent = vi.fn();
    render(<ComposeDialog inboxId="inb_1" onClose={() => undefined} onSent={onSent} />);
    fireEvent.change(screen.getByLabelText('To'), { target: { value: ' kari@example.com ' } });
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Your quote' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Here it is.' } });
    fireEvent.submit(screen.getByRole('dialog', { name: 'New email' }));
    await waitFor(() => expect(onSent).toHaveBeenCalledWith('con_new'));
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/conversations');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ inboxId: 'inb_1', to: 'kari@example.com', subject: 'Your quote', text: 'Here it is.' });
  });

  it('sends Cc and Bcc addresses as lists', async () => {
    const fetch = respond(201, { id: 'con_new', messages: [] });
    render(<ComposeDialog inboxId="inb_1" onClose={() => undefined} onSent={() => undefined} />);
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'kari@example.com' } });
    fireEvent.change(screen.getByLabelText('Cc'), { target: { value: 'ola@example.com, per@example.com' } });
    fireEvent.change(screen.getByLabelText('Bcc'), { target: { value: 'archive@example.com' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hi all' } });
    fireEvent.submit(screen.getByRole('dialog', { name: 'New email' }));
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(JSON.parse(String((fetch.mock.calls[0] as [string, RequestInit])[1].body))).toEqual({
      inboxId: 'inb_1',
      to: 'kari@example.com',
      cc: ['ola@example.com', 'per@example.com'],
      bcc: ['archive@example.com'],
      subject: '',
      text: 'Hi all',
    });
  });

  it('shows the API’s refusal and keeps what was typed', async () => {
    respond(409, { error: { code: 'no_email_channel', message: 'this inbox has no email channel to send from' } });
    const onSent = vi.fn();
    render(<ComposeDialog inboxId="inb_1" onClose={() => undefined} onSent={onSent} />);
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'kari@example.com' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Kept' } });
    fireEvent.submit(screen.getByRole('dialog', { name: 'New email' }));
    await screen.findByText('this inbox has no email channel to send from');
    expect(onSent).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('Kept');
  });

  it('closes on Escape without sending', () => {
    const fetch = vi.spyOn(globalThis, 'fetch');
    const onClose = vi.fn();
    render(<ComposeDialog inboxId="inb_1" onClose={onClose} onSent={() => undefined} />);
    fireEvent.keyDown(screen.getByLabelText('To'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('ConfirmDialog', () => {
  it('runs the action only on the confirm button, and focuses Cancel first', () => {
    const run = vi.fn();
    const onDone = vi.fn();
    render(<ConfirmDialog pending={{ title: 'Delete forever?', body: 'Gone for good.', confirmLabel: 'Delete forever', run }} onDone={onDone} />);
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(run).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete forever' }));
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('MenuButton', () => {
  it('opens on click, moves with the arrow keys, and closes on Escape back to its button', async () => {
    const chosen = vi.fn();
    render(<MenuButton label="More actions" items={[{ label: 'One', onSelect: chosen }, { label: 'Two', onSelect: chosen }]} />);
    const button = screen.getByRole('button', { name: 'More actions' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(button);
    await waitFor(() => expect(document.activeElement?.textContent).toBe('One'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Two');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('One');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Two' }));
    expect(chosen).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('menu')).toBeNull();
  });
});

describe('notificationText', () => {
  it('says who did what', () => {
    const names = (id: string) => ({ usr_1: 'Kari' })[id as 'usr_1'];
    expect(notificationText({ kind: 'mention', actorUserId: 'usr_1' }, names)).toBe('Kari mentioned you in a comment');
    expect(notificationText({ kind: 'assignment', actorUserId: 'usr_1' }, names)).toBe('Kari assigned a conversation to you');
    expect(notificationText({ kind: 'mention', actorUserId: 'usr_gone' }, names)).toBe('You were mentioned in a comment');
    expect(notificationText({ kind: 'new_message', actorUserId: null }, names)).toBe('New message in a conversation of yours');
  });

  it('names the conversation with its customer', () => {
    expect(conversationName({ subject: 'Where is my order?', contactName: 'Kari Nordmann' })).toBe('Where is my order? (Kari Nordmann)');
    expect(conversationName({ subject: '', contactName: null })).toBe('an untitled conversation');
  });
});
