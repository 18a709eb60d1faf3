import { describe, expect, it } from 'vitest';
import { slaBadge } from './sla';

const at = (iso: string) => Date.parse(iso);
const sla = { target: 'first_response' as const, dueAt: '2026-12-02T11:00:00Z', atRiskAt: '2026-12-02T10:45:00Z', paused: false };

describe('service-level badges', () => {
  it('is plain while there is time, amber from 75% and red once due', () => {
    expect(slaBadge(sla, at('2026-12-02T10:10:00Z'))).toEqual({ level: 'ok', text: 'Due in 50m', label: 'First reply due in 50m' });
    expect(slaBadge(sla, at('2026-12-02T10:50:00Z'))).toEqual({ level: 'at-risk', text: 'Due in 10m', label: 'First reply due in 10m' });
    expect(slaBadge(sla, at('2026-12-02T11:00:00Z'))).toEqual({ level: 'breached', text: 'Overdue 1m', label: 'First reply overdue by 1m' });
    expect(slaBadge(sla, at('2026-12-02T14:00:00Z'))).toMatchObject({ level: 'breached', text: 'Overdue 3h' });
  });

  it('shows a resolution waiting on the customer as paused', () => {
    expect(slaBadge({ target: 'resolution', dueAt: null, atRiskAt: null, paused: true }, at('2026-12-02T10:00:00Z'))).toEqual({ level: 'paused', text: 'Paused', label: 'Resolve: paused while waiting on the customer' });
  });
});
