// Settings › Data retention (super admins change it): how long closed conversations are kept, per
// account and per inbox; the dry run of what applying it now deletes, and applying it after a
// confirmation; the legal holds that keep conversations and contacts, with Release.
import { NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api, type Inbox, type LegalHold, type RetentionPreview, type User } from './api';
import { ConfirmDialog, type PendingConfirmation } from './confirm';
import { useAction } from './use-action';

type InboxRule = 'account' | 'forever' | 'days';

export function DataRetention({ me, inboxes }: { me: User; inboxes: Inbox[] }) {
  const canChange = me.role === 'superadmin';
  const [accountDays, setAccountDays] = useState('');
  const [rules, setRules] = useState<Record<string, { rule: InboxRule; days: string }>>({});
  const [preview, setPreview] = useState<RetentionPreview | null>(null);
  const [holds, setHolds] = useState<LegalHold[]>([]);
  const [confirming, setConfirming] = useState<PendingConfirmation | null>(null);
  const { run, feedback } = useAction();

  const load = useCallback(async () => {
    const [policy, held] = await Promise.all([api('GET', '/retention'), api('GET', '/legal-holds')]);
    setAccountDays(policy.closedConversationDays === null ? '' : String(policy.closedConversationDays));
    setRules(Object.fromEntries(policy.inboxes.map((i) => [i.inboxId, { rule: i.keep, days: i.days === null ? '' : String(i.days) }])));
    setHolds(held.items);
    setPreview(null);
  }, []);
  useEffect(() => void load().catch(() => undefined), [load]);

  const ruleOf = (inboxId: string) => rules[inboxId] ?? { rule: 'account' as InboxRule, days: '' };

  async function save() {
    const body = {
      closedConversationDays: accountDays ? Number(accountDays) : null,
      inboxes: Object.entries(rules)
        .filter(([, r]) => r.rule !== 'account')
        .map(([inboxId, r]) => ({ inboxId, keep: r.rule === 'days' ? ('days' as const) : ('forever' as const), days: r.rule === 'days' ? Number(r.days) : null })),
    };
    if (await run(() => api('PUT', '/retention', body), 'Retention saved')) await load();
  }

  async function dryRun() {
    await run(async () => setPreview(await api('GET', '/retention/preview')), 'Counted');
  }

  function apply(count: number) {
    setConfirming({
      title: `Delete ${count} closed conversations now?`,
      body: 'They go with their messages, attachments and tickets, and cannot be restored. Conversations under a legal hold stay.',
      confirmLabel: `Delete ${count} conversations`,
      run: async () => {
        let deleted = 0;
        if (await run(async () => void (deleted = (await api('POST', '/retention/apply', { expected: count })).deleted), () => `${deleted} conversations deleted`)) await load();
      },
    });
  }

  async function release(hold: LegalHold) {
    if (await run(() => api('DELETE', `/legal-holds/${hold.targetType}/${hold.targetId}`), 'Legal hold released')) await load();
  }

  return (
    <>
      <h2>Data retention</h2>
      <p className="muted">Closed conversations are deleted this many days after their last change, with their messages, attachments and tickets. Empty keeps them forever.</p>
      <form aria-label="Retention" onSubmit={(e) => (e.preventDefault(), void save())}>
        <label className="field">
          Keep closed conversations (days)
          <input type="number" min={1} max={36500} value={accountDays} disabled={!canChange} onChange={(e) => setAccountDays(e.target.value)} />
        </label>
        <table aria-label="Inbox retention">
          <thead>
            <tr>
              <th scope="col">Inbox</th>
              <th scope="col">Rule</th>
              <th scope="col">Days</th>
            </tr>
          </thead>
          <tbody>
            {inboxes.map((inbox) => {
              const own = ruleOf(inbox.id);
              return (
                <tr key={inbox.id}>
                  <td>{inbox.name}</td>
                  <td>
                    <NativeSelect size="xs" aria-label={`Rule for ${inbox.name}`} value={own.rule} disabled={!canChange} onChange={(e) => setRules({ ...rules, [inbox.id]: { ...own, rule: e.target.value as InboxRule } })}>
                      <option value="account">As the account</option>
                      <option value="forever">Keep forever</option>
                      <option value="days">Own number of days</option>
                    </NativeSelect>
                  </td>
                  <td>
                    {own.rule === 'days' && (
                      <input aria-label={`Days for ${inbox.name}`} type="number" min={1} max={36500} required value={own.days} disabled={!canChange} onChange={(e) => setRules({ ...rules, [inbox.id]: { ...own, days: e.target.value } })} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {canChange && <button type="submit">Save retention</button>}
      </form>
      <h3>Dry run</h3>
      <button onClick={() => void dryRun()}>Count what would be deleted</button>
      {preview && (
        <div role="region" aria-label="Dry run">
          <p>
            {preview.total} closed conversations are due now{preview.held > 0 ? `; ${preview.held} more are kept by legal holds` : ''}.
          </p>
          <ul>
            {preview.inboxes.map((i) => (
              <li key={i.inboxId}>
                {inboxes.find((x) => x.id === i.inboxId)?.name ?? i.inboxId}: {i.conversations} (kept {i.days} days)
              </li>
            ))}
          </ul>
          {canChange && preview.total > 0 && (
            <button className="danger" onClick={() => apply(preview.total)}>
              Delete {preview.total} now
            </button>
          )}
        </div>
      )}
      <h3>Legal holds</h3>
      <p className="muted">A held conversation, or every conversation of a held contact, is never deleted: not from the trash, not by retention. Place one from a conversation’s menu.</p>
      <table aria-label="Legal holds">
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Reason</th>
            <th scope="col">Since</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <tr key={`${h.targetType}:${h.targetId}`}>
              <td>
                {h.targetType} {h.targetId}
              </td>
              <td>{h.reason || '—'}</td>
              <td>{new Date(h.placedAt).toLocaleString()}</td>
              <td>{canChange && <button onClick={() => void release(h)}>Release</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {feedback}
      {confirming && <ConfirmDialog pending={confirming} onDone={() => setConfirming(null)} />}
    </>
  );
}
