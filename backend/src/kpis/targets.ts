/**
 * Target rules: a figure with a target carries `target` and `met` beside it. A duration
 * is met when its median is ≤ the target (`atMost`); CSAT, FCR, NPS and CES when their
 * rate, score or mean is ≥ (`atLeast`); `met` is null while the figure itself is null.
 */
export interface TargetFields {
  target?: number;
  met?: boolean | null;
}

export const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function withTarget<T extends object>(figure: T, target: number | undefined, value: number | null, rule: 'atMost' | 'atLeast'): T & TargetFields {
  if (target == null) return figure;
  const met = value == null ? null : rule === 'atMost' ? value <= target : value >= target;
  return { ...figure, target, met };
}
