// SPDX-License-Identifier: MIT
/**
 * @module app/context
 *
 * What every view gets: the v1 document and its wiring model, the live state, the injected
 * runtime variables and the URL state with its navigator.
 */
import { createContext, useContext } from 'react';
import type { DiscoveryResultV1 } from '@gw/api';
import type { WiringModel } from '@gw/wiring';
import type { LiveState } from '../models/feed';
import type { LintFindingDto } from '../models/lint';
import type { UrlState } from '../models/url-state';
import type { DynVars } from './dynvars';

/** The app-wide data. */
export interface AppData {
  doc: DiscoveryResultV1;
  model: WiringModel;
  live: LiveState;
  dyn: DynVars;
  url: UrlState;
  navigate: (next: UrlState, opts?: { replace?: boolean }) => void;
  /** Lint findings per netns id (empty without the analysis routes). */
  lint: ReadonlyMap<string, LintFindingDto[]>;
}

/** The context (set by App once data is there). */
export const AppContext = createContext<AppData | undefined>(undefined);

/** The app data; only used below App's provider. */
export function useApp(): AppData {
  const v = useContext(AppContext);
  if (v === undefined) throw new Error('useApp outside AppContext');
  return v;
}
