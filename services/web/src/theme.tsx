// One theme for every screen: Mantine's components, spacing and colour scales, with the app's own
// tokens (styles.css) following its light or dark scheme.
import { ActionIcon, MantineProvider, Tooltip, createTheme, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import type { ReactNode } from 'react';
import { Icon } from './icons';

// Only the parts of Mantine the app uses, in a cascade layer so the app's own rules win over them.
import '@mantine/core/styles/baseline.layer.css';
import '@mantine/core/styles/default-css-variables.layer.css';
import '@mantine/core/styles/global.layer.css';
import '@mantine/core/styles/UnstyledButton.layer.css';
import '@mantine/core/styles/Button.layer.css';
import '@mantine/core/styles/ActionIcon.layer.css';
import '@mantine/core/styles/Avatar.layer.css';
import '@mantine/core/styles/Badge.layer.css';
import '@mantine/core/styles/Popover.layer.css';
import '@mantine/core/styles/Menu.layer.css';
import '@mantine/core/styles/Tooltip.layer.css';
import '@mantine/core/styles/Overlay.layer.css';
import '@mantine/core/styles/ModalBase.layer.css';
import '@mantine/core/styles/Modal.layer.css';
import '@mantine/core/styles/CloseButton.layer.css';
import '@mantine/core/styles/Paper.layer.css';
import '@mantine/core/styles/Group.layer.css';
import '@mantine/core/styles/Input.layer.css';
import '@mantine/core/styles/Combobox.layer.css';
import '@mantine/core/styles/Notification.layer.css';
import '@mantine/core/styles/Loader.layer.css';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Dark enough for white text on filled buttons to pass WCAG AA in both schemes.
  primaryShade: { light: 7, dark: 8 },
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'md',
  headings: { fontWeight: '600' },
  components: {
    Button: { defaultProps: { size: 'compact-sm' } },
    Badge: { defaultProps: { radius: 'sm', variant: 'light' } },
    Menu: { defaultProps: { shadow: 'md', position: 'bottom-end', withinPortal: true } },
    Tooltip: { defaultProps: { openDelay: 400 } },
  },
});

/**
 * The scheme on the page before the first render (what Mantine's inline ColorSchemeScript does,
 * which the CSP forbids): the agent's choice, else the system's. No light flash for dark users.
 */
export function applySavedColorScheme(): void {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('mantine-color-scheme-value');
  } catch {
    // Storage refused (private mode): the system decides.
  }
  const scheme = saved === 'light' || saved === 'dark' ? saved : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
}

/** The app inside the theme; light, dark or the system's choice, remembered per browser. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      {children}
    </MantineProvider>
  );
}

/** Switches between the light and the dark scheme. */
export function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const current = useComputedColorScheme('light');
  const next = current === 'dark' ? 'light' : 'dark';
  const label = next === 'dark' ? 'Use dark mode' : 'Use light mode';
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color="gray.0" aria-label={label} onClick={() => setColorScheme(next)} data-testid="color-scheme">
        <Icon name={next === 'dark' ? 'moon' : 'sun'} />
      </ActionIcon>
    </Tooltip>
  );
}
