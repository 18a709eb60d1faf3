import { emptyFactCounts, figuresFrom, reportCsv, validateReportQuery, type FactCounts } from './reports';

const counts = (over: Partial<FactCounts> = {}): FactCounts => ({ ...emptyFactCounts(), ...over });

describe('report queries', () => {
  it('takes whole days, a known grouping and optional filters', () => {
    expect(validateReportQuery({ from: '2026-02-28', to: '2026-03-01', groupBy: 'team', inboxId: '', teamId: 'team_1' })).toEqual({
      from: '2026-02-28',
      to: '2026-03-01',
      groupBy: 'team',
      inboxId: null,
      teamId: 'team_1',
      agentId: null,
    });
  });

  it.each([
    [{ from: '2026-02-29', to: '2026-03-01', groupBy: 'day' }, 'invalid_date'],
    [{ from: '2026-1-01', to: '2026-03-01', groupBy: 'day' }, 'invalid_date'],
    [{ from: '2026-03-02', to: '2026-03-01', groupBy: 'day' }, 'invalid_range'],
    [{ from: '2022-01-01', to: '2026-03-01', groupBy: 'day' }, 'invalid_range'],
    [{ from: '2026-03-01', to: '2026-03-01', groupBy: 'hour' }, 'invalid_group_by'],
  ])('refuses %j with %s', (input, code) => {
    expect(() => validateReportQuery(input)).toThrow(expect.objectContaining({ code }));
  });
});

describe('report figures', () => {
  it('derives shares only when there is something to share', () => {
    expect(figuresFrom(counts())).toMatchObject({ sla: { attainment: null }, csat: { average: null, responseRate: null }, nps: { score: null, responseRate: null } });
    const f = figuresFrom(counts({ slaMet: 3, slaBreached: 1, csatSent: 4, csatAnswered: 2, csatSum: 9, npsSent: 5, npsAnswered: 4, npsPromoters: 2, npsDetractors: 1 }));
    expect(f.sla.attainment).toBe(0.75);
    expect(f.csat).toEqual({ sent: 4, answered: 2, average: 4.5, responseRate: 0.5 });
    expect(f.nps).toMatchObject({ score: 25, responseRate: 0.8 });
  });

  it('writes CSV with quoted labels that cannot run as spreadsheet formulas', () => {
    const csv = reportCsv({
      from: '2026-01-01',
      to: '2026-01-31',
      timeZone: 'UTC',
      groupBy: 'agent',
      totals: figuresFrom(counts({ created: 3 })),
      groups: [{ key: 'usr_1', label: '=HYPERLINK("x")', figures: figuresFrom(counts({ created: 3, csatSent: 3, csatAnswered: 1, csatSum: 4 })) }],
      busiestHours: [],
    });
    const [header, row, total] = csv.trimEnd().split('\r\n');
    expect(header.split(',')).toHaveLength(22);
    expect(row.startsWith(`"'=HYPERLINK(""x"")",3,`)).toBe(true);
    expect(row).toContain(',3,1,4,0.3333,');
    expect(total.startsWith('"Total",3,0,0,')).toBe(true);
  });
});
