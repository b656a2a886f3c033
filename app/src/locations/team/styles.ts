/** The team view's styled parts (styled-components over Garden's colours). */
import styled from 'styled-components';
import { colors } from '../../components/Theme';

export const Page = styled.div`
  padding: 16px 20px 32px;
  display: flex;
  flex-direction: column;
  gap: 16px;
`;

export const Header = styled.header`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: 12px;
  h1 { margin: 0 auto 0 0; font-size: 20px; }
`;

export const Filters = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: 12px;
  & > div { min-width: 140px; }
`;

export const Scroll = styled.div`
  overflow-x: auto;
  border: 1px solid ${colors.border};
  border-radius: 6px;
`;

export const FigureButton = styled.button`
  all: unset;
  cursor: pointer;
  border-radius: 3px;
  &:hover span, &:focus-visible span { text-decoration: underline; }
  &:focus-visible { outline: 2px solid ${colors.accent}; }
`;

export const Figure = styled.span<{ $met: boolean | null }>`
  display: inline-flex;
  flex-direction: column;
  gap: 2px;
  font-weight: 600;
  color: ${(p) => (p.$met === true ? colors.good : p.$met === false ? colors.bad : 'inherit')};
  small { font-weight: 400; color: ${colors.muted}; }
`;

export const Panel = styled.section`
  border: 1px solid ${colors.border};
  border-radius: 6px;
  padding: 12px 16px;
  h2 { margin: 0 0 8px; font-size: 16px; display: flex; gap: 8px; align-items: center; justify-content: space-between; }
`;

export const Note = styled.p`
  margin: 0;
  color: ${colors.muted};
`;
