// A conversation's service-level badge: when its current target is due, amber once it is at risk
// (75% of the time used), red once breached, grey while it waits on the customer.
import { useEffect, useState } from 'react';
import type { ConversationItem } from './api';

type Sla = NonNullable<ConversationItem['sla']>;

const TARGET_NAMES: Record<Sla['target'], string> = { first_response: 'First reply', next_response: 'Reply', resolution: 'Resolve' };

function span(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}

/** The badge's level, its short text, and the full sentence (naming the target) for its title and screen readers. */
export function slaBadge(sla: Sla, now: number): { level: 'paused' | 'ok' | 'at-risk' | 'breached'; text: string; label: string } {
  const name = TARGET_NAMES[sla.target];
  if (sla.paused || !sla.dueAt) return { level: 'paused', text: 'Paused', label: `${name}: paused while waiting on the customer` };
  const due = Date.parse(sla.dueAt);
  if (now >= due) return { level: 'breached', text: `Overdue ${span(now - due)}`, label: `${name} overdue by ${span(now - due)}` };
  const atRisk = sla.atRiskAt ? now >= Date.parse(sla.atRiskAt) : false;
  return { level: atRisk ? 'at-risk' : 'ok', text: `Due in ${span(due - now)}`, label: `${name} due in ${span(due - now)}` };
}

/** The time now, moving every `everyMs`, so badges turn amber and red without a reload. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function SlaBadge({ sla, now }: { sla: Sla; now: number }) {
  const { level, text, label } = slaBadge(sla, now);
  return (
    <span className={`pill sla ${level}`} role="img" aria-label={label} title={sla.dueAt ? `${label} (${new Date(sla.dueAt).toLocaleString()})` : label}>
      {text}
    </span>
  );
}
