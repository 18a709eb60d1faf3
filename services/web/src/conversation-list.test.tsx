import { fireEvent, screen, waitFor } from '@testing-library/react';
import { render } from './test-render';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from '@testing-library/react';
import type { ConversationItem } from './api';
import { ConversationList } from './conversation-list';

afterEach(cleanup);

function item(n: number, overrides: Partial<ConversationItem> = {}): ConversationItem {
  return {
    id: `con_${n}`,
    inboxId: 'inb_1',
    status: 'open',
    channel: 'email',
    replyChannel: null,
    teamId: null,
    subject: `Subject ${n}`,
    preview: `Preview ${n}`,
    contact: { id: `ctc_${n}`, name: `Customer ${n}`, email: `c${n}@example.com` },
    participantCount: 1,
    assignee: null,
    lastMessageAt: new Date('2026-12-02T10:00:00Z').toISOString(),
    lastMessageDirection: 'inbound',
    commentPreview: null,
    filtered: false,
    filteredReason: null,
    trashedAt: null,
    version: 1,
    createdAt: new Date('2026-12-02T10:00:00Z').toISOString(),
    sla: null,
    ...overrides,
  };
}

function renderList(items: ConversationItem[], props: Partial<Parameters<typeof ConversationList>[0]> = {}) {
  const onOpen = vi.fn();
  const onSelect = vi.fn();
  render(
    <ConversationList items={items} openId={null} selected={new Set()} hasMore={false} emptyText="Nothing here" onOpen={onOpen} onSelect={onSelect} onLoadMore={() => undefined} {...props} />,
  );
  return { onOpen, onSelect };
}

describe('ConversationList', () => {
  it('shows the empty text when there is nothing', () => {
    renderList([]);
    expect(screen.getByText('Nothing here')).toBeTruthy();
  });

  it('names chat rows for their channel, marks closed ones, and says whether a reply is owed', () => {
    renderList([item(1, { channel: 'chat', subject: '' }), item(2, { status: 'closed', lastMessageDirection: 'outbound' })]);
    expect(screen.getByText('Live chat')).toBeTruthy();
    expect(screen.getByText('Closed')).toBeTruthy();
    expect(screen.getAllByRole('img', { name: 'Needs a reply' })).toHaveLength(1);
    expect(screen.getAllByRole('img', { name: 'Replied' })).toHaveLength(1);
  });

  it('is one Tab stop: arrow keys move the focus, Enter opens, x selects', async () => {
    const { onOpen, onSelect } = renderList([item(1), item(2), item(3)]);
    const rows = () => screen.getAllByRole('button').filter((b) => b.classList.contains('row-body'));
    expect(rows().filter((b) => b.tabIndex === 0)).toHaveLength(1);
    expect(screen.getAllByRole('checkbox').every((c) => (c as HTMLInputElement).tabIndex === -1)).toBe(true);
    rows()[0].focus();
    const focusedIndex = () => document.activeElement?.getAttribute('data-index');
    fireEvent.keyDown(rows()[0], { key: 'ArrowDown' });
    await waitFor(() => expect(focusedIndex()).toBe('1'));
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(focusedIndex()).toBe('2'));
    fireEvent.keyDown(document.activeElement!, { key: 'x' });
    expect(onSelect).toHaveBeenCalledWith('con_3', true);
    fireEvent.click(document.activeElement!);
    expect(onOpen).toHaveBeenCalledWith('con_3');
  });

  it('starts the focus at the open conversation', () => {
    renderList([item(1), item(2), item(3)], { openId: 'con_2' });
    const focusable = screen.getAllByRole('button').find((b) => b.tabIndex === 0);
    expect(focusable?.getAttribute('data-conversation')).toBe('con_2');
  });
});
