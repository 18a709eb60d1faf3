// A settings change with its outcome shown next to it.
import { useCallback, useState } from 'react';
import { ApiError } from './api';

/** Runs a settings change, showing its error (the API's message) or a short confirmation. */
export function useAction() {
  const [state, setState] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });
  const run = useCallback(async (action: () => Promise<unknown>, done: string | (() => string)) => {
    setState({ error: null, done: null });
    try {
      await action();
      setState({ error: null, done: typeof done === 'function' ? done() : done });
      return true;
    } catch (e) {
      setState({ error: e instanceof ApiError ? e.message : 'failed', done: null });
      return false;
    }
  }, []);
  const feedback = (
    <>
      {state.error && <p role="alert">{state.error}</p>}
      {state.done && <p role="status">{state.done}</p>}
    </>
  );
  return { run, feedback };
}
