// A generation's page text across its rounds, as visitors and the parser get it: each round's
// raw text loses its thinking (think-filter.ts) when the model may write some, and a round that
// continues after a user turn is joined to the page by a seam (seam.ts). Both clients use it.

import { pageStart } from "../contract/parse.ts";
import { Seam } from "./seam.ts";
import { ThinkFilter } from "./think-filter.ts";

export class PageText {
  /** All page text so far. */
  text = "";
  private seam: Seam | null = null;
  private think: ThinkFilter | null = null;
  private closesAlone = false;

  /**
   * `thinks`: the model may write `<think>` into its answer (any model but Claude, which keeps
   * its thinking in thinking blocks and whose pages may mention the tag as text).
   */
  constructor(
    private readonly onText: ((delta: string) => void) | undefined,
    private readonly thinks: boolean,
  ) {}

  /** Starts a round; returns where its raw text goes. */
  startRound(): (raw: string) => void {
    const seam = this.seam;
    if (!this.thinks) return (raw) => this.pass(seam, raw);
    const think = new ThinkFilter({
      lead: pageStart(this.text) === -1,
      closesAlone: this.closesAlone,
    });
    this.think = think;
    return (raw) => this.pass(seam, think.push(raw));
  }

  /** The round finished: what it held back is page text after all. */
  endRound(): void {
    const think = this.think;
    if (think) {
      this.pass(this.seam, think.end());
      this.closesAlone ||= think.closedAlone;
    }
    if (this.seam) this.emit(this.seam.end());
    this.seam = null;
    this.think = null;
  }

  /** The next round goes on after a user turn: its start must be joined to the page. */
  continueAfterUserTurn(): void {
    this.seam = new Seam(this.text);
  }

  private pass(seam: Seam | null, piece: string): void {
    this.emit(seam ? seam.push(piece) : piece);
  }

  private emit(piece: string): void {
    this.text += piece;
    if (piece) this.onText?.(piece);
  }
}
