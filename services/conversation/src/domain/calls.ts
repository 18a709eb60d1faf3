// Phone calls as the provider reports them: which statuses end a call, the order a call moves
// through them (it never moves back), and what counts as missed.

/** A phone number in E.164 form, e.g. +4712345678. */
export const E164 = /^\+[1-9]\d{6,14}$/;

const ENDED = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export const isEnded = (status: string): boolean => ENDED.has(status);

/** queued/initiated < ringing < in-progress < ended. */
export const statusRank = (status: string): number => (ENDED.has(status) ? 3 : status === 'in-progress' ? 2 : status === 'ringing' ? 1 : 0);

/** An inbound call that ended without being answered. */
export const isMissed = (direction: string, status: string): boolean => direction === 'inbound' && ENDED.has(status) && status !== 'completed';

export const clock = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
