// Reports: a date range in the account's time zone, one grouping (day, week, inbox, team, agent,
// channel) and optional inbox and team filters; the headline figures, charts of the volume and
// response times per group and of the busiest hours, the table behind them, and the same figures
// as CSV. Agents see their own figures.
import { NativeSelect } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, api, downloadFile, type ResponseOf, type User } from './api';
import { formatDuration } from './durations';
import { useNewestLoad } from './latest';
import { DateField } from './date-field';

type Summary = ResponseOf<'/api/v1/reports/summary', 'get'>;
type Figures = Summary['totals'];
type Grouping = 'day' | 'week' | 'inbox' | 'team' | 'agent' | 'channel';
const GROUPINGS: [Grouping, string][] = [
  ['day', 'Day'],
  ['week', 'Week'],
  ['inbox', 'Inbox'],
  ['team', 'Team'],
  ['agent', 'Agent'],
  ['channel', 'Channel'],
];

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const daysAgo = (days: number) => isoDay(new Date(Date.now() - days * 86_400_000));

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10}%`);
const decimal = (value: number | null, digits = 2) => (value === null ? '—' : value.toFixed(digits));

function Tile({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="tile" role="group" aria-label={label}>
      <span className="tile-label">{label}</span>
      <strong className="tile-value">{value}</strong>
      {detail && <span className="muted tile-detail">{detail}</span>}
    </div>
  );
}

function Headline({ f }: { f: Figures }) {
  return (
    <div className="tiles">
      <Tile label="New conversations" value={String(f.newConversations)} detail={`${f.reopened} reopened`} />
      <Tile label="Closed" value={String(f.closed)} />
      <Tile label="First response (median)" value={formatDuration(f.firstResponse.medianSeconds)} detail={`90%: ${formatDuration(f.firstResponse.p90Seconds)}`} />
      <Tile label="Resolution (median)" value={formatDuration(f.resolution.medianSeconds)} detail={`90%: ${formatDuration(f.resolution.p90Seconds)}`} />
      <Tile label="Replies" value={String(f.replies)} />
      <Tile label="SLA attainment" value={percent(f.sla.attainment)} detail={`${f.sla.met} met, ${f.sla.breached} breached`} />
      <Tile label="CSAT" value={decimal(f.csat.average)} detail={`${percent(f.csat.responseRate)} answered of ${f.csat.sent}`} />
      <Tile label="NPS" value={f.nps.score === null ? '—' : String(Math.round(f.nps.score))} detail={`${percent(f.nps.responseRate)} answered of ${f.nps.sent}`} />
    </div>
  );
}

function downloadCsv(query: string, fileName: string): Promise<void> {
  return downloadFile(`/reports/export.csv?${query}`, fileName);
}

export function ReportsPage({ me }: { me: User }) {
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(daysAgo(0));
  const [groupBy, setGroupBy] = useState<Grouping>('day');
  const [inboxId, setInboxId] = useState('');
  const [teamId, setTeamId] = useState('');
  const [inboxes, setInboxes] = useState<{ id: string; name: string }[]>([]);
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = me.role === 'admin' || me.role === 'superadmin';
  const load = useNewestLoad();

  useEffect(() => {
    void api('GET', '/inboxes').then((r) => setInboxes(r.items));
    void api('GET', '/teams').then((r) => setTeams(r.items));
  }, []);

  const query = useMemo(() => {
    const params = new URLSearchParams({ from, to, groupBy });
    if (inboxId) params.set('inboxId', inboxId);
    if (teamId) params.set('teamId', teamId);
    return params.toString();
  }, [from, to, groupBy, inboxId, teamId]);

  useEffect(() => {
    const ticket = load();
    api('GET', `/reports/summary?${query}`)
      .then((s) => {
        if (!ticket.apply()) return;
        setSummary(s);
        setError(null);
      })
      .catch((e) => {
        if (!ticket.superseded()) setError(e instanceof ApiError ? e.message : 'the report could not be loaded');
      });
  }, [query, load]);

  const rows = (summary?.groups ?? []).map((g) => ({
    name: g.label,
    'New conversations': g.figures.newConversations,
    Closed: g.figures.closed,
    'First response median (min)': g.figures.firstResponse.medianSeconds === null ? null : Math.round(g.figures.firstResponse.medianSeconds / 6) / 10,
    'Resolution median (h)': g.figures.resolution.medianSeconds === null ? null : Math.round(g.figures.resolution.medianSeconds / 360) / 10,
  }));
  const hours = (summary?.busiestHours ?? []).map((n, hour) => ({ hour: `${String(hour).padStart(2, '0')}:00`, 'New conversations': n }));
  const overTime = groupBy === 'day' || groupBy === 'week';

  return (
    <main className="shell reports-page">
      <header className="topbar">
        <span className="brand">Reports</span>
        <span className="spacer" />
        {admin && <a className="link" href="/wallboard">Wallboard</a>}
        <a className="link" href="/">
          Back to the inbox
        </a>
      </header>
      <section className="reports" aria-label="Reports">
        <form className="report-controls" onSubmit={(e) => e.preventDefault()}>
          <DateField className="field" label="From" value={from} max={to} onChange={setFrom} />
          <DateField className="field" label="To" value={to} min={from} onChange={setTo} />
          <label className="field">
            Group by
            <NativeSelect size="xs" value={groupBy} onChange={(e) => setGroupBy(e.target.value as Grouping)}>
              {GROUPINGS.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </NativeSelect>
          </label>
          <label className="field">
            Inbox
            <NativeSelect size="xs" value={inboxId} onChange={(e) => setInboxId(e.target.value)}>
              <option value="">All inboxes</option>
              {inboxes.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </NativeSelect>
          </label>
          <label className="field">
            Team
            <NativeSelect size="xs" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              <option value="">All teams</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </NativeSelect>
          </label>
          <button type="button" onClick={() => void downloadCsv(query, `report-${from}-${to}-by-${groupBy}.csv`).catch((e) => setError(e.message))}>
            Download CSV
          </button>
        </form>
        {!admin && <p className="muted">Your own figures: conversations you handled, your replies and your survey answers.</p>}
        {error && <p role="alert">{error}</p>}
        {summary && (
          <>
            <p className="muted">
              {summary.from} to {summary.to}, days in {summary.timeZone}
            </p>
            <Headline f={summary.totals} />
            <div className="charts">
              <figure className="chart" aria-label="Volume">
                <figcaption>New and closed conversations by {groupBy}</figcaption>
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={rows}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="name" />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="New conversations" fill="#2f6fb2" isAnimationActive={false} />
                    <Bar dataKey="Closed" fill="#6fa86f" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
              <figure className="chart" aria-label="Response times">
                <figcaption>Median first response (minutes) and resolution (hours)</figcaption>
                <ResponsiveContainer width="100%" height={240}>
                  {overTime ? (
                    <LineChart data={rows}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="name" />
                      <YAxis />
                      <Tooltip />
                      <Legend />
                      <Line dataKey="First response median (min)" stroke="#b25c2f" connectNulls isAnimationActive={false} />
                      <Line dataKey="Resolution median (h)" stroke="#6a4fb2" connectNulls isAnimationActive={false} />
                    </LineChart>
                  ) : (
                    <BarChart data={rows}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="name" />
                      <YAxis />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="First response median (min)" fill="#b25c2f" isAnimationActive={false} />
                      <Bar dataKey="Resolution median (h)" fill="#6a4fb2" isAnimationActive={false} />
                    </BarChart>
                  )}
                </ResponsiveContainer>
              </figure>
              <figure className="chart" aria-label="Busiest hours">
                <figcaption>Busiest hours: new conversations by hour of the day</figcaption>
                <ResponsiveContainer width="100%" height={200}>
                  <BarChart data={hours}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="hour" interval={2} />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Bar dataKey="New conversations" fill="#2f6fb2" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            </div>
            <table className="report-table">
              <thead>
                <tr>
                  <th scope="col">{GROUPINGS.find(([id]) => id === groupBy)![1]}</th>
                  <th scope="col">New</th>
                  <th scope="col">Reopened</th>
                  <th scope="col">Closed</th>
                  <th scope="col">First response median / 90%</th>
                  <th scope="col">Resolution median / 90%</th>
                  <th scope="col">Replies</th>
                  <th scope="col">SLA attainment</th>
                  <th scope="col">CSAT</th>
                  <th scope="col">NPS</th>
                </tr>
              </thead>
              <tbody>
                {[...summary.groups.map((g) => [g.key || 'none', g.label, g.figures] as const), ['total', 'Total', summary.totals] as const].map(([key, label, f]) => (
                  <tr key={key} className={key === 'total' ? 'total' : undefined}>
                    <th scope="row">{label}</th>
                    <td>{f.newConversations}</td>
                    <td>{f.reopened}</td>
                    <td>{f.closed}</td>
                    <td>
                      {formatDuration(f.firstResponse.medianSeconds)} / {formatDuration(f.firstResponse.p90Seconds)}
                    </td>
                    <td>
                      {formatDuration(f.resolution.medianSeconds)} / {formatDuration(f.resolution.p90Seconds)}
                    </td>
                    <td>{f.replies}</td>
                    <td>{percent(f.sla.attainment)}</td>
                    <td>{decimal(f.csat.average)}</td>
                    <td>{f.nps.score === null ? '—' : Math.round(f.nps.score)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </main>
  );
}
