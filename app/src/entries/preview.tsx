import { createRoot } from 'react-dom/client';
import { Preview } from '../preview/Preview';

createRoot(document.getElementById('root')!).render(<Preview />);
