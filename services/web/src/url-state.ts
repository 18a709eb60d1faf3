// What the address bar holds, so reload, Back and a shared link keep the place: the inbox, the
// view, the sort, the search words, the open conversation, and whether settings are open.
//   /conversations/<id>?inbox=…&view=…&sort=…&q=…     /settings
export interface UrlState {
  inboxId: string | null;
  view: string;
  sort: 'newest' | 'oldest';
  q: string | null;
  openId: string | null;
  settings: boolean;
}

export function readUrl(where: { pathname: string; search: string } = location): UrlState {
  const params = new URLSearchParams(where.search);
  const sort = params.get('sort');
  return {
    inboxId: params.get('inbox'),
    view: params.get('view') || 'open',
    sort: sort === 'oldest' ? 'oldest' : 'newest',
    q: params.get('q'),
    openId: /^\/conversations\/([\w-]+)/.exec(where.pathname)?.[1] ?? null,
    settings: where.pathname === '/settings',
  };
}

export function urlFor(state: UrlState): string {
  const path = state.settings ? '/settings' : state.openId ? `/conversations/${state.openId}` : '/';
  const params = new URLSearchParams();
  if (state.inboxId) params.set('inbox', state.inboxId);
  if (state.view !== 'open') params.set('view', state.view);
  if (state.sort !== 'newest') params.set('sort', state.sort);
  if (state.q) params.set('q', state.q);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
