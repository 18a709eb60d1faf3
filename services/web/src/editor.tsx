// The reply editor (rich text: bold, italics, lists, links) and the comment box (plain text with
// @mention autocomplete of team members).
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { User } from './api';
import { inertHtml } from './drafts';

export interface RichTextHandle {
  html(): string;
  text(): string;
  /** Whether the draft uses any formatting (plain drafts are sent as text only). */
  formatted(): boolean;
  clear(): void;
  focus(): void;
  /** Inserts HTML at the caret (or at the end when the editor has no caret). */
  insert(html: string): void;
}

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);

/** Plain text as editor HTML: escaped, line breaks kept. */
export const textToHtml = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

export const RichTextEditor = forwardRef<RichTextHandle, { label: string; onInput: (text: string) => void; initialHtml?: string }>(function RichTextEditor(
  { label, onInput, initialHtml },
  ref,
) {
  const box = useRef<HTMLDivElement | null>(null);
  // A saved draft fills the editor once, when it mounts for its conversation.
  useEffect(() => {
    if (!initialHtml || !box.current) return;
    box.current.innerHTML = inertHtml(initialHtml);
    onInput(box.current.innerText);
  }, []);
  const [linking, setLinking] = useState<string | null>(null);
  const savedRange = useRef<Range | null>(null);

  function placeCaretInside() {
    const element = box.current!;
    const selection = getSelection();
    if (selection && selection.rangeCount > 0 && element.contains(selection.anchorNode)) return;
    element.focus();
    const range = document.createRange();
    range.selectNodeContents(element);
    range.collapse(false);
    selection?.removeAllRanges();
    selection?.addRange(range);
  }

  function run(command: string, value?: string) {
    placeCaretInside();
    const list = command === 'insertUnorderedList' || command === 'insertOrderedList';
    const offset = list ? caretOffsetInLine() : null;
    // execCommand is deprecated but remains the only way to edit contenteditable with the browser's own undo stack.
    document.execCommand(command, false, value);
    // Chromium leaves the caret at the start of a line it turns into a list item; put it back.
    if (offset !== null) restoreCaretInLine(offset);
    onInput(box.current!.innerText);
  }

  /** The line (block, list item or the editor itself) around the caret. */
  function lineAtCaret(): Element | null {
    const node = getSelection()?.anchorNode ?? null;
    const element = node instanceof Element ? node : (node?.parentElement ?? null);
    const line = element?.closest('li, div, p');
    return line && line !== box.current && box.current?.contains(line) ? line : box.current;
  }

  function caretOffsetInLine(): number | null {
    const selection = getSelection();
    const line = lineAtCaret();
    if (!selection || selection.rangeCount === 0 || !line) return null;
    const range = document.createRange();
    range.selectNodeContents(line);
    range.setEnd(selection.anchorNode!, selection.anchorOffset);
    return range.toString().length;
  }

  function restoreCaretInLine(offset: number) {
    const line = lineAtCaret();
    const selection = getSelection();
    if (!line || !selection) return;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let remaining = offset;
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const length = text.textContent?.length ?? 0;
      if (remaining <= length) {
        selection.collapse(text, remaining);
        return;
      }
      remaining -= length;
    }
  }

  useImperativeHandle(ref, () => ({
    html: () => box.current?.innerHTML ?? '',
    // Browsers keep typed spaces next to tags as no-break spaces; mail text wants plain ones.
    text: () => (box.current?.innerText ?? '').replace(/\u00a0/g, ' '),
    formatted: () => !!box.current?.querySelector('b, strong, i, em, u, ul, ol, a, h1, h2, blockquote'),
    clear: () => {
      if (box.current) box.current.innerHTML = '';
      onInput('');
    },
    focus: () => box.current?.focus(),
    insert: (html) => run('insertHTML', html),
  }));

  function startLink() {
    const selection = getSelection();
    savedRange.current = selection && selection.rangeCount > 0 && box.current?.contains(selection.anchorNode) ? selection.getRangeAt(0).cloneRange() : null;
    setLinking('https://');
  }

  function applyLink() {
    const url = linking?.trim() ?? '';
    setLinking(null);
    if (!/^(https?:\/\/|mailto:)\S+$/i.test(url)) return;
    box.current?.focus();
    const selection = getSelection();
    if (savedRange.current && selection) {
      selection.removeAllRanges();
      selection.addRange(savedRange.current);
    }
    if (selection && !selection.isCollapsed && box.current?.contains(selection.anchorNode)) run('createLink', url);
    else run('insertHTML', `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`);
  }

  function shortcut(event: KeyboardEvent<HTMLDivElement>) {
    if (!(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key === 'b' || key === 'i') {
      event.preventDefault();
      run(key === 'b' ? 'bold' : 'italic');
    } else if (key === 'k') {
      event.preventDefault();
      startLink();
    }
  }

  const tool = (name: string, glyph: string, action: () => void) => (
    <button type="button" title={name} onMouseDown={(e) => e.preventDefault()} onClick={action}>
      <span aria-hidden="true">{glyph}</span>
      <span className="visually-hidden">{name}</span>
    </button>
  );

  return (
    <div className="rich-text">
      <div className="toolbar" role="toolbar" aria-label="Formatting">
        {tool('Bold', 'B', () => run('bold'))}
        {tool('Italic', 'I', () => run('italic'))}
        {tool('Bulleted list', '•', () => run('insertUnorderedList'))}
        {tool('Numbered list', '1.', () => run('insertOrderedList'))}
        {tool('Link', 'Link', startLink)}
        {linking !== null && (
          <span className="link-input">
            <input
              aria-label="Link address"
              value={linking}
              autoFocus
              onChange={(e) => setLinking(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  applyLink();
                } else if (e.key === 'Escape') setLinking(null);
              }}
            />
            <button type="button" onClick={applyLink}>
              Add link
            </button>
          </span>
        )}
      </div>
      <div
        ref={box}
        className="editable"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-label={label}
        tabIndex={0}
        onInput={() => onInput(box.current!.innerText)}
        onKeyDown={shortcut}
      />
    </div>
  );
});

