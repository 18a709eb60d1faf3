// The list column: new email, sort, select all, bulk close and trash, search filters, and the
// conversations themselves.
import { Button, NativeSelect } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type User } from '../api';
import type { PendingConfirmation } from '../confirm';
import { ConversationList } from '../conversation-list';
import { FilterPanel } from '../search';
import type { ConversationListState } from './use-conversation-list';
import type { Place, Sort } from './use-place';

interface Props {
  list: ConversationListState;
  place: Place;
  users: User[];
  onCompose: () => void;
  onConfirm: (pending: PendingConfirmation) => void;
}

export function ListPane({ list, place, users, onCompose, onConfirm }: Props) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Another view, sort or search is another list: nothing stays selected across.
  useEffect(() => setSelected(new Set()), [list.path]);
  const { items } = list;
  const { search } = place;

  async function bulk(action: 'close' | 'trash') {
    await api('POST', '/conversations/bulk', { ids: [...selected], action });
    setSelected(new Set());
    await list.refresh();
  }

  return (
    <section className="list" aria-label="Conversations">
      <div className="list-tools">
        {place.inboxId && (
          <Button onClick={onCompose}>
            New email
          </Button>
        )}
        {items.length > 0 && (
          <label className="choice">
            <input
              type="checkbox"
              aria-label="Select all loaded conversations"
              checked={items.every((c) => selected.has(c.id))}
              onChange={(e) => setSelected(e.target.checked ? new Set(items.map((c) => c.id)) : new Set())}
            />{' '}
            All
          </label>
        )}
        <NativeSelect size="xs" aria-label="Sort" value={place.sort} onChange={(e) => place.setSort(e.target.value as Sort)}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </NativeSelect>
        {search && (
          <Button
            variant="default"
            onClick={() => {
              place.setSearch(null);
              place.setSearchDraft('');
            }}
          >
            Exit search
          </Button>
        )}
        {selected.size > 0 && (
          <>
            <Button variant="default" onClick={() => void bulk('close')}>
              Close {selected.size}
            </Button>
            <Button
              variant="default"
              color="red"
              onClick={() =>
                onConfirm({
                  title: `Move ${selected.size} conversation${selected.size === 1 ? '' : 's'} to Trash?`,
                  body: 'They can be restored from Trash until it is emptied.',
                  confirmLabel: `Trash ${selected.size}`,
                  run: () => bulk('trash'),
                })
              }
            >
              Trash {selected.size}
            </Button>
          </>
        )}
      </div>
      {search && <FilterPanel filters={search} users={users} onChange={place.setSearch} />}
      {list.error && <p role="alert">{list.error}</p>}
      <ConversationList
        items={items}
        openId={place.openId}
        selected={selected}
        hasMore={list.hasMore}
        emptyText={search ? 'No conversations match.' : 'No conversations here.'}
        onOpen={place.setOpenId}
        onSelect={(id, on) => {
          const next = new Set(selected);
          if (on) next.add(id);
          else next.delete(id);
          setSelected(next);
        }}
        onLoadMore={() => void list.loadMore()}
      />
    </section>
  );
}
