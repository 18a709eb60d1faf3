// Settings of the account (its name, and the time zone its reports count days in) and of an
// inbox's satisfaction survey (sent by itself on close or not, how often per contact, CSAT or NPS).
import { NativeSelect } from '@mantine/core';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type Inbox } from './api';
import { useAction } from './use-action';

const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

export function AccountSettings() {
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState('UTC');
  const [loaded, setLoaded] = useState(false);
  const { run, feedback } = useAction();
  useEffect(() => {
    void api('GET', '/account').then((a) => {
      setName(a.name);
      setTimeZone(a.timeZone);
      setLoaded(true);
    });
  }, []);
  // Until the account is read, there is nothing to edit: a choice made earlier would be overwritten.
  if (!loaded) return <p className="muted">Loading the account…</p>;
  async function save(event: FormEvent) {
    event.preventDefault();
    await run(() => api('PATCH', '/account', { name, timeZone }), 'Account saved');
  }
  return (
    <form aria-label="Account" onSubmit={(e) => void save(e)}>
      <h2>Account</h2>
      <label className="field">
        Name
        <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        Time zone (reports count days in it)
        <NativeSelect size="xs" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
          {[...new Set(['UTC', ...ZONES])].map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </NativeSelect>
      </label>
      <button type="submit">Save account</button>
      {feedback}
    </form>
  );
}

export function SurveySettings({ inbox, picker, onSaved }: { inbox: Inbox; picker: ReactNode; onSaved: () => void }) {
  const [onClose, setOnClose] = useState(inbox.survey.onClose);
  const [everyDays, setEveryDays] = useState(String(inbox.survey.everyDays));
  const [question, setQuestion] = useState(inbox.survey.question);
  const { run, feedback } = useAction();
  useEffect(() => {
    setOnClose(inbox.survey.onClose);
    setEveryDays(String(inbox.survey.everyDays));
    setQuestion(inbox.survey.question);
  }, [inbox]);
  async function save(event: FormEvent) {
    event.preventDefault();
    if (await run(() => api('PUT', `/inboxes/${inbox.id}/survey`, { onClose, everyDays: Number(everyDays), question }), `Survey of “${inbox.name}” saved`)) onSaved();
  }
  return (
    <form aria-label="Surveys" onSubmit={(e) => void save(e)}>
      <h2>Satisfaction surveys</h2>
      {picker}
      <label className="field">
        Question
        <NativeSelect size="xs" value={question} onChange={(e) => setQuestion(e.target.value as 'csat' | 'nps')}>
          <option value="csat">CSAT: how happy were you with our help (1–5)</option>
          <option value="nps">NPS: how likely are you to recommend us (0–10)</option>
        </NativeSelect>
      </label>
      <label className="choice">
        <input type="checkbox" checked={onClose} onChange={(e) => setOnClose(e.target.checked)} /> Send it when a conversation is closed
      </label>
      <label className="field">
        At most one survey per contact in (days)
        <input type="number" min={1} max={365} required value={everyDays} onChange={(e) => setEveryDays(e.target.value)} />
      </label>
      <button type="submit">Save survey</button>
      {feedback}
    </form>
  );
}
