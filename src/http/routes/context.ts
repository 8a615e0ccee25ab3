// What the routes share: the parts the composition root (app/build.ts) made, built once.

import type { Clock } from "../../core/clock.ts";
import type { Generator } from "../../generate/generator.ts";
import type { Cluster } from "../../store/litefs.ts";
import type { Store } from "../../store/store.ts";
import type { AdmissionPolicy } from "../guards/admission.ts";
import type { ClickAhead } from "../guards/click-ahead.ts";
import type { PageCache } from "../page-cache/page-cache.ts";

export interface RouteContext {
  cluster: Cluster;
  store: Store;
  generator: Generator;
  pages: PageCache;
  clock: Clock;
  admission: AdmissionPolicy;
  clickAhead: ClickAhead;
  /** How long a click on a link not mapped yet may wait for the page that is writing it. */
  clickAheadMs: number;
  /** Headers of every generated page (content type, caching, CSP), built once. */
  pageHeaders: Record<string, string>;
  depthLimit: number;
  loadingPage: boolean;
  /** The --four-oh-four page; null: the built-in one. */
  notFoundHtml: string | null;
}
