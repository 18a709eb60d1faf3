// Loads overlap (a realtime frame, a timer and the user's own action can each start one), and
// their answers can come back in any order. Applying an older answer after a newer one shows data
// from before the newest change until something else reloads; so an answer applies only if no
// newer one has. A failure is not an answer: a newer load that fails does not hide an older one.
import { useCallback, useRef } from 'react';

export type LoadTicket = {
  /** True, and this answer becomes the one shown, unless a newer load's answer was applied. */
  apply: () => boolean;
  /** Whether a newer load's answer was applied (then this load's failure is old news too). */
  superseded: () => boolean;
};

export function newestLoads(): () => LoadTicket {
  let started = 0;
  let applied = 0;
  return () => {
    const ticket = ++started;
    return {
      apply: () => {
        if (ticket < applied) return false;
        applied = ticket;
        return true;
      },
      superseded: () => ticket < applied,
    };
  };
}

export function useNewestLoad(): () => LoadTicket {
  const begin = useRef(newestLoads());
  return useCallback(() => begin.current(), []);
}
