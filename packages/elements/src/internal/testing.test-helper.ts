/**
 * What the element tests share: a CP-IS client over the in-memory mock (no service
 * worker, no network), and small helpers to mount elements and wait for a state.
 * Not part of the package: it imports `@cpis/mock`, which the elements never do.
 */
import type { HttpHandler } from 'msw';
import { expect } from 'vitest';
import { provideCpisClient, type CpisClientProvider } from '../context.js';
import {
  createCpisClient,
  type CpisCheckClient,
  type CpisClient,
  type CpisClientOptions,
} from '@cpis/sdk';
import {
  createCpisMockService,
  createMockFetch,
  principals,
  scenarioHandlers,
  type CpisMockService,
  type CpisMockServiceOptions,
  type ScenarioName,
  type ScenarioOptions,
  type TokenPrincipal,
} from '@cpis/mock';

export const BASE_URL = 'http://cpis.test';

export interface MockClientOptions {
  scenario?: ScenarioName;
  scenarioOptions?: ScenarioOptions;
  service?: CpisMockServiceOptions;
  /** A service to share (two clients over the same state). */
  reuse?: CpisMockService;
  principal?: TokenPrincipal;
  client?: Partial<Omit<CpisClientOptions, 'baseUrl' | 'getToken' | 'fetch'>>;
  /** Handlers put in front of the scenario's. */
  before?: HttpHandler[];
}

export interface MockClient {
  client: CpisClient;
  service: CpisMockService;
  /** Every request the client sent, in order. */
  requests: Request[];
}

/** A real SDK client over the mock service, answering as `scenario` says. */
export async function mockClient(options: MockClientOptions = {}): Promise<MockClient> {
  const service = options.reuse ?? createCpisMockService(options.service);
  const token = await service.tokenFor(options.principal ?? principals.edNurse);
  const handlers = [
    ...(options.before ?? []),
    ...scenarioHandlers(options.scenario ?? 'ok', service, options.scenarioOptions),
  ];
  const mockFetch = createMockFetch(handlers);
  const requests: Request[] = [];
  const client = createCpisClient({
    baseUrl: BASE_URL,
    getToken: () => token,
    fetch: (request) => {
      requests.push(request.clone());
      return mockFetch(request);
    },
    ...options.client,
  });
  return { client, service, requests };
}

/** Creates `tag` with `attributes` and `properties`, puts it in the page, waits for its first render. */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  parent: HTMLElement = document.body,
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string') el.setAttribute(name, value);
  }
  Object.assign(el, properties);
  parent.append(el);
  await settle(el);
  return el;
}

/** Waits for a Lit element's pending update, if it is one. */
export async function settle(el: Element): Promise<void> {
  const update = (el as Partial<{ updateComplete: Promise<unknown> }>).updateComplete;
  if (update) await update;
}

/** Polls until `read()` equals `expected` (the browser does the work meanwhile). */
export async function until<T>(read: () => T, expected: T, timeout = 5000): Promise<void> {
  await expect.poll(read, { timeout, interval: 10 }).toBe(expected);
}

/** The text a user sees in an element's shadow root, whitespace collapsed. */
export function shadowText(el: Element): string {
  return (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The focused element, through open shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const providers: [HTMLElement, CpisClientProvider][] = [];

/** `provideCpisClient`, undone by `cleanPage()` (a provider on `document.body` outlives its test). */
export function provide(root: HTMLElement, client: CpisCheckClient): CpisClientProvider {
  const provider = provideCpisClient(root, client);
  providers.push([root, provider]);
  return provider;
}

/** Removes every element and provider the tests put in the page. */
export function cleanPage(): void {
  for (const [root, provider] of providers.splice(0)) {
    root.removeEventListener('context-request', provider.onContextRequest as EventListener);
    root.removeEventListener('context-provider', provider.onProviderRequest as EventListener);
    provider.setValue(undefined);
  }
  document.body.replaceChildren();
  document.head.querySelectorAll('style[data-test]').forEach((s) => s.remove());
}

/** Runs axe-core on `el` (shadow roots included) and expects no violation. */
export async function expectAxeClean(el: Element): Promise<void> {
  const { default: axe } = await import('axe-core');
  const results = await axe.run(el, { resultTypes: ['violations'] });
  const found = results.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
  expect(found).toEqual([]);
}

/** Records every value an element's `data-state` takes, from now on. */
export function recordStates(el: Element): string[] {
  const seen: string[] = [el.getAttribute('data-state') ?? ''];
  new MutationObserver(() => seen.push(el.getAttribute('data-state') ?? '')).observe(el, {
    attributes: true,
    attributeFilter: ['data-state'],
  });
  return seen;
}

/** Records the shadow root's visible text after every change, from now on. */
export function recordTexts(el: Element): string[] {
  const seen: string[] = [shadowText(el)];
  new MutationObserver(() => seen.push(shadowText(el))).observe(el.shadowRoot as ShadowRoot, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  return seen;
}

/** WCAG contrast ratio of two `rgb()`/`rgba()` colours (alpha ignored). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (color: string): number => {
    const [r, g, bl] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The first non-transparent background colour at or above `el`, crossing shadow roots. */
export function backgroundOf(el: Element): string {
  let node: Element | null = el;
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
    node = node.parentElement ?? (node.getRootNode() as ShadowRoot).host ?? null;
  }
  return 'rgb(255, 255, 255)';
}
