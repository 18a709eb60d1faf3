// The customer's side of a satisfaction survey: a public page reached from the survey email's
// link (the token in the URL is the only key), one click for a score, an optional comment. The
// question is CSAT (how happy, 1–5) or NPS (how likely to recommend us, 0–10).
import { useEffect, useState } from 'react';
import { ApiError, api, type ResponseFor } from './api';

const SCORES: [number, string][] = [
  [1, 'Very unhappy'],
  [2, 'Unhappy'],
  [3, 'Neutral'],
  [4, 'Happy'],
  [5, 'Very happy'],
];

const NPS_SCORES: [number, string][] = Array.from({ length: 11 }, (_, n) => [n, n === 0 ? 'Not at all likely' : n === 10 ? 'Extremely likely' : '']);

type Survey = ResponseFor<'GET', `/feedback/${string}`>;

export function FeedbackPage({ token }: { token: string }) {
  const [survey, setSurvey] = useState<Survey | null>(null);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'loading' | 'ready' | 'saved' | 'invalid'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api('GET', `/feedback/${encodeURIComponent(token)}`)
      .then((s) => {
        setSurvey(s);
        setScore(s.score);
        setComment(s.comment);
        setState('ready');
      })
      .catch(() => setState('invalid'));
  }, [token]);

  async function save(chosen: number) {
    setScore(chosen);
    setError(null);
    try {
      await api('POST', `/feedback/${encodeURIComponent(token)}`, { score: chosen, comment });
      setState('saved');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'could not save your answer');
    }
  }

  return (
    <main className="shell feedback-page">
      <header className="topbar">
        <span className="brand">{survey?.inboxName ?? 'Feedback'}</span>
      </header>
      <section className="login" aria-label="Feedback">
        {state === 'loading' && <p>Loading…</p>}
        {state === 'invalid' && <p role="alert">This survey link is not valid.</p>}
        {(state === 'ready' || state === 'saved') && survey && (
          <>
            <h1>{survey.question === 'nps' ? `How likely are you to recommend ${survey.inboxName} to a friend or colleague?` : 'How happy are you with our help?'}</h1>
            {survey.subject && <p className="muted">About “{survey.subject}”</p>}
            <label className="field">
              Anything you want to add? (optional)
              <textarea value={comment} maxLength={2000} rows={3} onChange={(e) => setComment(e.target.value)} />
            </label>
            <div className={survey.question === 'nps' ? 'scores nps' : 'scores'} role="group" aria-label="Your score">
              {(survey.question === 'nps' ? NPS_SCORES : SCORES).map(([value, label]) => (
                <button key={value} type="button" aria-pressed={score === value} title={label || undefined} onClick={() => void save(value)}>
                  {label && survey.question === 'csat' ? `${value} · ${label}` : value}
                </button>
              ))}
            </div>
            {survey.question === 'nps' && (
              <p className="muted nps-scale">
                <span>0: not at all likely</span>
                <span>10: extremely likely</span>
              </p>
            )}
            {state === 'saved' && <p role="status">Thank you! Your answer is saved; you can change it here any time.</p>}
            {error && <p role="alert">{error}</p>}
          </>
        )}
      </section>
    </main>
  );
}
