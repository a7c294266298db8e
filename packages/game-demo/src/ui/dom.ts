// A tiny DOM builder for the overlays (lobby screens, HUD, panels): text is always set as text,
// never as HTML, because names and chat come from other players.

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<{ id: string; className: string; text: string; title: string }> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.id !== undefined) el.id = props.id;
  if (props.className !== undefined) el.className = props.className;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.title !== undefined) el.title = props.title;
  for (const child of children) el.append(child);
  return el;
}

export function button(text: string, onClick: () => void, id?: string): HTMLButtonElement {
  const b = h('button', { text, ...(id === undefined ? {} : { id }) });
  b.addEventListener('click', onClick);
  return b;
}
