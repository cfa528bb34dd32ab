import { LitElement, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { isoOrEmpty, londonDateTime } from '@cpis/domain';
import type { AccessEntry, CheckResult } from '@cpis/sdk';
import { accessHistoryStyles } from './access-history.styles.js';
import { historyNotGiven } from '../internal/history.js';

/**
 * @summary The earlier CP-IS accesses from unscheduled care that a check returned, as a
 * table: when (Europe/London), where (the setting) and the role of who looked. The entry
 * this very check wrote is marked "This check (you)", so it never reads as someone else.
 *
 * @tag cpis-access-history
 *
 * @csspart table - The table of accesses.
 * @csspart empty - The sentence shown when no access is recorded.
 *
 * @cssprop --cpis-color-text - Text colour. Default `#212b32`.
 * @cssprop --cpis-color-border - Row rule colour. Default `#d8dde0`.
 * @cssprop --cpis-font-family - Font. Default `'Frutiger W01', Arial, sans-serif`.
 * @cssprop --cpis-font-size - Base font size (never below 14px). Default `16px`.
 * @cssprop --cpis-space-2 - Cell padding. Default `8px`.
 */
export class CpisAccessHistory extends LitElement {
  static override styles = accessHistoryStyles;

  static override properties: PropertyDeclarations = {
    result: { attribute: false },
  };

  /** The check whose `accessHistory` is shown (newest first, at most 25). */
  declare result?: CheckResult;

  protected override render(): TemplateResult | typeof nothing {
    const { result } = this;
    const entries = result?.accessHistory;
    if (!entries) return nothing;
    const own = ownEntry(result);
    if (entries.length === 0) {
      return html`<p class="empty" part="empty">
        ${
          historyNotGiven(result)
            ? 'Not known (the answering service does not give it).'
            : 'No earlier accesses from unscheduled care are recorded.'
        }
      </p>`;
    }
    return html`<div class="table-wrap">
      <table part="table">
        <caption>
          CP-IS accesses from unscheduled care, newest first (${entries.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Where</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map((entry) => {
            const at = new Date(entry.accessedAt);
            return html`<tr>
              <td>
                ${entry === own ? html`<strong class="own">This check (you)</strong>` : nothing}
                <time datetime=${isoOrEmpty(at)}>${londonDateTime(at)}</time>
              </td>
              <td>${entry.setting.name}</td>
              <td>${entry.userRole}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }
}

/**
 * The entry this check wrote, if it wrote one. The contract gives entries no check id, so
 * this follows its rules: a check writes an entry exactly when it tells a local authority
 * (`notifiedAuthorities` not empty), at its own `checkedAt`. When two entries share that
 * instant, neither is marked: another person's access is never passed off as yours.
 */
function ownEntry({
  accessHistory,
  checkedAt,
  notifiedAuthorities,
}: CheckResult): AccessEntry | undefined {
  const at = Date.parse(checkedAt);
  const same = accessHistory.filter((e) => Date.parse(e.accessedAt) === at);
  return notifiedAuthorities.length > 0 && same.length === 1 ? same[0] : undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'cpis-access-history': CpisAccessHistory;
  }
}
