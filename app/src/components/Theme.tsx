import type { ReactNode } from 'react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
// The page basics (margins, font, box sizing) and the light components' styles: a plain stylesheet.
import './pulse.css';

export function Theme({ children }: { children: ReactNode }) {
  return <ThemeProvider theme={DEFAULT_THEME}>{children}</ThemeProvider>;
}

/** Colours used beside Garden components (Garden palette values; met/missed always also carry text). */
export const colors = {
  good: '#037f52',
  bad: '#cc3340',
  muted: '#68737d',
  border: '#d8dcde',
  subtle: '#f8f9f9',
  accent: '#1f73b7',
};
