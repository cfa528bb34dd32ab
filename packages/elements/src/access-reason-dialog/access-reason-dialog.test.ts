import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../define.js';
import type { CpisAccessReasonDialog } from './access-reason-dialog.js';
import {
  cleanPage,
  deepActiveElement,
  expectAxeClean,
  mount,
  settle,
  shadowText,
  until,
} from '../internal/testing.test-helper.js';

afterEach(cleanPage);

const inner = (el: CpisAccessReasonDialog): HTMLDialogElement =>
  el.shadowRoot!.querySelector('dialog')!;
const $ = <T extends Element = HTMLElement>(el: Element, selector: string): T =>
  el.shadowRoot!.querySelector<T>(selector)!;
const buttonNamed = (el: Element, name: string): HTMLButtonElement =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent?.trim() === name)!;

/** A page with an opener button and the dialog; the opener has focus and opens it. */
async function opened(attrs: Record<string, string> = {}) {
  const opener = document.createElement('button');
  opener.textContent = 'Open';
  document.body.append(opener);
  const el = await mount('cpis-access-reason-dialog', attrs);
  opener.focus();
  const answer = el.show();
  await until(() => inner(el).open, true);
  return { el, opener, answer };
}

async function submit(el: CpisAccessReasonDialog): Promise<void> {
  buttonNamed(el, 'Check CP-IS').click();
  await settle(el);
}

