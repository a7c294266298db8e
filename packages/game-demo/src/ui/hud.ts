// The in-game HUD: round, phase and clock, health and score, a kill/chat feed, the scoreboard
// (hold Tab), a banner for connection trouble, and a chat line (Enter). Plain DOM over the canvas.
import type { ArenaView } from '../net/view.js';
import type { HostEvent } from '../net/messages.js';
import type { ArenaSession } from '../net/session.js';
import { h } from './dom.js';

export class Hud {
  private readonly top = h('div', { id: 'hud-top' });
  private readonly feed = h('ul', { id: 'feed' });
  private readonly board = h('table', { id: 'scoreboard' });
  private readonly banner = h('div', { id: 'banner' });
  private readonly chat = h('input', { id: 'chat' });
  private readonly lines: string[] = [];
  private showBoard = false;

  constructor(
    root: HTMLElement,
    private readonly session: ArenaSession,
  ) {
    this.chat.placeholder = 'say something (Enter)';
    this.chat.maxLength = 200;
    this.chat.style.display = 'none';
    root.append(this.top, this.feed, this.board, this.banner, this.chat);
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Tab') {
        this.showBoard = true;
        e.preventDefault();
      }
      if (e.key === 'Enter') {
        if (this.chat.style.display === 'none') {
          this.chat.style.display = '';
          this.chat.focus();
        } else {
          if (this.chat.value.trim() !== '') session.chat(this.chat.value);
          this.chat.value = '';
          this.chat.style.display = 'none';
          this.chat.blur();
        }
      }
    });
    window.addEventListener('keyup', (e) => {
      if (e.key === 'Tab') this.showBoard = false;
    });
    session.on('message', (text) => this.push(text));
  }

  /** Turns an authority event into a feed line (names from the current view). */
  onEvent(event: HostEvent, view: ArenaView | undefined): void {
    const name = (slot: number) => view?.ships.find((s) => s.player === slot)?.name ?? `#${slot}`;
    switch (event.type) {
      case 'kill':
        this.push(`${name(event.killer)} ⟶ ${name(event.victim)}`);
        return;
      case 'chat':
        this.push(`${event.from}: ${event.text}`);
        return;
      case 'round':
        this.push(
          event.phase === 'start'
            ? `round ${event.round} — fight!`
            : `round ${event.round} over${event.winner === null ? '' : `: ${event.winner} wins`}`,
        );
        return;
      case 'notice':
      case 'refused':
      case 'welcome':
      case 'roster':
      case 'hit':
        return;
    }
  }

  render(view: ArenaView | undefined): void {
    const session = this.session;
    const trouble =
      session.state === 'reconnecting'
        ? 'Reconnecting to the host…'
        : session.state === 'connecting'
          ? 'Connecting to the host…'
          : session.state === 'ended'
            ? session.message
            : '';
    this.banner.textContent = trouble;
    this.banner.style.display = trouble === '' ? 'none' : '';
    if (view === undefined) {
      this.top.textContent = '';
      this.board.style.display = 'none';
      return;
    }
    const m = view.match;
    const clock =
      m.phase === 'warmup'
        ? 'warm-up: press Ready (room panel) to start the round'
        : `${m.phase === 'intermission' ? 'next round in' : `round ${m.round}`} ${Math.floor(m.secondsLeft / 60)}:${String(m.secondsLeft % 60).padStart(2, '0')}`;
    const me = view.me;
    this.top.textContent = `${clock}   ·   ${me ? `HP ${me.hp}   score ${me.score}` : ''}${me && !me.alive ? '   (respawning…)' : ''}`;
    const ships = [...view.ships].sort((a, b) => b.score - a.score || a.deaths - b.deaths);
    this.board.style.display = this.showBoard || m.phase === 'intermission' ? '' : 'none';
    this.board.replaceChildren(
      h('tr', {}, h('th', { text: 'player' }), h('th', { text: 'kills' }), h('th', { text: 'deaths' })),
      ...ships.map((s) =>
        h(
          'tr',
          {},
          h('td', { text: s.name + (s.player === me?.player ? ' (you)' : '') }),
          h('td', { text: String(s.score) }),
          h('td', { text: String(s.deaths) }),
        ),
      ),
    );
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 6) this.lines.shift();
    this.feed.replaceChildren(...this.lines.map((l) => h('li', { text: l })));
  }
}
