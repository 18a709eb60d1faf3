// A confirmation for what cannot be undone (or is costly to undo): the action runs only after an
// explicit second click; Escape or Cancel leaves everything as it was.
import { Button } from '@mantine/core';
import { useEffect, useRef } from 'react';

export interface PendingConfirmation {
  title: string;
  body: string;
  confirmLabel: string;
  run: () => void | Promise<void>;
}

export function ConfirmDialog({ pending, onDone }: { pending: PendingConfirmation; onDone: () => void }) {
  const cancel = useRef<HTMLButtonElement | null>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <section className="dialog confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body">
        <h2 id="confirm-title">{pending.title}</h2>
        <p id="confirm-body">{pending.body}</p>
        <div className="row">
          <Button
            color="red"
            onClick={() => {
              onDone();
              void pending.run();
            }}
          >
            {pending.confirmLabel}
          </Button>
          <Button variant="default" ref={cancel} onClick={onDone}>
            Cancel
          </Button>
        </div>
      </section>
    </div>
  );
}
