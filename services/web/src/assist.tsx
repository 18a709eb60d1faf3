// Helpers beside the reply editor: the reply library's insert menu, Write for me, and the
// conversation summary.
import { NativeSelect } from '@mantine/core';
import { useEffect, useState, type RefObject } from 'react';
import { ApiError, api } from './api';
import { escapeHtml, textToHtml, type RichTextHandle } from './editor';
import { useNewestLoad } from './latest';

export interface Snippet {
  id: string;
  kind: 'snippet' | 'template' | 'article';
  name: string;
  body: string;
}

export interface AssistCapabilities {
  summarize: boolean;
  writeForMe: boolean;
}

/** The reply library and what AI assist can do, loaded once per session. */
let library: Promise<{ snippets: Snippet[]; assist: AssistCapabilities }> | null = null;
export function useReplyLibrary() {
  const [state, setState] = useState<{ snippets: Snippet[]; assist: AssistCapabilities }>({ snippets: [], assist: { summarize: true, writeForMe: false } });
  useEffect(() => {
    library ??= Promise.all([api('GET', '/snippets'), api('GET', '/assist')]).then(([s, a]) => ({ snippets: s.items, assist: a }));
    library.then(setState).catch(() => (library = null));
  }, []);
  return state;
}

/** Settings changed the library: the next composer loads it again. */
export function forgetReplyLibrary() {
  library = null;
}

/** {{contact.name}}, {{contact.email}} and {{agent.name}} filled in for this conversation. */
export function fillPlaceholders(text: string, values: { contactName: string; contactEmail: string; agentName: string }): string {
  return text
    .replace(/\{\{\s*contact\.name\s*\}\}/g, values.contactName)
    .replace(/\{\{\s*contact\.email\s*\}\}/g, values.contactEmail)
    .replace(/\{\{\s*agent\.name\s*\}\}/g, values.agentName);
}

export function InsertMenu({ snippets, editor: editorRef, values }: { snippets: Snippet[]; editor: RefObject<RichTextHandle | null>; values: Parameters<typeof fillPlaceholders>[1] }) {
  if (snippets.length === 0) return null;
  const group = (kind: Snippet['kind'], label: string) => {
    const items = snippets.filter((s) => s.kind === kind);
    return items.length === 0 ? null : (
      <optgroup label={label}>
        {items.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </optgroup>
    );
  };
  function insert(id: string) {
    const snippet = snippets.find((s) => s.id === id);
    const editor = editorRef.current;
    if (!snippet || !editor) return;
    if (snippet.kind === 'article') editor.insert(`<a href="${escapeHtml(snippet.body)}">${textToHtml(snippet.name)}</a>&nbsp;`);
    else {
      // A template is a whole reply: it replaces the draft.
      if (snippet.kind === 'template') editor.clear();
      editor.insert(textToHtml(fillPlaceholders(snippet.body, values)));
    }
  }
  return (
    <NativeSelect size="xs" aria-label="Insert" value="" onChange={(e) => insert(e.target.value)}>
      <option value="">Insert…</option>
      {group('snippet', 'Snippets')}
      {group('template', 'Templates')}
      {group('article', 'Knowledge base')}
    </NativeSelect>
  );
}

export function WriteForMe({ conversationId, editor }: { conversationId: string; editor: RefObject<RichTextHandle | null> }) {
  const [prompt, setPrompt] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function draft() {
    if (!prompt?.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api('POST', `/conversations/${conversationId}/draft`, { prompt });
      editor.current?.clear();
      editor.current?.insert(textToHtml(result.text));
      setPrompt(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'failed');
    } finally {
      setBusy(false);
    }
  }
  if (prompt === null) {
    return (
      <button type="button" onClick={() => setPrompt('')}>
        Write for me
      </button>
    );
  }
  return (
    <span className="write-for-me">
      <input
        aria-label="What should the reply say?"
        placeholder="e.g. apologise and offer a refund"
        value={prompt}
        maxLength={2000}
        autoFocus
        onChange={(e) => setPrompt(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void draft();
          }
        }}
      />
      <button type="button" disabled={busy} onClick={() => void draft()}>
        {busy ? 'Drafting…' : 'Draft reply'}
      </button>
      {error && <span role="alert">{error}</span>}
    </span>
  );
}

export function SummaryPanel({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const [summary, setSummary] = useState<{ summary: string; source: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const beginLoad = useNewestLoad();
  useEffect(() => {
    setSummary(null);
    setError(null);
    const ticket = beginLoad();
    api('POST', `/conversations/${conversationId}/summary`)
      .then((loaded) => ticket.apply() && setSummary(loaded))
      .catch((e) => !ticket.superseded() && setError(e instanceof ApiError ? e.message : 'failed'));
  }, [conversationId, beginLoad]);
  return (
    <section className="summary" aria-label="Summary">
      <header>
        <strong>Summary</strong>
        {summary && <span className="muted"> · {summary.source === 'model' ? 'by the AI model' : 'key sentences'}</span>}
        <button type="button" className="link" onClick={onClose}>
          Close summary
        </button>
      </header>
      {error ? <p role="alert">{error}</p> : summary ? <p className="text">{summary.summary}</p> : <p className="muted">Summarising…</p>}
    </section>
  );
}

