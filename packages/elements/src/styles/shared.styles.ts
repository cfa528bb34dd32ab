import { css } from 'lit';

/**
 * The host reset every element shares. A clinical banner must stay readable whatever the
 * host page's CSS does (hazard 6): outer-page rules beat `:host` rules unless both are
 * `!important`, and then the shadow tree's `!important` wins — so the properties that
 * decide whether the text can be seen are `!important` here. Inside the shadow tree the
 * page's rules never reach, so nothing else needs it. Sizes are in px (never rem: a
 * hostile `html { font-size: 2px }` would shrink rem). Appearance is themed through the
 * `--cpis-*` custom properties, layout through `::part()`, hiding through `hidden`.
 */
export const hostStyles = css`
  :host {
    all: initial;
    display: block !important;
    visibility: visible !important;
    opacity: 1 !important;
    content-visibility: visible !important;
    filter: none !important;
    clip-path: none !important;
    box-sizing: border-box;
    font-family: var(--cpis-font-family, 'Frutiger W01', Arial, sans-serif) !important;
    font-size: max(14px, var(--cpis-font-size, 16px)) !important;
    font-weight: 400 !important;
    font-style: normal !important;
    line-height: 1.5 !important;
    letter-spacing: normal !important;
    word-spacing: normal !important;
    text-transform: none !important;
    text-align: start !important;
    color: var(--cpis-color-text, #212b32) !important;
    -webkit-text-fill-color: currentcolor !important;
    -webkit-font-smoothing: antialiased;
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: 0;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    border: 0;
    white-space: nowrap;
  }

  p {
    margin: 0 0 var(--cpis-space-2, 8px);
  }

  p:last-child {
    margin-bottom: 0;
  }

  h3 {
    margin: 0 0 var(--cpis-space-1, 4px);
    font-size: 1.1875em;
    line-height: 1.3;
  }

  .nhs-number {
    white-space: nowrap;
  }

  a {
    color: var(--cpis-color-link, #005eb8);
    text-underline-offset: 0.1em;
  }

  a:visited {
    color: var(--cpis-color-link-visited, #330072);
  }

  a:hover {
    color: var(--cpis-color-link-hover, #7c2855);
    text-decoration: none;
  }

  /* NHS focus: yellow behind dark text with a dark underline (nhsuk-frontend focus mixin). */
  a:focus-visible,
  summary:focus-visible {
    outline: 4px solid transparent;
    outline-offset: 4px;
    color: var(--cpis-color-focus-text, #212b32);
    background-color: var(--cpis-color-focus, #ffeb3b);
    box-shadow:
      0 -2px var(--cpis-color-focus, #ffeb3b),
      0 4px var(--cpis-color-focus-text, #212b32);
    text-decoration: none;
  }

  [tabindex='-1']:focus,
  summary:focus,
  .button:focus {
    outline: none;
  }

  [tabindex='-1']:focus-visible {
    outline: 4px solid var(--cpis-color-focus, #ffeb3b);
    outline-offset: 0;
    box-shadow: 0 0 0 8px var(--cpis-color-focus-text, #212b32);
  }
`;

/** The NHS button, primary (green) and secondary (outlined), with the NHS focus ring. */
export const buttonStyles = css`
  .button {
    position: relative;
    margin: 0 var(--cpis-space-3, 16px) 4px 0;
    padding: 10px 16px;
    min-height: 44px;
    border: 2px solid transparent;
    border-radius: 4px;
    background-color: var(--cpis-color-button, #007f3b);
    box-shadow: 0 4px 0 var(--cpis-color-button-shadow, #00401e);
    color: var(--cpis-color-button-text, #ffffff);
    font: inherit;
    font-weight: 600;
    line-height: 1.25;
    cursor: pointer;
    -webkit-appearance: none;
    appearance: none;
  }

  .button:hover {
    background-color: var(--cpis-color-button-hover, #00662f);
  }

  .button:active {
    top: 4px;
    box-shadow: none;
    background-color: var(--cpis-color-button-shadow, #00401e);
  }

  .button--secondary {
    background-color: var(--cpis-color-background, #ffffff);
    border-color: var(--cpis-color-primary, #005eb8);
    box-shadow: 0 4px 0 var(--cpis-color-primary, #005eb8);
    color: var(--cpis-color-primary, #005eb8);
  }

  .button--secondary:hover {
    background-color: var(--cpis-color-secondary-hover, #e8edee);
  }

  .button:focus-visible {
    outline: 4px solid transparent;
    top: 0;
    background-color: var(--cpis-color-focus, #ffeb3b);
    border-color: var(--cpis-color-focus, #ffeb3b);
    color: var(--cpis-color-focus-text, #212b32);
    box-shadow: 0 4px 0 var(--cpis-color-focus-text, #212b32);
  }

  .button:last-child {
    margin-right: 0;
  }
`;
