/** Plain stylesheets imported for their effect: Vite links them to the page (components/pulse.css). */
declare module '*.css';
