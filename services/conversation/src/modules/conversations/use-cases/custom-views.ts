// Anyone saves views for themselves, or shares them with the inbox or with a team they are in;
// only the owner changes a view, and an admin may also change or remove a shared one.
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '@inbox/lib';
import type { DirectoryStore } from '../../directory';
import { validateCustomView, type CustomView, type CustomViewFilters } from '../domain/custom-views';
import type { Actor } from '../../directory';
import { requireActor } from '../../directory';

/** Saved views, always within one account. */
export interface CustomViewStore {
  visibleTo(accountId: string, userId: string, inboxId: string): Promise<CustomView[]>;
  /** The view, when this user may see it. */
  findVisible(accountId: string, id: string, userId: string): Promise<CustomView | null>;
  isTeamMember(accountId: string, teamId: string, userId: string): Promise<'member' | 'not_member' | 'no_team'>;
  create(accountId: string, view: Omit<CustomView, 'id'>): Promise<CustomView>;
  update(accountId: string, id: string, changes: Pick<CustomView, 'name' | 'shared' | 'teamId' | 'filters'>): Promise<CustomView>;
  delete(accountId: string, id: string): Promise<void>;
}

export class ManageCustomViews {
  constructor(
    private readonly directory: DirectoryStore,
    private readonly views: CustomViewStore,
  ) {}

  private async editable(actor: Actor, id: string): Promise<CustomView> {
    const acting = await requireActor(this.directory, actor, 'agent');
    // Someone else's private view (or a team's they are not in) does not exist as far as this user can tell.
    const view = await this.views.findVisible(actor.accountId, id, acting.id);
    if (!view) throw new NotFoundError('view_not_found', 'no such view');
    if (view.ownerId !== acting.id && acting.role === 'agent') throw new PermissionDeniedError('forbidden', 'only its owner or an admin can change a shared view');
    return view;
  }

  async save(actor: Actor, input: { id: string; inboxId: string; name: string; shared: boolean; teamId?: string; filters?: Partial<CustomViewFilters> }): Promise<CustomView> {
    const { name, filters } = validateCustomView(input);
    const teamId = input.teamId || null;
    if (teamId && input.shared) throw new InvalidArgumentError('conflicting_sharing', 'share a view with the inbox or with a team, not both');
    if (teamId) {
      const acting = await requireActor(this.directory, actor, 'agent');
      const membership = await this.views.isTeamMember(actor.accountId, teamId, acting.id);
      if (membership === 'no_team') throw new NotFoundError('team_not_found', 'no such team');
      if (membership === 'not_member' && acting.role === 'agent') throw new PermissionDeniedError('not_team_member', 'share views only with a team you are in');
    }
    if (filters.assignee && !['me', 'none'].includes(filters.assignee) && !(await this.directory.findUser(actor.accountId, filters.assignee))) {
      throw new NotFoundError('user_not_found', 'no such user in this account');
    }
    if (input.id) {
      await this.editable(actor, input.id);
      return this.views.update(actor.accountId, input.id, { name, shared: input.shared, teamId, filters });
    }
    await requireActor(this.directory, actor, 'agent');
    const [inbox] = await this.directory.listInboxes(actor.accountId, input.inboxId);
    if (!inbox) throw new NotFoundError('inbox_not_found', 'no such inbox');
    return this.views.create(actor.accountId, { inboxId: input.inboxId, ownerId: actor.userId, name, shared: input.shared, teamId, filters });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.editable(actor, id);
    await this.views.delete(actor.accountId, id);
  }
}
