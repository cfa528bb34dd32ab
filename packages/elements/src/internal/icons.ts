/**
 * Icons that go with words, never instead of them (severity is never colour or shape
 * alone). Each is hidden from assistive technology; `currentColor` themes them, and
 * `--icon-mark` colours the mark inside.
 */
import { svg, type SVGTemplateResult } from 'lit';

const icon = (shape: SVGTemplateResult, mark: string): SVGTemplateResult =>
  svg`<svg class="icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">${shape}<path d=${mark} fill="var(--icon-mark, #ffffff)"></path></svg>`;

const circle = svg`<circle cx="12" cy="12" r="11" fill="currentColor"></circle>`;

/** A circle holding "!": a record that needs attention. */
export const criticalIcon = icon(circle, 'M10.6 5h2.8l-.5 9h-1.8zM10.5 16.2h3v3h-3z');

/** A triangle holding "!": not checked, status unknown. */
export const warningIcon = icon(
  svg`<path d="M12 1.5 23.5 22H.5z" fill="currentColor"></path>`,
  'M10.7 8h2.6l-.4 7.5h-1.8zM10.6 17h2.8v2.8h-2.8z',
);

/** A circle holding "i": information. */
export const infoIcon = icon(circle, 'M10.6 10h2.8v9h-2.8zM10.6 5h2.8v2.8h-2.8z');

/** A circle holding a bar: a set-up problem for the developer. */
export const setupIcon = icon(circle, 'M6 10.6h12v2.8H6z');
