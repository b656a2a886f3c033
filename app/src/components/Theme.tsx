import type { ReactNode } from 'react';
import { createGlobalStyle } from 'styled-components';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';

const GlobalStyle = createGlobalStyle`
  html, body { margin: 0; padding: 0; }
  body {
    font-family: ${DEFAULT_THEME.fonts.system};
    font-size: ${DEFAULT_THEME.fontSizes.md};
    color: ${DEFAULT_THEME.palette.grey[800]};
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

/** Colours used beside Garden components (met/missed always also carry text). */
export const colors = {
  good: DEFAULT_THEME.palette.green[700],
  bad: DEFAULT_THEME.palette.red[700],
  muted: DEFAULT_THEME.palette.grey[600],
  border: DEFAULT_THEME.palette.grey[300],
  subtle: DEFAULT_THEME.palette.grey[100],
  accent: DEFAULT_THEME.palette.blue[600],
};
