// Frame timing of the page, for the browser benchmark (and anyone curious, on window.__tickwire):
// the interval between animation frames (requestAnimationFrame deltas, as Pixi's ticker gets
// them) and each frame's work, split into update (input steps, view, scene draw) and render
// (Pixi's renderer). Nothing is kept until the first take() (a visitor who never asks pays no
// memory); from then on samples wait in bounded buffers until the next take() empties them. It
// only measures: it must never change what a frame does.

export interface FrameSamples {
  /** Time between consecutive animation frames, ms. */
  deltaMs: number[];
  /** The app's update in a frame (input steps, view, draw calls), ms. */
  updateMs: number[];
  /** Pixi's render of the frame, ms. */
  renderMs: number[];
  /** Samples not kept because nobody took them in time (the buffers are bounded). */
  dropped: number;
}

/** About five minutes at 60 frames a second. */
const MAX_SAMPLES = 18_000;

export class FramePerf {
  private samples: FrameSamples = { deltaMs: [], updateMs: [], renderMs: [], dropped: 0 };
  private frameStart = 0;
  private updateEnd = 0;
  private recording = false;

  /** First thing in a frame, with the rAF delta Pixi's ticker measured. */
  beginFrame(deltaMs: number): void {
    this.frameStart = performance.now();
    this.push(this.samples.deltaMs, deltaMs);
  }

  /** After the app's own update of the frame. */
  endUpdate(): void {
    this.updateEnd = performance.now();
    this.push(this.samples.updateMs, this.updateEnd - this.frameStart);
  }

  /** After Pixi rendered the frame. */
  endRender(): void {
    this.push(this.samples.renderMs, performance.now() - this.updateEnd);
  }

  /** Everything measured since the last call (the first call starts the recording). */
  take(): FrameSamples {
    this.recording = true;
    const taken = this.samples;
    this.samples = { deltaMs: [], updateMs: [], renderMs: [], dropped: 0 };
    return taken;
  }

  private push(list: number[], value: number): void {
    if (!this.recording) return;
    if (list.length >= MAX_SAMPLES) this.samples.dropped++;
    else list.push(value);
  }
}