describe('show()', () => {
  it('resolves with the reason chosen', async () => {
    const { el, answer } = await opened();
    $<HTMLInputElement>(el, '#code-1').click();
    await submit(el);
    expect(await answer).toEqual({ code: 'safeguarding-concern' });
    expect(inner(el).open).toBe(false);
  });

  it('resolves with the trimmed comment for "other"', async () => {
    const { el, answer } = await opened();
    $<HTMLInputElement>(el, '#code-3').click();
    await userEvent.fill($(el, '#comment'), '  Brought in by police  ');
    await submit(el);
    expect(await answer).toEqual({ code: 'other', comment: 'Brought in by police' });
  });

  it('resolves null on Cancel and gives focus back to the opener', async () => {
    const { el, opener, answer } = await opened();
    buttonNamed(el, 'Cancel').click();
    expect(await answer).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('resolves null on close()', async () => {
    const { el, answer } = await opened();
    el.close();
    expect(await answer).toBeNull();
  });

  it('returns the same promise while open', async () => {
    const { el, answer } = await opened();
    const again = el.show();
    $<HTMLInputElement>(el, '#code-2').click();
    await submit(el);
    expect(await again).toEqual({ code: 'clinical-review' });
    expect(await answer).toEqual({ code: 'clinical-review' });
  });

  it('opens with a preselected reason ticked and focused, still waiting for the user to confirm', async () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    const el = await mount('cpis-access-reason-dialog', {});
    opener.focus();
    const answer = (el as CpisAccessReasonDialog).show('safeguarding-concern');
    await until(() => inner(el as CpisAccessReasonDialog).open, true);
    const ticked = $<HTMLInputElement>(el, 'input[value="safeguarding-concern"]');
    expect(ticked.checked).toBe(true);
    expect(deepActiveElement()).toBe(ticked);
    expect(inner(el as CpisAccessReasonDialog).open).toBe(true);
    await submit(el as CpisAccessReasonDialog);
    expect(await answer).toEqual({ code: 'safeguarding-concern' });
  });

  it('starts blank each time it opens', async () => {
    const first = await opened();
    $<HTMLInputElement>(first.el, '#code-3').click();
    await userEvent.fill($(first.el, '#comment'), 'x');
    first.el.close();
    await first.answer;
    void first.el.show();
    await until(() => inner(first.el).open, true);
    expect($<HTMLInputElement>(first.el, '#code-3').checked).toBe(false);
    expect($<HTMLTextAreaElement>(first.el, '#comment').value).toBe('');
    first.el.close();
  });

  it('is not dismissed by a click on the backdrop', async () => {
    const { el } = await opened();
    await userEvent.click(page.elementLocator(document.body), {
      position: { x: 4, y: 4 },
      force: true,
    });
    expect(inner(el).open).toBe(true);
    el.close();
  });
});

describe('what the user is told before submitting', () => {
  it('says an unscheduled check tells the local authority and is recorded', async () => {
    const { el } = await opened({ 'access-context': 'unscheduled' });
    expect(shadowText(el)).toContain(
      "Checking CP-IS now tells the child's local authority who looked, where and when. The check is recorded.",
    );
    expect(inner(el).getAttribute('aria-describedby')).toBe('notice');
    el.close();
  });

  it('says a scheduled check is recorded and the local authority is not told', async () => {
    const { el } = await opened({ 'access-context': 'scheduled' });
    expect(shadowText(el)).toContain(
      'This is a scheduled check: it is recorded, and the local authority is not told.',
    );
    el.close();
  });

  it('says both when the context is not given', async () => {
    const { el } = await opened();
    expect(shadowText(el)).toContain(
      "An unscheduled check tells the child's local authority who looked, where and when. Every check is recorded.",
    );
    el.close();
  });
});

describe('validation (validateReason) and the error summary', () => {
  it('asks for a reason, in a focused summary that links to the field', async () => {
    const { el, answer } = await opened();
    await submit(el);
    const summary = $(el, '.error-summary');
    expect(summary.getAttribute('role')).toBe('alert');
    expect(summary.textContent).toContain('There is a problem');
    await until(() => deepActiveElement() === summary, true);
    const link = summary.querySelector('a')!;
    expect(link.textContent).toBe('Select why you are checking CP-IS');
    expect(shadowText(el)).toContain('Error: Select why you are checking CP-IS');
    link.click();
    expect(deepActiveElement()?.id).toBe('code-0');
    expect(inner(el).open).toBe(true);
    el.close();
    expect(await answer).toBeNull();
  });

  it('asks for a comment when the reason is "other", and links to the comment', async () => {
    const { el } = await opened();
    $<HTMLInputElement>(el, '#code-3').click();
    await userEvent.fill($(el, '#comment'), '   ');
    await submit(el);
    const link = $(el, '.error-summary a');
    expect(link.textContent).toBe('Enter a comment saying why you are checking CP-IS');
    expect($(el, '#comment').getAttribute('aria-invalid')).toBe('true');
    expect($(el, '#comment').getAttribute('aria-describedby')).toContain('comment-error');
    link.click();
    expect(deepActiveElement()?.id).toBe('comment');
    el.close();
  });

  it('refuses a comment over 500 characters and counts what is over', async () => {
    const { el } = await opened();
    $<HTMLInputElement>(el, '#code-0').click();
    await userEvent.fill($(el, '#comment'), 'a'.repeat(501));
    await settle(el);
    expect($(el, '.count').textContent?.trim()).toBe('You have 1 character too many');
    await submit(el);
    expect($(el, '.error-summary a').textContent).toBe('Comment must be 500 characters or fewer');
    el.close();
  });

  it('counts characters as the contract does (code points), up to exactly 500', async () => {
    const { el, answer } = await opened();
    expect($(el, '.count').textContent?.trim()).toBe('You have 500 characters remaining');
    $<HTMLInputElement>(el, '#code-0').click();
    await userEvent.fill($(el, '#comment'), '😀'.repeat(500));
    await settle(el);
    expect($(el, '.count').textContent?.trim()).toBe('You have 0 characters remaining');
    await submit(el);
    expect((await answer)?.comment).toHaveLength(1000);
  });

  it('announces the count once typing pauses, through a polite live region', async () => {
    const { el } = await opened();
    const live = $(el, '[aria-live="polite"]');
    expect(live.textContent?.trim()).toBe('');
    await userEvent.fill($(el, '#comment'), 'abc');
    await until(() => live.textContent?.trim(), 'You have 497 characters remaining', 3000);
    el.close();
  });

  it('clears the reason error once a reason is chosen', async () => {
    const { el } = await opened();
    await submit(el);
    expect(el.shadowRoot!.querySelector('.error-summary')).not.toBeNull();
    $<HTMLInputElement>(el, '#code-2').click();
    await settle(el);
    expect(el.shadowRoot!.querySelector('.error-summary')).toBeNull();
    el.close();
  });
});

describe('keyboard and focus', () => {
  it('puts focus on the first reason, keeps Tab inside, closes on Escape, and returns focus', async () => {
    const { el, opener, answer } = await opened();
    expect(deepActiveElement()?.id).toBe('code-0');
    const inside = (): boolean => {
      const active = deepActiveElement();
      return !!active && (active === el || el.shadowRoot!.contains(active));
    };
    for (let i = 0; i < 8; i++) {
      await userEvent.tab();
      expect(inside()).toBe(true);
    }
    for (let i = 0; i < 8; i++) {
      await userEvent.tab({ shift: true });
      expect(inside()).toBe(true);
    }
    await userEvent.keyboard('{Escape}');
    expect(await answer).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('is answered with the keyboard alone', async () => {
    const { el, answer } = await opened();
    await userEvent.keyboard('{ArrowDown}');
    expect(deepActiveElement()?.id).toBe('code-1');
    await userEvent.tab();
    expect(deepActiveElement()?.id).toBe('comment');
    await userEvent.keyboard('Seen in resus');
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    expect(await answer).toEqual({ code: 'safeguarding-concern', comment: 'Seen in resus' });
    expect(inner(el).open).toBe(false);
  });

  it('makes the background inert while open (a native modal)', async () => {
    const { el, opener } = await opened();
    expect(inner(el).matches(':modal')).toBe(true);
    opener.focus();
    expect(document.activeElement).not.toBe(opener);
    el.close();
  });
});

describe('the actions stay in reach on small and zoomed screens', () => {
  // 200 % zoom of a 1280 × 700 window lays the page out in a 640 × 350 CSS-pixel viewport
  // (what WCAG 1.4.4 and 1.4.10 test against); px sizes stay px, so this is the zoomed layout.
  /** Each action's box lies inside the viewport, and it is what a pointer there would hit. */
  function expectInView(el: CpisAccessReasonDialog, why: string): void {
    for (const name of ['Check CP-IS', 'Cancel']) {
      const button = buttonNamed(el, name);
      const box = button.getBoundingClientRect();
      expect(box.height, `${why}: ${name}`).toBeGreaterThan(0);
      expect(box.top, `${why}: ${name}`).toBeGreaterThanOrEqual(0);
      expect(box.left, `${why}: ${name}`).toBeGreaterThanOrEqual(0);
      expect(box.bottom, `${why}: ${name}`).toBeLessThanOrEqual(window.innerHeight);
      expect(box.right, `${why}: ${name}`).toBeLessThanOrEqual(window.innerWidth);
      const hit = el.shadowRoot!.elementFromPoint(
        box.left + box.width / 2,
        box.top + box.height / 2,
      );
      expect(hit === button || button.contains(hit), `${why}: ${name} is covered`).toBe(true);
    }
    expect([window.scrollX, window.scrollY], `${why}: the page scrolled`).toEqual([0, 0]);
  }

  /** Opens the dialog in a `width` × `height` viewport, then shows the error summary too. */
  async function expectActionsInReach(width: number, height: number): Promise<void> {
    await page.viewport(width, height);
    try {
      const { el } = await opened({ 'access-context': 'unscheduled' });
      expectInView(el, 'on opening');
      $<HTMLInputElement>(el, '#code-3').click();
      await userEvent.fill($(el, '#comment'), 'x'.repeat(501));
      await submit(el);
      expect($(el, '.error-summary')).not.toBeNull();
      expectInView(el, 'with the error summary');
      el.close();
    } finally {
      await page.viewport(414, 896);
    }
  }

  it('keeps Check CP-IS and Cancel inside a 1280 × 700 viewport, without scrolling the page', async () => {
    await expectActionsInReach(1280, 700);
  });

  it('keeps Check CP-IS and Cancel inside a 320 × 568 viewport, without scrolling the page', async () => {
    await expectActionsInReach(320, 568);
  });

  it('keeps Check CP-IS and Cancel inside the viewport at 200 % zoom of 1280 × 700, without scrolling the page', async () => {
    await expectActionsInReach(640, 350);
  });
});

describe('accessibility (axe) in every state', () => {
  it('closed', async () => {
    const el = await mount('cpis-access-reason-dialog');
    await expectAxeClean(el);
  });

  it('open', async () => {
    const { el } = await opened({ 'access-context': 'unscheduled' });
    await expectAxeClean(el);
    el.close();
  });

  it('open with errors', async () => {
    const { el } = await opened();
    $<HTMLInputElement>(el, '#code-3').click();
    await submit(el);
    await expectAxeClean(el);
    el.close();
  });
});
