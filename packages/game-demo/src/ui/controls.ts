// Keyboard, mouse and touch to the player's controls: WASD/arrows move, the pointer aims (wherever
// it is in the window, HUD panels included), the mouse button on the arena or Space fires; on a
// touch screen the left half of the screen is a stick, a touch on the right half aims and fires.
// Reads the DOM only; the caller decides what to do with the result.

export interface Controls {
  mx: number;
  my: number;
  /** Pointer position on the screen (aim target), or undefined before the first move. */
  pointer: { x: number; y: number } | undefined;
  fire: boolean;
}

export function listenControls(target: HTMLElement): Controls {
  const keys = new Set<string>();
  const controls: Controls = { mx: 0, my: 0, pointer: undefined, fire: false };
  let mouseFire = false;
  let stick: { id: number; x: number; y: number } | undefined;
  let stickAxes = { mx: 0, my: 0 };
  let touchFire = false;
  const update = () => {
    const axis = (neg: string[], pos: string[]) =>
      (pos.some((k) => keys.has(k)) ? 1 : 0) - (neg.some((k) => keys.has(k)) ? 1 : 0);
    controls.mx = axis(['a', 'arrowleft'], ['d', 'arrowright']) || stickAxes.mx;
    controls.my = axis(['w', 'arrowup'], ['s', 'arrowdown']) || stickAxes.my;
    controls.fire = mouseFire || touchFire || keys.has(' ');
  };
  const typing = (e: Event) =>
    e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  window.addEventListener('keydown', (e) => {
    if (typing(e)) return;
    keys.add(e.key.toLowerCase());
    if (e.key === ' ' || e.key.startsWith('Arrow')) e.preventDefault();
    update();
  });
  window.addEventListener('keyup', (e) => {
    keys.delete(e.key.toLowerCase());
    update();
  });
  window.addEventListener('blur', () => {
    keys.clear();
    mouseFire = false;
    update();
  });
  // The aim follows the mouse anywhere in the window: over a HUD panel (the room panel covers the
  // arena's top-right corner) the canvas gets no pointermove, and a ship under a panel could not be
  // aimed at. Firing with the mouse button stays on the canvas, so clicking a button never shoots.
  window.addEventListener('pointermove', (e) => {
    if (e.pointerType !== 'touch') controls.pointer = { x: e.clientX, y: e.clientY };
  });
  target.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') {
      mouseFire = true;
      controls.pointer = { x: e.clientX, y: e.clientY };
      update();
    }
  });
  window.addEventListener('pointerup', (e) => {
    if (e.pointerType !== 'touch') mouseFire = false;
    update();
  });
  target.addEventListener(
    'touchstart',
    (e) => {
      for (const t of Array.from(e.changedTouches)) {
        if (t.clientX < window.innerWidth / 2 && stick === undefined)
          stick = { id: t.identifier, x: t.clientX, y: t.clientY };
        else {
          controls.pointer = { x: t.clientX, y: t.clientY };
          touchFire = true;
        }
      }
      update();
      e.preventDefault();
    },
    { passive: false },
  );
  target.addEventListener(
    'touchmove',
    (e) => {
      for (const t of Array.from(e.changedTouches)) {
        if (t.identifier === stick?.id) {
          const dx = t.clientX - stick.x;
          const dy = t.clientY - stick.y;
          stickAxes = {
            mx: Math.abs(dx) > 15 ? Math.sign(dx) : 0,
            my: Math.abs(dy) > 15 ? Math.sign(dy) : 0,
          };
        } else controls.pointer = { x: t.clientX, y: t.clientY };
      }
      update();
      e.preventDefault();
    },
    { passive: false },
  );
  target.addEventListener('touchend', (e) => {
    for (const t of Array.from(e.changedTouches)) {
      if (t.identifier === stick?.id) {
        stick = undefined;
        stickAxes = { mx: 0, my: 0 };
      } else touchFire = false;
    }
    update();
  });
  return controls;
}
