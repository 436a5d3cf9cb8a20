/**
 * The keyboard flow: j and k move through the tickets (opening each, focus on its card), a
 * assigns the open ticket to me, / jumps to the search box, r puts the cursor in the reply
 * composer, Esc goes back to the list — and shortcuts stay out of the way while typing. They
 * also answer with nothing focused (the page's body), but never while someone types in the page's
 * own fields, never with Alt, Ctrl or Meta held, and not once the console has left the page.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { cardOf, deepActiveElement, detailOf, openConsole, openTicket, server, setSearch, uniqueWord, until } from '../support/console-browser.ts';

describe('console keyboard', () => {
  afterEach(() => setSearch(''));

  it('j/k, a, /, r and Esc', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent('Kim');
    const first = await openTicket(customer, `${word} first`);
    const second = await openTicket(customer, `${word} second`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}&sort=created_at&order=asc` });
    await until(() => list.shadowRoot!.querySelectorAll('.card').length === 2, 'both tickets');
    const openButton = (title: string) => cardOf(list, title).querySelector<HTMLButtonElement>('.open')!;
    const ticketInUrl = () => new URL(location.href).searchParams.get('ticket');

    openButton(`${word} first`).focus();
    await sendKeys({ press: 'j' });
    await until(() => ticketInUrl() === first.id, 'the first ticket open');
    await sendKeys({ press: 'j' });
    await until(() => ticketInUrl() === second.id, 'the next ticket open');
    await until(() => deepActiveElement() === openButton(`${word} second`), 'focus on its card');
    expect(openButton(`${word} second`).getAttribute('aria-current')).to.equal('true');
    await sendKeys({ press: 'k' });
    await until(() => ticketInUrl() === first.id, 'back to the previous ticket');
    await until(() => deepActiveElement() === openButton(`${word} first`), 'focus on the first card');

    await sendKeys({ press: 'a' });
    await until(async () => (await server.call('GET', `/tickets/${first.id}`, agent.token)).body.assignee?.id === agent.id, 'the open ticket assigned to me');
    await until(() => cardOf(list, `${word} first`).querySelector('.assignee')!.textContent === 'Kim', 'the card says so');

    await sendKeys({ press: '/' });
    const search = await until(() => (deepActiveElement() as HTMLInputElement | null)?.type === 'search' && (deepActiveElement() as HTMLInputElement), 'focus in the search box');
    expect(search.selectionStart).to.equal(0);
    expect(search.selectionEnd).to.equal(word.length);
    // Typing is typing: no shortcut fires.
    await sendKeys({ press: 'End' });
    await sendKeys({ type: 'jk' });
    expect(search.value).to.equal(`${word}jk`);
    expect(ticketInUrl()).to.equal(first.id);
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Escape' });
    await until(() => deepActiveElement() !== search, 'out of the search box');

    openButton(`${word} first`).focus();
    const detail = await until(() => detailOf(element), 'the detail pane');
    await detail.updateComplete;
    await sendKeys({ press: 'r' });
    await until(() => deepActiveElement()?.tagName === 'TEXTAREA' && detail.shadowRoot!.activeElement !== null, 'the cursor in the reply composer of the detail pane');
    // In the composer, r is a letter: the agent types a reply.
    await sendKeys({ type: 'r' });
    expect((deepActiveElement() as HTMLTextAreaElement).value).to.equal('r');

    await sendKeys({ press: 'Escape' });
    await until(() => deepActiveElement() === openButton(`${word} first`), 'focus back on the card in the list');
  });

  it("answers from the page's body, but not while typing in the page, not with a modifier, and not once removed", async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent('Lou');
    const first = await openTicket(customer, `${word} first`);
    const second = await openTicket(customer, `${word} second`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}&sort=created_at&order=asc` });
    await until(() => list.shadowRoot!.querySelectorAll('.card').length === 2, 'both tickets');
    const ticketInUrl = () => new URL(location.href).searchParams.get('ticket');
    const focusNothing = () => {
      (deepActiveElement() as HTMLElement | null)?.blur();
      expect(document.activeElement).to.equal(document.body);
    };

    focusNothing();
    await sendKeys({ press: 'j' });
    await until(() => ticketInUrl() === first.id, 'the first ticket opened from the body');
    focusNothing();
    await sendKeys({ press: 'a' });
    await until(async () => (await server.call('GET', `/tickets/${first.id}`, agent.token)).body.assignee?.id === agent.id, 'assigned to me from the body');
    focusNothing();
    await sendKeys({ press: '/' });
    await until(() => (deepActiveElement() as HTMLInputElement | null)?.type === 'search', 'focus in the search box from the body');

    // The page's own fields: a key is a letter there, whichever field it is.
    const field = document.createElement('input');
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    document.body.append(field, editable);
    try {
      field.focus();
      await sendKeys({ type: 'jk/a' });
      expect(field.value).to.equal('jk/a');
      editable.focus();
      await sendKeys({ type: 'j' });
      expect(editable.textContent).to.equal('j');
      expect(ticketInUrl(), 'no shortcut while typing in the page').to.equal(first.id);
    } finally {
      field.remove();
      editable.remove();
    }

    focusNothing();
    for (const modifier of ['Alt', 'Control', 'Meta']) {
      await sendKeys({ down: modifier });
      await sendKeys({ press: 'j' });
      await sendKeys({ up: modifier });
      expect(ticketInUrl(), `no shortcut with ${modifier} held`).to.equal(first.id);
    }

    element.remove();
    focusNothing();
    await sendKeys({ press: 'j' });
    expect(ticketInUrl(), 'no shortcut once the console is gone').to.equal(first.id);
    document.body.append(element);
    await sendKeys({ press: 'j' });
    await until(() => ticketInUrl() === second.id, 'shortcuts back with the console');
  });
});
