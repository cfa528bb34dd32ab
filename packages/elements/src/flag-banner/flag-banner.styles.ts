import { css } from 'lit';
import { buttonStyles, hostStyles } from '../styles/shared.styles.js';

export const flagBannerStyles = [
  hostStyles,
  buttonStyles,
  css`
    :host {
      margin-bottom: var(--cpis-space-4, 24px);
    }

    /* Each tone: a band behind the heading, a body and a border. A record found and a
       failed check share the heaviest tone, so a failure is never less prominent. */
    .banner {
      --band: var(--cpis-color-primary, #005eb8);
      --band-text: var(--cpis-color-on-dark, #ffffff);
      --body: var(--cpis-color-background, #ffffff);
      --edge: var(--cpis-color-primary, #005eb8);
      margin: 0;
      border: var(--cpis-border-width, 4px) solid var(--edge);
      background: var(--body);
      color: var(--cpis-color-text, #212b32);
    }

    .banner--critical {
      --band: var(--cpis-color-critical, #d5281b);
      --edge: var(--cpis-color-critical, #d5281b);
    }

    .banner--failed {
      --band: var(--cpis-color-critical, #d5281b);
      --edge: var(--cpis-color-critical, #d5281b);
      --body: var(--cpis-color-warning-background, #fff9c4);
    }

    .banner--attention {
      --band: var(--cpis-color-warning, #ffeb3b);
      --band-text: var(--cpis-color-text, #212b32);
      --edge: var(--cpis-color-warning, #ffeb3b);
      --body: var(--cpis-color-warning-background, #fff9c4);
    }

    .banner--setup {
      --band: var(--cpis-color-secondary, #4c6272);
      --edge: var(--cpis-color-secondary, #4c6272);
      border-style: dashed;
    }

    .header {
      display: flex;
      align-items: center;
      gap: var(--cpis-space-3, 12px);
      padding: var(--cpis-space-2, 8px) var(--cpis-space-3, 16px);
      background: var(--band);
      color: var(--band-text);
      --icon-mark: var(--band);
    }

    .icon {
      flex: none;
      width: 28px;
      height: 28px;
    }

    h2 {
      margin: 0;
      color: inherit;
      font-size: 1.375em;
      font-weight: 700;
      line-height: 1.3;
    }

    .body {
      padding: var(--cpis-space-3, 16px);
    }

    .lead {
      font-size: 1.125em;
      font-weight: 700;
    }

    .meta {
      font-weight: 600;
    }

    .nhs-number {
      white-space: nowrap;
    }

    .plans {
      display: grid;
      gap: var(--cpis-space-3, 12px);
      margin: 0 0 var(--cpis-space-3, 16px);
      padding: 0;
      list-style: none;
    }

    .plan {
      padding: var(--cpis-space-3, 12px) var(--cpis-space-3, 16px);
      border-left: 8px solid var(--cpis-color-critical, #d5281b);
      background: var(--cpis-color-plan-background, #f0f4f5);
    }

    .plan--ended {
      border-left-color: var(--cpis-color-secondary, #4c6272);
    }

    h3 {
      margin: 0 0 var(--cpis-space-1, 4px);
      font-size: 1.1875em;
      font-weight: 700;
      line-height: 1.3;
    }

    .tag {
      display: inline-block;
      margin-right: var(--cpis-space-1, 4px);
      padding: 0 var(--cpis-space-2, 8px);
      border: 1px solid currentColor;
      font-weight: 700;
    }

    .tag--active {
      background: var(--cpis-color-tag-active-background, #f7d4d1);
      color: var(--cpis-color-tag-active, #6b140e);
    }

    .tag--ended {
      background: var(--cpis-color-tag-ended-background, #dbe0e3);
      color: var(--cpis-color-tag-ended, #212b32);
    }

    .phones {
      margin: var(--cpis-space-2, 8px) 0 0;
      padding: 0;
      list-style: none;
    }

    .phones a {
      font-weight: 700;
      white-space: nowrap;
    }

    details {
      margin: var(--cpis-space-3, 16px) 0 0;
    }

    summary {
      display: inline-block;
      color: var(--cpis-color-link, #005eb8);
      cursor: pointer;
      list-style: none;
    }

    summary span {
      text-decoration: underline;
      text-underline-offset: 0.1em;
    }

    summary::-webkit-details-marker {
      display: none;
    }

    summary::before {
      content: '';
      display: inline-block;
      margin-right: 8px;
      border-style: solid;
      border-color: transparent;
      border-width: 6px 0 6px 10px;
      border-left-color: currentColor;
      vertical-align: baseline;
    }

    details[open] > summary::before {
      border-width: 10px 6px 0;
      border-top-color: currentColor;
      border-left-color: transparent;
    }

    summary:focus {
      outline: none;
    }

    summary:focus-visible {
      color: var(--cpis-color-focus-text, #212b32);
      background-color: var(--cpis-color-focus, #ffeb3b);
      box-shadow:
        0 -2px var(--cpis-color-focus, #ffeb3b),
        0 4px var(--cpis-color-focus-text, #212b32);
    }

    summary:focus-visible span {
      text-decoration: none;
    }

    details cpis-access-history {
      margin-top: var(--cpis-space-3, 16px);
      padding-left: var(--cpis-space-3, 16px);
      border-left: 4px solid var(--cpis-color-border, #d8dde0);
    }

    progress {
      display: block;
      width: 100%;
      height: 8px;
      margin: var(--cpis-space-2, 8px) 0 0;
      accent-color: var(--cpis-color-primary, #005eb8);
    }

    .actions {
      margin-top: var(--cpis-space-3, 16px);
    }
  `,
];
