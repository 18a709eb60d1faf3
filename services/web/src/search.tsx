// The search bar's filter panel and the rendering of search highlights.
import { NativeSelect } from '@mantine/core';
import type { User } from './api';
import { DateField } from './date-field';

export interface SearchFilters {
  q: string;
  status: '' | 'open' | 'closed';
  channel: '' | 'email' | 'chat' | 'messenger' | 'form' | 'phone';
  assigneeId: string;
  // A contact picked from the sidebar ("their conversations"); the name is only for the chip.
  contactId: string;
  contactName: string;
  includeDeactivated: boolean;
  from: string;
  to: string;
  hideFiltered: boolean;
  hideTrash: boolean;
}

export const NO_FILTERS: SearchFilters = { q: '', status: '', channel: '', assigneeId: '', contactId: '', contactName: '', includeDeactivated: false, from: '', to: '', hideFiltered: false, hideTrash: false };

export function searchPath(filters: SearchFilters, inboxId: string | null, sort: string): string {
  const params = new URLSearchParams({ q: filters.q, sort, limit: '100' });
  if (inboxId) params.set('inboxId', inboxId);
  if (filters.status) params.set('status', filters.status);
  if (filters.channel) params.set('channel', filters.channel);
  if (filters.assigneeId) params.set('assigneeId', filters.assigneeId);
  if (filters.contactId) params.set('contactId', filters.contactId);
  if (filters.includeDeactivated) params.set('includeDeactivated', 'true');
  if (filters.from) params.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) params.set('to', new Date(`${filters.to}T23:59:59.999`).toISOString());
  if (filters.hideFiltered) params.set('hideFiltered', 'true');
  if (filters.hideTrash) params.set('hideTrash', 'true');
  return `/search?${params}`;
}

export function FilterPanel({ filters, users, onChange }: { filters: SearchFilters; users: User[]; onChange: (next: SearchFilters) => void }) {
  const set = <K extends keyof SearchFilters>(key: K, value: SearchFilters[K]) => onChange({ ...filters, [key]: value });
  const assignable = users.filter((u) => filters.includeDeactivated || !u.deactivated);
  return (
    <fieldset className="filters" aria-label="Search filters">
      <NativeSelect size="xs" aria-label="Status" value={filters.status} onChange={(e) => set('status', e.target.value as SearchFilters['status'])}>
        <option value="">Any status</option>
        <option value="open">Open</option>
        <option value="closed">Closed</option>
      </NativeSelect>
      <NativeSelect size="xs" aria-label="Channel" value={filters.channel} onChange={(e) => set('channel', e.target.value as SearchFilters['channel'])}>
        <option value="">Any channel</option>
        {['email', 'chat', 'messenger', 'form', 'phone'].map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect size="xs" aria-label="Assignee" value={filters.assigneeId} onChange={(e) => set('assigneeId', e.target.value)}>
        <option value="">Anyone</option>
        <option value="unassigned">Unassigned</option>
        <option value="bot">A bot chatflow</option>
        {assignable.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
            {u.deactivated ? ' (deactivated)' : ''}
          </option>
        ))}
      </NativeSelect>
      {filters.contactId && (
        <button type="button" className="chip" aria-label={`Remove the contact filter ${filters.contactName}`} onClick={() => onChange({ ...filters, contactId: '', contactName: '' })}>
          Contact: {filters.contactName} ×
        </button>
      )}
      <label>
        <input type="checkbox" checked={filters.includeDeactivated} onChange={(e) => set('includeDeactivated', e.target.checked)} /> Show deactivated users
      </label>
      <DateField className="date-filter" label="From" value={filters.from} max={filters.to} clearable onChange={(value) => set('from', value)} />
      <DateField className="date-filter" label="To" value={filters.to} min={filters.from} clearable onChange={(value) => set('to', value)} />
      <label>
        <input type="checkbox" checked={filters.hideFiltered} onChange={(e) => set('hideFiltered', e.target.checked)} /> Hide filtered
      </label>
      <label>
        <input type="checkbox" checked={filters.hideTrash} onChange={(e) => set('hideTrash', e.target.checked)} /> Hide trash
      </label>
    </fieldset>
  );
}

/** OpenSearch escapes the fragment and adds only <mark>; anything else is shown as plain text. */
export function Highlight({ html }: { html: string }) {
  const onlyMarks = html.replace(/<\/?mark>/g, '');
  if (/[<>]/.test(onlyMarks)) return <span className="highlight">{onlyMarks}</span>;
  return <span className="highlight" dangerouslySetInnerHTML={{ __html: html }} />;
}
