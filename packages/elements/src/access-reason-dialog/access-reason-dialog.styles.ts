import { css } from 'lit';
import { buttonStyles, hostStyles } from '../styles/shared.styles.js';

export const accessReasonDialogStyles = [
  hostStyles,
  buttonStyles,
  css`
    /* The modal is in the top layer, but still inherits the host's font. However small
       or zoomed the screen, the body scrolls and the actions stay in view below it. */
    dialog {
      width: min(640px, calc(100vw - 32px));
      max-height: calc(100dvh - 32px);
      padding: 0;
      overflow: hidden;
      border: 0;
      border-top: 8px solid var(--cpis-color-primary, #005eb8);
      background: var(--cpis-color-background, #ffffff);
      color: var(--cpis-color-text, #212b32);
      box-shadow: 0 4px 16px rgba(33, 43, 50, 0.4);
    }

    dialog[open],
    form {
      display: flex;
      flex-direction: column;
      min-height: 0;
    }

    .body {
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: var(--cpis-space-4, 24px);
    }

    dialog::backdrop {
      background: var(--cpis-color-backdrop, rgba(33, 43, 50, 0.6));
    }

    h2,
    .error-summary h3 {
      margin: 0 0 var(--cpis-space-3, 16px);
      font-size: 1.5em;
      font-weight: 600;
      line-height: 1.25;
    }

    .error-summary h3 {
      margin-bottom: var(--cpis-space-2, 8px);
      font-size: 1.25em;
    }

    .notice,
    .error-summary,
    .form-group {
      margin: 0 0 var(--cpis-space-4, 24px);
    }

    .notice,
    .error-summary {
      padding: var(--cpis-space-3, 16px);
    }

    .notice {
      display: flex;
      gap: var(--cpis-space-2, 8px);
      border: 1px solid var(--cpis-color-warning, #ffeb3b);
      background: var(--cpis-color-warning-background, #fff9c4);
    }

    .notice svg {
      flex: none;
      width: 24px;
      height: 24px;
    }

    .error-summary {
      border: 4px solid var(--cpis-color-critical, #d5281b);
    }

    .error-summary:focus {
      outline: 4px solid transparent;
      box-shadow:
        0 0 0 4px var(--cpis-color-focus, #ffeb3b),
        0 0 0 8px var(--cpis-color-focus-text, #212b32);
    }

    .error-summary ul,
    fieldset {
      margin: 0;
      padding: 0;
      list-style: none;
    }

    .hint,
    .count {
      color: var(--cpis-color-text-secondary, #4c6272);
    }

    .error-summary a,
    .error-message,
    .count.over {
      color: var(--cpis-color-critical, #d5281b);
      font-weight: 600;
    }

    .error-summary a:focus-visible {
      color: var(--cpis-color-focus-text, #212b32);
    }

    .form-group--error {
      padding-left: var(--cpis-space-3, 16px);
      border-left: 4px solid var(--cpis-color-critical, #d5281b);
    }

    fieldset {
      border: 0;
      min-width: 0;
    }

    legend,
    .field-label {
      display: block;
      padding: 0;
      font-weight: 600;
      font-size: 1.125em;
    }

    legend,
    .field-label,
    .hint,
    .error-message,
    .radio {
      margin: 0 0 var(--cpis-space-2, 8px);
    }

    .error-message {
      display: block;
    }

    .radio {
      display: flex;
      align-items: flex-start;
      gap: var(--cpis-space-2, 8px);
    }

    .radio input {
      flex: none;
      width: 24px;
      height: 24px;
      margin: 2px 0 0;
      accent-color: var(--cpis-color-text, #212b32);
    }

    .radio label {
      cursor: pointer;
    }

    .radio input:focus-visible {
      outline: 4px solid var(--cpis-color-focus, #ffeb3b);
      outline-offset: 2px;
      box-shadow: 0 0 0 8px var(--cpis-color-focus-text, #212b32);
    }

    textarea {
      display: block;
      width: 100%;
      min-height: 96px;
      padding: var(--cpis-space-1, 4px);
      border: 2px solid var(--cpis-color-input-border, #4c6272);
      border-radius: 0;
      background: var(--cpis-color-background, #ffffff);
      color: inherit;
      font: inherit;
      resize: vertical;
    }

    textarea.error {
      border-color: var(--cpis-color-critical, #d5281b);
    }

    textarea:focus {
      outline: 4px solid var(--cpis-color-focus, #ffeb3b);
      outline-offset: 0;
      box-shadow: inset 0 0 0 2px var(--cpis-color-focus-text, #212b32);
      border-color: var(--cpis-color-focus-text, #212b32);
    }

    .count {
      margin-top: var(--cpis-space-1, 4px);
    }

    .actions {
      display: flex;
      flex: none;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--cpis-space-2, 8px);
      padding: var(--cpis-space-3, 16px) var(--cpis-space-4, 24px);
      border-top: 1px solid var(--cpis-color-border, #d8dde0);
    }
  `,
];
