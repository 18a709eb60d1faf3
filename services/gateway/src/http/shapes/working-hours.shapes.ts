// Working hours on the API: a time zone and weekly periods (an agent's, a team's, an inbox's).
import { z } from '@inbox/lib';

const Period = z.object({ day: z.number().int().min(0).max(6), start: z.string().regex(/^\d\d:\d\d$/), end: z.string().regex(/^\d\d:\d\d$/) });
export const WorkingHoursDto = z.object({ timeZone: z.string().min(1).max(64), periods: z.array(Period).max(50) }).openapi('WorkingHours');
