import { Avatar, Badge } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { ConversationItem } from './api';
import { Icon, channelIcon } from './icons';
import { Highlight } from './search';
import { SlaBadge, useNow } from './sla';

// Rows have one fixed height so only the visible window (plus a margin) is in the DOM:
// 10,000 loaded conversations scroll as smoothly as 20.
export const ROW_HEIGHT = 96;
const OVERSCAN = 6;
// Ask for the next page while this many rows are still below the window.
const PREFETCH_ROWS = 20;

interface Props {
  items: ConversationItem[];
  openId: string | null;
  selected: Set<string>;
  hasMore: boolean;
  emptyText: string;
  onOpen: (id: string) => void;
  onSelect: (id: string, on: boolean) => void;
  onLoadMore: () => void;
}

export function ConversationList({ items, openId, selected, hasMore, emptyText, onOpen, onSelect, onLoadMore }: Props) {
  const scroller = useRef<HTMLDivElement | null>(null);
  const now = useNow();
  const [scrollTop, setScrollTop] = useState(0);
  // One Tab stop for the whole list (roving focus): arrow keys, Home and End move between rows,
  // Enter opens, x selects.
  const [focusIndex, setFocusIndex] = useState(0);
  const moved = useRef(false);
  const openIndex = items.findIndex((c) => c.id === openId);
  const current = Math.min(focusIndex, Math.max(0, items.length - 1));
  useEffect(() => {
    if (openIndex !== -1) setFocusIndex(openIndex);
  }, [openIndex]);
  const [height, setHeight] = useState(800);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (hasMore && last + PREFETCH_ROWS >= items.length) onLoadMore();
  }, [hasMore, last, items.length, onLoadMore]);

  // j/k and deep links move the selection anywhere in the list: bring that row into view.
  useEffect(() => {
    const element = scroller.current;
    const at = items.findIndex((c) => c.id === openId);
    if (!element || at === -1) return;
    const top = at * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [openId, items]);

  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    const element = scroller.current;
    if (element) {
      const top = current * ROW_HEIGHT;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    }
    // The row may be drawn only after the scroll: focus it on the next frame.
    requestAnimationFrame(() => element?.querySelector<HTMLButtonElement>(`button[data-index="${current}"]`)?.focus());
  }, [current]);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.target instanceof HTMLInputElement && e.target.type !== 'checkbox') return;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const next =
      e.key === 'ArrowDown' ? current + 1 : e.key === 'ArrowUp' ? current - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : e.key === 'PageDown' ? current + page : e.key === 'PageUp' ? current - page : null;
    if (next !== null) {
      e.preventDefault();
      e.stopPropagation();
      moved.current = true;
      setFocusIndex(Math.max(0, Math.min(items.length - 1, next)));
    } else if (e.key === 'x' && items[current]) {
      e.preventDefault();
      e.stopPropagation();
      onSelect(items[current].id, !selected.has(items[current].id));
    }
  }

  return (
    <div className="list-scroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="conversation-scroller">
      {items.length === 0 && <p className="empty">{emptyText}</p>}
      <ul style={{ height: items.length * ROW_HEIGHT }} aria-label="Conversation list" onKeyDown={onKeyDown}>
        {items.slice(first, last).map((c, offset) => (
          <li
            key={c.id}
            className={`row${c.id === openId ? ' active' : ''}${c.lastMessageDirection === 'inbound' && c.status === 'open' ? ' unreplied' : ''}`}
            style={{ top: (first + offset) * ROW_HEIGHT, height: ROW_HEIGHT }}
            aria-setsize={hasMore ? -1 : items.length}
            aria-posinset={first + offset + 1}
          >
            <Avatar className="row-avatar" name={who(c)} color="initials" size={30} aria-hidden="true" />
            <input type="checkbox" tabIndex={-1} aria-label={`Select ${c.subject || c.preview}`} checked={selected.has(c.id)} onChange={(e) => onSelect(c.id, e.target.checked)} />
            <button
              className="row-body"
              tabIndex={first + offset === current ? 0 : -1}
              data-index={first + offset}
              onFocus={() => setFocusIndex(first + offset)}
              onClick={() => onOpen(c.id)}
              data-conversation={c.id}
            >
              <span className="row-top">
                <strong className="ellipsis">{who(c)}</strong>
                {c.participantCount > 1 && <span className="muted"> +{c.participantCount - 1}</span>}
                <time dateTime={c.lastMessageAt}>{shortTime(c.lastMessageAt)}</time>
              </span>
              <span className="subject">
                {c.lastMessageDirection === 'inbound' ? (
                  <span className="needs-reply" role="img" aria-label="Needs a reply" />
                ) : (
                  <span className="replied" role="img" aria-label="Replied" />
                )}
                <span className="ellipsis">{c.subject || UNTITLED[c.channel] || '(no subject)'}</span>
              </span>
              {c.highlights?.length ? <Highlight html={c.highlights[0]} /> : <span className="preview">{c.preview}</span>}
              <span className="row-meta">
                <span className={`channel ${c.channel}`}>
                  <Icon name={channelIcon(c.channel)} size={12} />
                  {CHANNEL_NAMES[c.channel] ?? c.channel}
                </span>
                {c.status === 'closed' && (
                  <Badge className="closed" color="green" size="xs">
                    Closed
                  </Badge>
                )}
                {c.sla && c.status === 'open' && <SlaBadge sla={c.sla} now={now} />}
                {c.commentPreview && <span className="comment-preview">Note: {c.commentPreview}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

const who = (c: ConversationItem) => c.contact?.name || c.contact?.email || 'Visitor';

const CHANNEL_NAMES: Record<string, string> = { email: 'Email', chat: 'Chat', messenger: 'Messenger', phone: 'Call', form: 'Form' };

/** What a row says where a channel has no subjects. */
const UNTITLED: Record<string, string> = { chat: 'Live chat', messenger: 'Messenger conversation', phone: 'Phone call' };

/** Today's messages by time, older ones by date. */
function shortTime(iso: string): string {
  const at = new Date(iso);
  const today = new Date();
  return at.toDateString() === today.toDateString()
    ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : at.toLocaleDateString([], { day: 'numeric', month: 'short', year: at.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}
