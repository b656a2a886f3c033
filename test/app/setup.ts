/**
 * Imported first by every app test (jsdom): browser APIs jsdom lacks, Testing Library's
 * cleanup (vitest globals are off, so it is not automatic), and the app's lazily loaded views.
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

afterEach(() => cleanup());

// The parts the ticket sidebar loads on demand (React.lazy: Garden's views), loaded up front
// (once matchMedia exists), as the browser has them once their chunk is in: the tests then
// wait for React to show them, not for the test runner to transform Garden on first use
// (slow on a busy machine).
await Promise.all([
  import('../../app/src/components/SetupState'),
  import('../../app/src/components/StateViews'),
  import('../../app/src/locations/MySection'),
]);
