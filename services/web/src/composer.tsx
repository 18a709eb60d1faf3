// The reply and comment box under the thread: drafts kept per conversation, the reply's
// formatting, copies and attachments, the comment's @mentions; Ctrl/Cmd+Enter sends.
import { NativeSelect } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { api, upload, type ConversationDetail, type User } from './api';
import { InsertMenu, WriteForMe, useReplyLibrary } from './assist';
import { drafts, type CommentDraft } from './drafts';
import { addressList, CommentBox, RichTextEditor, type RichTextHandle } from './editor';
import { useShortcuts } from './shortcuts';
import type { Act } from './thread-header';

const NO_COPIES = { replyAll: false, cc: '', bcc: '' };

interface Props {
  detail: ConversationDetail;
  users: User[];
  me: User;
  error: string | null;
  act: Act;
  onTyped: () => void;
}

export function Composer({ detail, users, me, error, act, onTyped: typed }: Props) {
  const id = detail.id;
  const [tab, setTab] = useState<'reply' | 'comment'>('reply');
  // The draft's plain text (the reply editor keeps its own HTML); mentions picked from the @ list.
  // Both start from this conversation's saved drafts: a draft never follows the agent elsewhere.
  const [savedReply] = useState(() => drafts.reply(id));
  const [draft, setDraft] = useState('');
  const [comment, setCommentState] = useState<CommentDraft>(() => drafts.comment(id));
  const setComment = (next: CommentDraft) => {
    setCommentState(next);
    drafts.saveComment(id, next);
  };
  const [via, setVia] = useState<'' | 'email'>('');
  // Email replies: reply to everyone the customer copied, and further Cc and Bcc addresses.
  const [copies, setCopies] = useState(NO_COPIES);
  const [files, setFiles] = useState<File[]>([]);
  const { snippets, assist } = useReplyLibrary();

  const replyEditor = useRef<RichTextHandle | null>(null);
  const commentEditor = useRef<HTMLTextAreaElement | null>(null);
  // Focus follows the tab once React has drawn it (the comment box exists only on its tab).
  const focusAfterRender = useRef<'reply' | 'comment' | null>(null);
  function compose(kind: 'reply' | 'comment') {
    focusAfterRender.current = kind;
    if (tab === kind) (kind === 'reply' ? replyEditor.current : commentEditor.current)?.focus();
    else setTab(kind);
  }
  useEffect(() => {
    if (focusAfterRender.current !== tab) return;
    focusAfterRender.current = null;
    (tab === 'reply' ? replyEditor.current : commentEditor.current)?.focus();
  }, [tab]);
  useShortcuts({
    r: () => compose('reply'),
    c: () => compose('comment'),
  });

  return (
      <form
        className="composer"
        hidden={!!detail.trashedAt}
        // Ctrl+Enter (Cmd+Enter on a Mac) sends the reply or adds the comment.
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.requestSubmit();
          }
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (tab === 'comment') {
            if (!comment.text.trim()) return;
            return void act(async () => {
              await api('POST', `/conversations/${id}/comments`, { text: comment.text, ...(comment.mentions.length ? { mentionedUserIds: comment.mentions } : {}) });
              setComment({ text: '', mentions: [] });
            });
          }
          if (!draft.trim()) return;
          // Chat and Messenger carry plain text; a formatted reply by email keeps its formatting.
          const byEmail = via === 'email' || detail.replyChannel === 'email' || !['chat', 'messenger'].includes(detail.channel);
          const copied = byEmail ? { ...(copies.replyAll ? { replyAll: true as const } : {}), ...(copies.cc.trim() ? { cc: addressList(copies.cc) } : {}), ...(copies.bcc.trim() ? { bcc: addressList(copies.bcc) } : {}) } : {};
          const editor = replyEditor.current!;
          const body = { text: editor.text(), ...(byEmail && editor.formatted() ? { html: editor.html() } : {}) };
          void act(async () => {
            const attachmentIds = [];
            for (const file of files) attachmentIds.push((await upload(file)).id);
            await api('POST', `/conversations/${id}/messages`, { ...body, ...copied, ...(via ? { channel: via } : {}), ...(attachmentIds.length ? { attachmentIds } : {}) });
            setFiles([]);
            setVia('');
            setCopies(NO_COPIES);
            replyEditor.current?.clear();
          });
        }}
      >
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'reply'} onClick={() => setTab('reply')}>
            Reply
          </button>
          <button type="button" role="tab" aria-selected={tab === 'comment'} onClick={() => setTab('comment')}>
            Comment
          </button>
        </div>
        <div hidden={tab !== 'reply'}>
          <RichTextEditor
            ref={replyEditor}
            label="Reply"
            initialHtml={savedReply}
            onInput={(text) => {
              setDraft(text);
              drafts.saveReply(id, text.trim() ? (replyEditor.current?.html() ?? '') : '');
              typed();
            }}
          />
        </div>
        {tab === 'comment' && (
          <CommentBox
            ref={commentEditor}
            value={comment.text}
            users={users}
            onChange={(text, mentions) => {
              setComment({ text, mentions });
              typed();
            }}
          />
        )}
        {tab === 'reply' && (
          <div className="reply-options">
            <InsertMenu
              snippets={snippets}
              editor={replyEditor}
              values={{ contactName: detail.contact?.name ?? '', contactEmail: detail.contact?.email ?? '', agentName: me.name }}
            />
            {assist.writeForMe && <WriteForMe conversationId={id} editor={replyEditor} />}
            {detail.replyChannel && <span className="muted">Continued by {detail.replyChannel}</span>}
            {(detail.channel === 'chat' || detail.channel === 'messenger') && !detail.replyChannel && (
              <label>
                Reply via{' '}
                <NativeSelect size="xs" aria-label="Reply via" value={via} onChange={(e) => setVia(e.target.value as '' | 'email')}>
                  <option value="">{detail.channel}</option>
                  <option value="email">email</option>
                </NativeSelect>
              </label>
            )}
            {(via === 'email' || detail.replyChannel === 'email' || !['chat', 'messenger'].includes(detail.channel)) && (
              <>
                {detail.participantCount > 1 && (
                  <label>
                    <input type="checkbox" checked={copies.replyAll} onChange={(e) => setCopies({ ...copies, replyAll: e.target.checked })} /> Reply all
                  </label>
                )}
                <label>
                  Cc <input aria-label="Cc" placeholder="addresses" value={copies.cc} onChange={(e) => setCopies({ ...copies, cc: e.target.value })} />
                </label>
                <label>
                  Bcc <input aria-label="Bcc" placeholder="addresses" value={copies.bcc} onChange={(e) => setCopies({ ...copies, bcc: e.target.value })} />
                </label>
              </>
            )}
            <label>
              Attach <input type="file" multiple aria-label="Attach files" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
            </label>
          </div>
        )}
        <button type="submit">{tab === 'reply' ? 'Send' : 'Add comment'}</button>
        {error && <p role="alert">{error}</p>}
      </form>
  );
}
