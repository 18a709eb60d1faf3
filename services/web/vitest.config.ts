import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Component tests: the list, the composer dialogs, the menu and the widget's pieces in jsdom,
// beside the Playwright journeys that run the whole inbox in Chromium against real servers.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    restoreMocks: true,
  },
});
