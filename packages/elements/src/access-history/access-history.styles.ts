import { css } from 'lit';
import { hostStyles } from '../styles/shared.styles.js';

export const accessHistoryStyles = [
  hostStyles,
  css`
    .table-wrap {
      overflow-x: auto;
    }

    table {
      width: 100%;
      border-collapse: collapse;
      font: inherit;
      color: inherit;
    }

    caption {
      padding-bottom: var(--cpis-space-2, 8px);
      font-weight: 600;
      text-align: left;
    }

    th,
    td {
      padding: var(--cpis-space-2, 8px) var(--cpis-space-3, 16px) var(--cpis-space-2, 8px) 0;
      border-bottom: 1px solid var(--cpis-color-border, #d8dde0);
      text-align: left;
      vertical-align: top;
    }

    th {
      font-weight: 600;
    }

    .own {
      display: block;
    }

    td:last-child,
    th:last-child {
      padding-right: 0;
    }
  `,
];
