/// <reference types="vite/client" />
import './clock.ts';
import '@cpis/elements/define';
import {
  setCustomElementsManifest,
  type Decorator,
  type Loader,
  type Preview,
} from '@storybook/web-components-vite';
import { render } from 'lit';
import { provideCpisClient } from '@cpis/elements';
import { loadCpis, type CpisLoaded, type CpisParameters } from './cpis.ts';

// Controls and docs tables come from the elements' JSDoc, through the manifest that
// `npm run cem -w @cpis/elements` writes (a glob, so a checkout without it still builds).
const manifests = import.meta.glob<{ default: object }>(
  '../../packages/elements/custom-elements.json',
  { eager: true },
);
const manifest = Object.values(manifests)[0]?.default;
if (manifest) setCustomElementsManifest(manifest);

/** Before each story: a fresh mock service, its seed checks, and the story's client. */
const cpisLoader: Loader = async ({ parameters }) => ({
  cpis: await loadCpis(parameters.cpis as CpisParameters | undefined),
});

/**
 * Around each story: a host element that provides the story's client by context, as an
 * EPR page would on its own root. The story is rendered into the host before the host is
 * attached, so every element finds its provider as soon as it connects.
 */
const withCpisClient: Decorator = (story, { loaded, parameters }) => {
  const { client } = loaded.cpis as CpisLoaded;
  const host = document.createElement('div');
  // The host page's type, as an EPR's would be; the elements bring their own.
  host.style.fontFamily = 'Arial, sans-serif';
  if ((parameters.cpis as CpisParameters | undefined)?.provide !== false) {
    provideCpisClient(host, client);
  }
  render(story(), host);
  return host;
};

const preview: Preview = {
  loaders: [cpisLoader],
  decorators: [withCpisClient],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    a11y: { test: 'error' },
  },
};

export default preview;
