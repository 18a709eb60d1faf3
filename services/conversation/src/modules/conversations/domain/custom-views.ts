// Custom views: a built-in view narrowed by channel, owner and "needs a reply". Their SQL predicate
// is built only from validated values (enums and ids of a fixed shape), so it can join the
// built-in predicates in the same list and count queries.
import { InvalidArgumentError } from '@inbox/lib';
import { findView, type ViewDefinition } from './views';

export interface CustomViewFilters {
  baseView: string;
  channel: string;
  assignee: string;
  needsReply: boolean;
}

export interface CustomView {
  id: string;
  inboxId: string;
  name: string;
  ownerId: string;
  shared: boolean;
  /** Shared with this team's members. */
  teamId: string | null;
  filters: CustomViewFilters;
}

const CHANNELS = ['email', 'chat', 'messenger', 'form', 'phone'];
// Views that make sense to narrow; trash and spam stay what they are.
const BASES = ['open', 'unassigned', 'mine', 'team', 'team_unassigned', 'closed', 'sent', 'bots', 'chat', 'email', 'messenger', 'forms', 'calls'];
const USER_ID = /^usr_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const CUSTOM_VIEW_ID = /^cvw_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_NAME = 60;

export function validateCustomView(input: { name: string; filters?: Partial<CustomViewFilters> }): { name: string; filters: CustomViewFilters } {
  const name = input.name.trim();
  if (!name) throw new InvalidArgumentError('name_required', 'a view needs a name');
  if (name.length > MAX_NAME) throw new InvalidArgumentError('name_too_long', `a view name has at most ${MAX_NAME} characters`);
  const filters = { baseView: input.filters?.baseView || 'open', channel: input.filters?.channel ?? '', assignee: input.filters?.assignee ?? '', needsReply: input.filters?.needsReply ?? false };
  if (!BASES.includes(filters.baseView)) throw new InvalidArgumentError('invalid_base_view', `a custom view narrows one of ${BASES.join(', ')}`);
  if (filters.channel && !CHANNELS.includes(filters.channel)) throw new InvalidArgumentError('invalid_channel', `channel must be one of ${CHANNELS.join(', ')}`);
  if (filters.assignee && !['me', 'none'].includes(filters.assignee) && !USER_ID.test(filters.assignee)) {
    throw new InvalidArgumentError('invalid_assignee', 'assignee must be "me", "none" or a user id');
  }
  return { name, filters };
}

/** The view as the list and count queries use it ({me} is the viewing user). */
export function customViewDefinition(view: CustomView): ViewDefinition {
  const base = findView(view.filters.baseView);
  if (!base) throw new Error(`custom view ${view.id} narrows unknown view ${view.filters.baseView}`);
  const parts = [`(${base.predicate})`];
  if (CHANNELS.includes(view.filters.channel)) parts.push(`c.channel = '${view.filters.channel}'`);
  if (view.filters.assignee === 'me') parts.push('c.assignee_id = {me}');
  else if (view.filters.assignee === 'none') parts.push('c.assignee_id IS NULL');
  else if (USER_ID.test(view.filters.assignee)) parts.push(`c.assignee_id = '${view.filters.assignee}'`);
  if (view.filters.needsReply) parts.push(`c.last_message_direction = 'inbound'`);
  return { id: view.id, name: view.name, predicate: parts.join(' AND ') };
}
