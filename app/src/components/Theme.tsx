import type { ReactNode } from 'react';
import { createGlobalStyle } from 'styled-components';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';

const GlobalStyle = createGlobalStyle`
  html, body { margin: 0; padding: 0; }
  body {
    font-family: ${DEFAULT_THEME.fonts.system};
    font-size: ${DEFAULT_THEME.fontSizes.md};
    color: #2f3941;
    background: transparent;
  }
  *, *::before, *::after { box-sizing: border-box; }
`;

export function Theme({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider theme={DEFAULT_THEME}>
      <GlobalStyle />
      {children}
    </ThemeProvider>
  );
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