/** The @word being typed at the caret, if any. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  // Names have spaces: the query runs from the @ to the caret, within one line.
  const match = /(^|\s)@([^@\n]{0,40})$/u.exec(text.slice(0, caret));
  return match ? { start: caret - match[2].length - 1, query: match[2].toLowerCase() } : null;
}

/**
 * The comment box. Picking a member from the @ list writes "@Name" and remembers their id, so
 * the mention reaches them whatever their name looks like; ids whose name was deleted are dropped.
 */
export const CommentBox = forwardRef<HTMLTextAreaElement, { value: string; users: User[]; onChange: (text: string, mentionedUserIds: string[]) => void }>(
  function CommentBox({ value, users, onChange }, ref) {
    const area = useRef<HTMLTextAreaElement | null>(null);
    const picked = useRef(new Map<string, string>());
    const caretAfterPick = useRef<number | null>(null);
    const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
    const [active, setActive] = useState(0);
    useImperativeHandle(ref, () => area.current!);

    const matches = query
      ? users.filter((u) => !u.deactivated && (u.name.toLowerCase().includes(query.query) || u.email.toLowerCase().startsWith(query.query))).slice(0, 6)
      : [];

    function emit(text: string) {
      const ids = [...picked.current].filter(([, name]) => text.includes(`@${name}`)).map(([id]) => id);
      onChange(text, ids);
    }

    function pick(user: User) {
      if (!query || !area.current) return;
      const caret = area.current.selectionStart;
      const text = `${value.slice(0, query.start)}@${user.name} ${value.slice(caret)}`;
      picked.current.set(user.id, user.name);
      setQuery(null);
      emit(text);
      caretAfterPick.current = query.start + user.name.length + 2;
    }
    // The caret goes after the picked name in the same commit as the new text: a timer would fire
    // after keys typed straight after the pick and move the caret back into them.
    useLayoutEffect(() => {
      if (caretAfterPick.current === null || !area.current) return;
      area.current.setSelectionRange(caretAfterPick.current, caretAfterPick.current);
      caretAfterPick.current = null;
    }, [value]);

    function keys(event: KeyboardEvent<HTMLTextAreaElement>) {
      if (matches.length === 0) return;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((active + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
      } else if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(matches[Math.min(active, matches.length - 1)]);
      } else if (event.key === 'Escape') {
        event.stopPropagation();
        setQuery(null);
      }
    }

    return (
      <div className="comment-box">
        <textarea
          ref={area}
          aria-label="Comment"
          aria-autocomplete="list"
          aria-controls="mention-list"
          aria-expanded={matches.length > 0}
          value={value}
          rows={4}
          onChange={(e) => {
            setQuery(mentionAt(e.target.value, e.target.selectionStart));
            setActive(0);
            emit(e.target.value);
          }}
          onKeyDown={keys}
          onBlur={() => setTimeout(() => setQuery(null), 150)}
        />
        {matches.length > 0 && (
          <ul className="mentions" role="listbox" id="mention-list" aria-label="Mention a team member">
            {matches.map((u, i) => (
              <li
                key={u.id}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(u);
                }}
              >
                <strong>{u.name}</strong> <span className="muted">{u.email}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  },
);

/** Addresses typed into one field, separated by commas, semicolons or spaces. */
export const addressList = (value: string): string[] => value.split(/[,;\s]+/).filter(Boolean);
