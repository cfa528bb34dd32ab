// Type-checked with moduleResolution "node" (node10): every subpath resolves with types.
import { createCpisClient as bundledClient } from '@cpis/elements/bundle';
import { defineCpisElements } from '@cpis/elements/define';
import { CpisFlagBanner } from '@cpis/elements/react';
import { personas } from '@cpis/mock/fixtures';
import { withStream, type StreamedNotification } from '@cpis/sdk/stream';

export const used: [unknown, unknown, unknown, unknown, unknown] = [
  bundledClient,
  defineCpisElements,
  CpisFlagBanner,
  personas.noRecord.nhsNumber,
  withStream,
];
export type Notified = StreamedNotification['cursor'];
