// The thread's header: subject, owner and team, close or reopen, trash and its recovery, the
// rarer actions behind "More", and what those open (forwarding, the summary, a confirmation).
import { Button, NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, type ConversationDetail, type User } from './api';
import { SummaryPanel } from './assist';
import { ConfirmDialog, type PendingConfirmation } from './confirm';
import { MenuButton, type MenuItem } from './menu';
import { useRealtime } from './realtime';

/** Runs a change to the conversation and reports it (with an undo where there is one). */
export type Act = (run: () => Promise<unknown>, done?: string, undo?: () => Promise<unknown>) => Promise<void>;

interface Props {
  detail: ConversationDetail;
  me: User;
  users: User[];
  openTickets: number;
  act: Act;
  onDeleted: () => void;
  onError: (message: string) => void;
}

export function ThreadHeader({ detail, me, users, openTickets, act, onDeleted, onError }: Props) {
  const id = detail.id;
  const [closeTicket, setCloseTicket] = useState(false);
  const [forwardTo, setForwardTo] = useState<string | null>(null);
  const [summaryOpen, setSummaryOpen] = useState(false);
  const [confirming, setConfirming] = useState<PendingConfirmation | null>(null);
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);
  const loadTeams = useCallback(() => {
    void api('GET', '/teams').then((r) => setTeams(r.items), () => setTeams([]));
  }, []);
  useEffect(loadTeams, [loadTeams]);
  useRealtime((frame) => {
    if (frame.type === 'directory.changed' && frame.part === 'teams') loadTeams();
  });

  function moreActions(): MenuItem[] {
    const items: MenuItem[] = [];
    if (detail.filtered) items.push({ label: 'Not spam', onSelect: () => void act(() => api('POST', `/conversations/${id}/not-spam`), 'Back in the inbox') });
    else items.push({ label: 'Mark as spam', onSelect: () => void act(() => api('POST', `/conversations/${id}/spam`), 'Moved to Spam', () => api('POST', `/conversations/${id}/not-spam`)) });
    if (detail.filteredReason === 'blocked_sender') {
      items.push({ label: 'Unblock sender', onSelect: () => void act(() => api('POST', `/conversations/${id}/unblock-sender`), 'Sender unblocked') });
    } else if (detail.contact) {
      const who = detail.contact.email ?? detail.contact.name ?? 'this sender';
      items.push({
        label: 'Block sender',
        danger: true,
        onSelect: () =>
          setConfirming({
            title: `Block ${who}?`,
            body: 'This conversation and every future one from them go to Spam, and their tickets are deleted. You can unblock them later.',
            confirmLabel: 'Block sender',
            run: () => act(() => api('POST', `/conversations/${id}/block-sender`), 'Sender blocked'),
          }),
      });
    }
    items.push({ label: 'Forward', onSelect: () => setForwardTo(forwardTo === null ? '' : null) });
    if (detail.channel === 'chat' || detail.channel === 'messenger') {
      items.push({ label: 'Send transcript', onSelect: () => void act(() => api('POST', `/conversations/${id}/transcript`, {}), 'Transcript sent') });
    }
    items.push({ label: 'Send survey', onSelect: () => void act(() => api('POST', `/conversations/${id}/survey`), 'Survey sent') });
    items.push({ label: summaryOpen ? 'Hide summary' : 'Summarize', onSelect: () => setSummaryOpen(!summaryOpen) });
    if (detail.channel === 'phone') items.push({ label: 'Call back', onSelect: () => void act(() => api('POST', `/conversations/${id}/calls`), 'Calling…') });
    if (me.role === 'superadmin') {
      items.push({ label: 'Place legal hold', onSelect: () => void act(() => api('PUT', `/legal-holds/conversation/${id}`, { reason: `Placed by ${me.name}` }), 'Legal hold placed: nothing of this conversation is deleted until it is released') });
    }
    return items;
  }

  return (
    <>
      <header className="thread-head">
        <h2>{detail.subject || detail.contact?.name || 'Conversation'}</h2>
        <label>
          Owner{' '}
          <NativeSelect size="xs"
            aria-label="Owner"
            value={detail.assignee?.id ?? ''}
            onChange={(e) => void act(() => api('PATCH', `/conversations/${id}`, { assigneeId: e.target.value || null }))}
          >
            <option value="">Unassigned</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </NativeSelect>
        </label>
        {teams.length > 0 && (
          <label>
            Team{' '}
            <NativeSelect size="xs" aria-label="Team" value={detail.teamId ?? ''} onChange={(e) => void act(() => api('PATCH', `/conversations/${id}`, { teamId: e.target.value || null }))}>
              <option value="">No team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </NativeSelect>
          </label>
        )}
        {detail.status === 'open' ? (
          <>
            <Button variant="default" onClick={() => void act(() => api('PATCH', `/conversations/${id}`, { status: 'closed', ...(openTickets > 0 && closeTicket ? { closeTicket: true } : {}) }))}>
              Close
            </Button>
            {openTickets > 0 && (
              <label className="choice">
                <input type="checkbox" checked={closeTicket} onChange={(e) => setCloseTicket(e.target.checked)} /> and its ticket
              </label>
            )}
          </>
        ) : (
          <Button variant="default" onClick={() => void act(() => api('POST', `/conversations/${id}/reopen`))}>
            Reopen
          </Button>
        )}
        {detail.trashedAt ? (
          <>
            <Button variant="default" onClick={() => void act(() => api('POST', `/conversations/${id}/restore`), 'Restored')}>
              Restore
            </Button>
            <Button
              color="red"
              onClick={() =>
                setConfirming({
                  title: 'Delete forever?',
                  body: 'Its messages, attachments and tickets are deleted for good. This cannot be undone.',
                  confirmLabel: 'Delete forever',
                  run: () =>
                    api('DELETE', `/conversations/${id}`)
                      .then(onDeleted)
                      .catch((e) => onError(e instanceof ApiError ? e.message : 'failed')),
                })
              }
            >
              Delete forever
            </Button>
          </>
        ) : (
          <Button variant="default" onClick={() => void act(() => api('POST', `/conversations/${id}/trash`), 'Moved to Trash', () => api('POST', `/conversations/${id}/restore`))}>
            Delete
          </Button>
        )}
        <MenuButton label="More actions" items={moreActions()} />
      </header>
      {forwardTo !== null && (
        <form
          className="forward"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await api('POST', `/conversations/${id}/forward`, { to: forwardTo });
              setForwardTo(null);
            }, 'Forwarded');
          }}
        >
          <label>
            Forward to <input type="email" required value={forwardTo} onChange={(e) => setForwardTo(e.target.value)} />
          </label>
          <button type="submit">Send forward</button>
        </form>
      )}
      {summaryOpen && <SummaryPanel conversationId={id} onClose={() => setSummaryOpen(false)} />}
      {confirming && <ConfirmDialog pending={confirming} onDone={() => setConfirming(null)} />}
    </>
  );
}
