import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { render } from './test-render';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from './api';
import { ContactEditor } from './contact-editor';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const users = [
  { id: 'usr_kari', name: 'Kari', email: 'kari@inbox.example', role: 'agent', deactivated: false },
  { id: 'usr_gone', name: 'Gone', email: 'gone@inbox.example', role: 'agent', deactivated: true },
] as unknown as User[];

const contact = { id: 'ctc_1', name: 'Mona', emails: ['mona@example.com'], phones: [], ownerId: null, properties: { plan: 'Gold', learned: 'from the bot' } };

function server(routes: Record<string, (init: RequestInit) => { status: number; body: unknown }>) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init = {}) => {
    const url = String(input);
    const key = `${init.method ?? 'GET'} ${url.split('?')[0]}`;
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: key } }), { status: 404 });
    const { status, body } = route(init);
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
}

const definitions = {
  status: 200,
  body: {
    items: [
      { key: 'plan', label: 'Plan', type: 'choice', options: ['Gold', 'Silver'] },
      { key: 'seats', label: 'Seats', type: 'number', options: [] },
    ],
  },
};

describe('ContactEditor', () => {
  it('saves every field, removes a cleared property, and leaves learned properties alone', async () => {
    const fetch = server({ 'GET /api/v1/contact-properties': () => definitions, 'PATCH /api/v1/contacts/ctc_1': () => ({ status: 200, body: {} }) });
    const onSaved = vi.fn();
    render(<ContactEditor contact={contact} users={users} onSaved={onSaved} onClose={() => undefined} />);
    await screen.findByLabelText('Seats');
    expect(screen.queryByRole('option', { name: 'Gone' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Mona Messenger' } });
    fireEvent.change(screen.getByLabelText(/Emails/), { target: { value: 'mona@example.com\n mona@home.example \n' } });
    fireEvent.change(screen.getByLabelText(/Phone numbers/), { target: { value: '+47 912 34 567' } });
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'usr_kari' } });
    fireEvent.change(screen.getByLabelText('Plan'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Seats'), { target: { value: '12' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Contact details' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const patch = fetch.mock.calls.find(([, init]) => init?.method === 'PATCH')!;
    expect(JSON.parse(String(patch[1]!.body))).toEqual({
      name: 'Mona Messenger',
      emails: ['mona@example.com', 'mona@home.example'],
      phones: ['+47 912 34 567'],
      ownerId: 'usr_kari',
      properties: { plan: null, seats: '12' },
    });
    expect(screen.getByText('from the bot')).toBeTruthy();
  });

  it('shows the refusal and keeps what was typed', async () => {
    server({
      'GET /api/v1/contact-properties': () => definitions,
      'PATCH /api/v1/contacts/ctc_1': () => ({ status: 409, body: { error: { code: 'contact_email_taken', message: 'another contact has taken@example.com; merge the two contacts instead' } } }),
    });
    const onSaved = vi.fn();
    render(<ContactEditor contact={contact} users={users} onSaved={onSaved} onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText(/Emails/), { target: { value: 'taken@example.com' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Contact details' }));
    await screen.findByText(/merge the two contacts instead/);
    expect(onSaved).not.toHaveBeenCalled();
    expect((screen.getByLabelText(/Emails/) as HTMLTextAreaElement).value).toBe('taken@example.com');
  });

  it('finds another contact and merges it in only after confirmation', async () => {
    const fetch = server({
      'GET /api/v1/contact-properties': () => ({ status: 200, body: { items: [] } }),
      'GET /api/v1/contacts': () => ({ status: 200, body: { items: [{ id: 'ctc_1', name: 'Mona', email: 'mona@example.com', phone: null }, { id: 'ctc_2', name: 'Mona M', email: 'mm@example.com', phone: null }] } }),
      'POST /api/v1/contacts/ctc_1/merge': () => ({ status: 200, body: {} }),
    });
    const onSaved = vi.fn();
    render(<ContactEditor contact={contact} users={users} onSaved={onSaved} onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Find contact'), { target: { value: 'mona' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Merge a contact' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Merge Mona M' }));
    expect(screen.queryByRole('button', { name: 'Merge Mona' })).toBeNull();
    expect(fetch.mock.calls.some(([, init]) => init?.method === 'POST')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Merge' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const merge = fetch.mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(String(merge[0])).toBe('/api/v1/contacts/ctc_1/merge');
    expect(JSON.parse(String(merge[1]!.body))).toEqual({ otherContactId: 'ctc_2' });
  });
});
