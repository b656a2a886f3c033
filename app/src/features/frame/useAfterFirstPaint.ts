import { useEffect, useState } from 'react';

/** A hidden frame gets no animation frames: this long at most, then the view is complete anyway. */
const HIDDEN_FRAME_FALLBACK_MS = 250;

/**
 * false until the browser has painted the view once with `ready` true, then true (for good):
 * for a part of a view that must not hold up the paint of what comes first (it renders in
 * the task after that paint's frame). `ready` (default true): what must be on screen first
 * is there.
 */
export function useAfterFirstPaint(ready = true): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (painted || !ready) return;
    const done = () => setPainted(true);
    let afterPaint: ReturnType<typeof setTimeout> | undefined;
    // The frame callback runs just before the paint; the task it queues, just after.
    const frame = requestAnimationFrame(() => {
      afterPaint = setTimeout(done, 0);
    });
    const fallback = setTimeout(done, HIDDEN_FRAME_FALLBACK_MS);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(afterPaint);
      clearTimeout(fallback);
    };
  }, [painted, ready]);
  return painted;
}
