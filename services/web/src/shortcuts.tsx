// Keyboard shortcuts for the common moves. They never fire while typing in a field.
import { useEffect, useRef } from 'react';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous conversation'],
  ['r', 'Reply'],
  ['c', 'Comment'],
  ['a', 'Assign to me'],
  ['e', 'Close (or reopen)'],
  ['/', 'Search'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Leave the editor'],
];

function typingInField(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
}

/** Binds single keys to actions for as long as the component is mounted. */
export function useShortcuts(bindings: Record<string, () => void>): void {
  const latest = useRef(bindings);
  latest.current = bindings;
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape' && typingInField(event.target)) return (event.target as HTMLElement).blur();
      if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
      const action = latest.current[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Shortcuts({ onClose }: { onClose: () => void }) {
  useShortcuts({ Escape: onClose, '?': onClose });
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <section className="dialog" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <dl className="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button onClick={onClose} autoFocus>
          Close
        </button>
      </section>
    </div>
  );
}
