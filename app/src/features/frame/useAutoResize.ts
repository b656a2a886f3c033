import { useEffect, useRef } from 'react';
import { useClient } from '../../zaf/ClientProvider';

/** Keeps the helpdesk iframe as tall as the element the returned ref is attached to. */
export function useAutoResize<T extends HTMLElement>() {
  const client = useClient();
  const ref = useRef<T>(null);
  const lastHeight = useRef(0);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const report = () => {
      const height = Math.ceil(element.getBoundingClientRect().height || element.scrollHeight);
      if (height > 0 && height !== lastHeight.current) {
        lastHeight.current = height;
        client.resize(height);
      }
    };
    report();
    const Observer = (globalThis as { ResizeObserver?: typeof ResizeObserver }).ResizeObserver;
    if (!Observer) return;
    const observer = new Observer(report);
    observer.observe(element);
    return () => observer.disconnect();
  }, [client]);

  return ref;
}
