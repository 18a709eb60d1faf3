// jsdom lacks what the list needs to measure itself (a stand-in is enough here), and draws no
// frames, so requestAnimationFrame runs its callback on the next tick.
class FixedResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(): void {
    this.callback([], this as unknown as ResizeObserver);
  }
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= FixedResizeObserver as unknown as typeof ResizeObserver;
globalThis.requestAnimationFrame = ((callback: FrameRequestCallback) => setTimeout(() => callback(performance.now()), 0)) as unknown as typeof requestAnimationFrame;
