// The lobby screens: the menu (quick match, create a private room, join by code) and the room
// panel (its code and link to share, who is in it with ping and connection type, ready, add bots,
// leave). Plain DOM over the canvas; every action goes through the ArenaSession.
import type { ArenaSession } from '../net/session.js';
import { button, h } from './dom.js';

export class LobbyScreens {
  readonly menu: HTMLElement;
  readonly room: HTMLElement;
  private readonly members = h('ul', { id: 'members' });
  private readonly code = h('div', { id: 'room-code' });
  private readonly readyButton: HTMLButtonElement;
  private readonly botsButton: HTMLButtonElement;
  private readonly status = h('div', { id: 'menu-status' });
  private ready = false;

  constructor(
    root: HTMLElement,
    private readonly session: ArenaSession,
    name: string,
  ) {
    const codeInput = h('input', { id: 'join-code' });
    codeInput.placeholder = 'room code';
    codeInput.maxLength = 12;
    const fail = (error: unknown) => (this.status.textContent = `failed: ${String(error)}`);
    this.menu = h(
      'div',
      { id: 'menu', className: 'panel' },
      h('h1', { text: 'tickwire arena' }),
      h('p', { text: `You fly as ${name}` }),
      button('Quick match', () => void session.quickMatch().catch(fail), 'quick-match'),
      button('Create private room', () => void session.createRoom().catch(fail), 'create-room'),
      h(
        'div',
        { className: 'row' },
        codeInput,
        button('Join', () => void session.joinRoom(codeInput.value).catch(fail), 'join-room'),
      ),
      this.status,
      h('p', {
        className: 'hint',
        text: 'WASD/arrows move · mouse aims · click/Space fires · Tab scores · N netgraph · L lab',
      }),
    );
    this.readyButton = button(
      'Ready',
      () => {
        this.ready = !this.ready;
        session.setReady(this.ready);
        this.render();
      },
      'ready',
    );
    this.botsButton = button('Add bot', () => session.addBots(1), 'add-bot');
    this.room = h(
      'div',
      { id: 'room', className: 'panel small' },
      this.code,
      this.members,
      h(
        'div',
        { className: 'row' },
        this.readyButton,
        this.botsButton,
        button('Leave', () => void session.leave(), 'leave'),
      ),
    );
    root.append(this.menu, this.room);
    session.on('message', (text) => (this.status.textContent = text));
  }

  /** Called a few times a second: shows the right screen and the room's people. */
  render(): void {
    const session = this.session;
    const room = session.room;
    const inMenu = room === null && session.state !== 'queue';
    this.menu.style.display = inMenu ? '' : 'none';
    this.room.style.display = room !== null ? '' : 'none';
    if (session.state === 'queue') this.status.textContent = 'looking for players…';
    if (room === null) return;
    const link = `${location.origin}${location.pathname}?room=${room.code}`;
    this.code.textContent = `Room ${room.code} · share: ${link}`;
    this.code.dataset['code'] = room.code;
    this.readyButton.textContent = this.ready ? 'Ready ✓' : 'Ready';
    this.botsButton.style.display = session.isHost ? '' : 'none';
    const roster = session.client?.roster ?? [];
    this.members.replaceChildren(
      ...roster.map((p) =>
        h(
          'li',
          {},
          `${p.name}${p.bot ? ' (bot)' : ''} — ${p.connected ? (p.ready ? 'ready' : 'not ready') : 'reconnecting…'}` +
            (p.bot ? '' : ` · ${p.ping} ms · ${p.path}`),
        ),
      ),
    );
  }
}
