/**
 * Pulse's own allowlist for the offline SVG check (svg.ts), written from the W3C SVG 1.1
 * element and attribute indexes (https://www.w3.org/Graphics/SVG/1.1/eltindex.html,
 * attindex.html, propidx.html) and SVG 2's presentation attributes.
 *
 * It is DELIBERATELY A SUBSET of what Zendesk's sanitiser (Loofah's `:prune` scrubber, as
 * zendesk_apps_support runs it) keeps: the common drawing elements and their geometry and
 * presentation attributes, local `#id` references only, and a short list of CSS
 * properties. So errors go one way only: markup this check accepts, Zendesk keeps as it
 * is; markup it flags may occasionally be kept by Zendesk too (a false `sanitised_svg`
 * warning, never a missed one for the names listed here). Filters, animation, fonts,
 * links (`<a>`), `<image>`, `<foreignObject>`, `<script>`, `<style>`, event handlers and
 * external references are left out on purpose: an app icon does not need them. So are
 * some SVG names Zendesk's sanitiser drops although the spec has them (gradientTransform,
 * spreadMethod, clipPathUnits, textLength, lengthAdjust, overflow, letter-spacing,
 * text-decoration, writing-mode, shape-rendering, text-rendering; `opacity` in CSS):
 * an icon using them is reported rightly.
 *
 * Two lists lean the other way, as the one-way promise needs: every attribute here that
 * may hold a `url(…)` paint or reference is in LOCAL_REFERENCE_ATTRIBUTES, and every
 * reference attribute must point inside the document.
 */

const set = (names: string): ReadonlySet<string> => Object.freeze(new Set(names.trim().split(/\s+/)));

/** Structure, shapes, text, paint servers, clipping, masking and markers. */
export const SVG_ELEMENTS = set(`
  svg g defs symbol use title desc
  path rect circle ellipse line polyline polygon
  text tspan
  linearGradient radialGradient stop
  clipPath mask pattern marker
`);

/** Presentation attributes (SVG 1.1 propidx / SVG 2 §6.6) an icon plausibly uses. */
const PRESENTATION = `
  fill fill-opacity fill-rule
  stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
  stroke-dasharray stroke-dashoffset stroke-opacity
  opacity color display visibility
  clip-path clip-rule mask
  marker-start marker-mid marker-end
  stop-color stop-opacity
  font-family font-size font-style font-weight font-variant
  text-anchor
`;

/** Core, geometry and element-specific attributes of SVG_ELEMENTS. */
const GEOMETRY = `
  id class style transform
  xml:space xml:lang version
  x y width height viewBox preserveAspectRatio
  d points cx cy r rx ry x1 y1 x2 y2 fx fy
  dx dy rotate
  gradientUnits offset
  maskUnits maskContentUnits
  patternUnits patternContentUnits patternTransform
  markerWidth markerHeight markerUnits refX refY orient
  href xlink:href
`;

export const SVG_ATTRIBUTES = set(`${PRESENTATION} ${GEOMETRY}`);

/** Attributes that name another element: kept only as a local `#id` reference. */
export const HREF_ATTRIBUTES = set('href xlink:href');

/** Attributes whose value may hold `url(…)`: kept only as a local `url(#id)` (plus keywords and colours). */
export const LOCAL_REFERENCE_ATTRIBUTES = set('fill stroke clip-path mask marker-start marker-mid marker-end');

/**
 * CSS properties kept in a `style` attribute. No shorthand (`background`, `border`,
 * `margin`, `padding` and their longhands): Zendesk filters their keywords one by one,
 * which this check does not model, so any of them is reported.
 */
export const CSS_PROPERTIES = set(`
  fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-opacity
  color display position width height overflow
  font-family font-size font-style font-weight
  enable-background
`);

/** CSS functions kept inside a style value. */
export const CSS_FUNCTIONS = set('rgb rgba hsl hsla');
