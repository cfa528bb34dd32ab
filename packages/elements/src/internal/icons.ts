/**
 * Icons that go with words, never instead of them (severity is never colour or shape
 * alone). Each is hidden from assistive technology; `currentColor` themes them, and
 * `--icon-mark` colours the mark inside. No two banner states that could be mistaken for
 * each other share one (hazard H14).
 */
import { svg, type SVGTemplateResult } from 'lit';

const icon = (shape: SVGTemplateResult, mark: SVGTemplateResult): SVGTemplateResult =>
  svg`<svg class="icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">${shape}${mark}</svg>`;

const filled = (d: string): SVGTemplateResult =>
  svg`<path d=${d} fill="var(--icon-mark, #ffffff)"></path>`;

const circle = svg`<circle cx="12" cy="12" r="11" fill="currentColor"></circle>`;

/** A circle holding "!": a record that needs attention. */
export const criticalIcon = icon(circle, filled('M10.6 5h2.8l-.5 9h-1.8zM10.5 16.2h3v3h-3z'));

/** A triangle holding "!": not checked, status unknown. */
export const warningIcon = icon(
  svg`<path d="M12 1.5 23.5 22H.5z" fill="currentColor"></path>`,
  filled('M10.7 8h2.6l-.4 7.5h-1.8zM10.6 17h2.8v2.8h-2.8z'),
);

/** An octagon holding "×": the check failed. */
export const failedIcon = icon(
  svg`<path d="M7.4 1h9.2L23 7.4v9.2L16.6 23H7.4L1 16.6V7.4z" fill="currentColor"></path>`,
  filled('M7.8 9.8l2-2 2.2 2.2 2.2-2.2 2 2-2.2 2.2 2.2 2.2-2 2-2.2-2.2-2.2 2.2-2-2 2.2-2.2z'),
);

/** A circle holding "i": information. */
export const infoIcon = icon(circle, filled('M10.6 10h2.8v9h-2.8zM10.6 5h2.8v2.8h-2.8z'));

/** A circle holding "?": not checked yet. */
export const questionIcon = icon(
  circle,
  svg`<path d="M8.9 9.3a3.1 3.1 0 1 1 4.4 2.8c-.9.4-1.3 1-1.3 2v.9" fill="none" stroke="var(--icon-mark, #ffffff)" stroke-width="2.6"></path>${filled('M10.6 16.4h2.8v2.8h-2.8z')}`,
);

/** A clock face: a check on its way. */
export const clockIcon = icon(circle, filled('M10.6 4.5h2.8v6.7l4.3 2.5-1.4 2.4-5.7-3.3z'));

/** A circle holding a bar: a set-up problem for the developer. */
export const setupIcon = icon(circle, filled('M6 10.6h12v2.8H6z'));
