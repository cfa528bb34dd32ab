import { css } from 'lit';
import { buttonStyles, hostStyles } from '../styles/shared.styles.js';

export const notificationInboxStyles = [
  hostStyles,
  buttonStyles,
  css`
    h2 {
      margin: 0 0 var(--cpis-space-2, 8px);
      font-size: 1.5em;
      font-weight: 700;
      line-height: 1.25;
    }

    .status {
      display: flex;
      align-items: flex-start;
      gap: var(--cpis-space-2, 8px);
      margin: 0 0 var(--cpis-space-3, 16px);
      padding: var(--cpis-space-2, 8px) var(--cpis-space-3, 16px);
      border-left: 4px solid var(--cpis-color-primary, #005eb8);
      background: var(--cpis-color-info-background, #e8f1f8);
    }

    .status--problem {
      border-left-color: var(--cpis-color-critical, #d5281b);
      background: var(--cpis-color-warning-background, #fff9c4);
    }

    .status--setup {
      border-left-style: dashed;
      border-left-color: var(--cpis-color-secondary, #4c6272);
      background: var(--cpis-color-plan-background, #f0f4f5);
    }

    .status .icon {
      flex: none;
      width: 24px;
      height: 24px;
      color: var(--cpis-color-primary, #005eb8);
      --icon-mark: var(--cpis-color-background, #ffffff);
    }

    .status--problem .icon {
      color: var(--cpis-color-critical, #d5281b);
      --icon-mark: var(--cpis-color-warning-background, #fff9c4);
    }

    .items {
      display: grid;
      gap: var(--cpis-space-3, 16px);
      margin: 0;
      padding: 0;
      list-style: none;
    }

    .item {
      padding: var(--cpis-space-3, 16px);
      border: 1px solid var(--cpis-color-border, #d8dde0);
      border-left: 8px solid var(--cpis-color-primary, #005eb8);
      background: var(--cpis-color-background, #ffffff);
    }

    .when {
      margin: 0 0 var(--cpis-space-2, 8px);
      font-weight: 600;
    }

    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: var(--cpis-space-1, 4px) var(--cpis-space-3, 16px);
      margin: 0;
    }

    dt {
      font-weight: 600;
    }

    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }

    .actions {
      margin-top: var(--cpis-space-2, 8px);
    }
  `,
];
