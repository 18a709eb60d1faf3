// The bar above everything: inbox picker, search, availability, the bell, and the user's menu.
import { Avatar, NativeSelect } from '@mantine/core';
import type { Inbox, User } from '../api';
import { AvailabilityToggle } from '../availability';
import { NotificationBell } from '../notifications';
import { ColorSchemeToggle } from '../theme';
import type { Place } from './use-place';
import { NO_FILTERS } from '../search';

interface Props {
  user: User;
  users: User[];
  inboxes: Inbox[];
  place: Place;
  onProfile: () => void;
  onSignOut: () => void;
}

export function TopBar({ user, users, inboxes, place, onProfile, onSignOut }: Props) {
  const admin = user.role === 'admin' || user.role === 'superadmin';
  return (
    <header className="topbar">
      <span className="brand">Inbox</span>
      <NativeSelect size="xs" aria-label="Inbox" value={place.inboxId ?? ''} onChange={(e) => place.setInboxId(e.target.value)}>
        {inboxes.map((i) => (
          <option key={i.id} value={i.id}>
            {i.name}
          </option>
        ))}
      </NativeSelect>
      <form
        className="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          place.setSearch({ ...(place.search ?? NO_FILTERS), q: place.searchDraft });
        }}
      >
        <input type="search" aria-label="Search conversations" placeholder="Search conversations" value={place.searchDraft} onChange={(e) => place.setSearchDraft(e.target.value)} />
      </form>
      <span className="spacer" />
      <AvailabilityToggle user={user} />
      <NotificationBell users={users} onOpen={(conversationId) => place.setOpenId(conversationId)} />
      <a className="link" href="/reports">
        Reports
      </a>
      {admin && (
        <a className="link" href="/wallboard">
          Wallboard
        </a>
      )}
      {admin && (
        <button className="link" aria-pressed={place.settingsOpen} onClick={() => place.setSettingsOpen(!place.settingsOpen)}>
          Settings
        </button>
      )}
      <ColorSchemeToggle />
      <span className="current-user">
        <Avatar name={user.name} color="initials" size={26} aria-hidden="true" title={user.name} />
        <span data-testid="current-user">{user.name}</span>
      </span>
      <button className="link" onClick={onProfile}>
        Profile
      </button>
      <button className="link" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
