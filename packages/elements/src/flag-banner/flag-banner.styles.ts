import { css } from 'lit';
import { buttonStyles, hostStyles } from '../styles/shared.styles.js';

export const flagBannerStyles = [
  hostStyles,
  buttonStyles,
  css`
    :host {
      margin-bottom: var(--cpis-space-4, 24px);
    }

    /* Each tone: a band behind the heading, a body and a border in the band's colour. No
       two tones share a band (hazard H14): not yet checked is pale grey, checking light
       blue, no record blue. A record found is red; a failed check is dark red on a yellow
       body, as heavy as a record, so a failure is never less prominent. */
    .banner {
      --band: var(--cpis-color-primary, #005eb8);
      --band-text: var(--cpis-color-on-dark, #ffffff);
      border: var(--cpis-border-width, 4px) solid var(--band);
      background: var(--cpis-color-background, #ffffff);
    }

    .banner--pending,
    .banner--progress,
    .banner--attention {
      --band-text: var(--cpis-color-text, #212b32);
    }

    .banner--pending {
      --band: var(--cpis-color-pending, #e8edee);
      border-color: var(--cpis-color-secondary, #4c6272);
    }

    .banner--progress {
      --band: var(--cpis-color-progress, #41b6e6);
    }

    .banner--critical {
      --band: var(--cpis-color-critical, #d5281b);
    }

    .banner--failed {
      --band: var(--cpis-color-failed, #8a1538);
    }

    .banner--failed,
    .banner--attention {
      background: var(--cpis-color-warning-background, #fff9c4);
    }

    .banner--attention {
      --band: var(--cpis-color-warning, #ffeb3b);
    }

    .banner--setup {
      --band: var(--cpis-color-secondary, #4c6272);
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
    }

    h2 {
      margin: 0;
      font-size: 1.375em;
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

    .plans,
    .phones {
      padding: 0;
      list-style: none;
    }

    .plans {
      display: grid;
      gap: var(--cpis-space-3, 12px);
      margin: 0 0 var(--cpis-space-3, 16px);
    }

    .plan {
      padding: var(--cpis-space-3, 12px) var(--cpis-space-3, 16px);
      border-left: 8px solid var(--cpis-color-critical, #d5281b);
      background: var(--cpis-color-plan-background, #f0f4f5);
    }

    .plan--ended {
      border-left-color: var(--cpis-color-secondary, #4c6272);
    }

    .tag {
      display: inline-block;
      margin-right: var(--cpis-space-1, 4px);
      padding: 0 var(--cpis-space-2, 8px);
      border: 1px solid;
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
    }

    .phones a {
      font-weight: 700;
      white-space: nowrap;
    }

    details,
    .actions {
      margin-top: var(--cpis-space-3, 16px);
    }

    summary {
      display: inline-block;
      color: var(--cpis-color-link, #005eb8);
      cursor: pointer;
    }

    summary span {
      text-decoration: underline;
      text-underline-offset: 0.1em;
    }

    summary:focus-visible span {
      text-decoration: none;
    }

    summary::-webkit-details-marker {
      display: none;
    }

    /* The disclosure triangle, pointing right when closed and down when open. */
    summary::before {
      content: '';
      display: inline-block;
      margin-right: 8px;
      border: solid transparent;
      border-width: 6px 0 6px 10px;
      border-left-color: currentColor;
    }

    [open] > summary::before {
      border-width: 10px 6px 0;
      border-top-color: currentColor;
      border-left-color: transparent;
    }

    cpis-access-history {
      margin-top: var(--cpis-space-3, 16px);
      padding-left: var(--cpis-space-3, 16px);
      border-left: 4px solid var(--cpis-color-border, #d8dde0);
    }

    progress {
      display: block;
      width: 100%;
      height: 8px;
      margin-top: var(--cpis-space-2, 8px);
      accent-color: var(--cpis-color-primary, #005eb8);
    }
  `,
];
