// The inbox's views with their counts: the everyday ones, the rest behind "More", and the
// agent's own (custom) views.
import { useState } from 'react';
import type { View } from '../api';

// Always in the list; the others wait behind "More".
const ALWAYS_SHOWN = ['unassigned', 'mine', 'open', 'chat'];

interface Props {
  views: View[];
  current: string | null;
  hidden: boolean;
  onChoose: (id: string) => void;
  onEdit: (view: View | null) => void;
}

export function ViewsNav({ views, current, hidden, onChoose, onEdit }: Props) {
  const [showMore, setShowMore] = useState(false);
  // Conversations at risk of missing their service level are never behind "More".
  const primary = (v: View) => ALWAYS_SHOWN.includes(v.id) || (v.id === 'sla' && (v.count > 0 || current === 'sla'));
  const shown = views.filter(primary);
  const more = views.filter((v) => !primary(v) && !v.custom);
  const custom = views.filter((v) => v.custom);
  const button = (v: View, children: React.ReactNode) => (
    <button key={v.id} className={v.id === current ? 'view active' : 'view'} aria-current={v.id === current ? 'page' : undefined} onClick={() => onChoose(v.id)} data-view={v.id}>
      {children}
      <span className="count">{v.count}</span>
    </button>
  );
  return (
    <nav className="views" id="views-panel" aria-label="Views" hidden={hidden}>
      {[...shown, ...(showMore ? more : [])].map((v) => button(v, <span>{v.name}</span>))}
      <button className="link" onClick={() => setShowMore(!showMore)}>
        {showMore ? 'Less' : 'More'}
      </button>
      <h2 className="views-heading">Your views</h2>
      {custom.map((v) => (
        <div key={v.id} className="custom-view">
          {button(
            v,
            <span>
              {v.name}
              {v.custom!.shared && <span className="muted"> · shared</span>}
            </span>,
          )}
          <button className="link" aria-label={`Edit view ${v.name}`} title="Edit view" onClick={() => onEdit(v)}>
            Edit
          </button>
        </div>
      ))}
      <button className="link" onClick={() => onEdit(null)}>
        New view
      </button>
    </nav>
  );
}
