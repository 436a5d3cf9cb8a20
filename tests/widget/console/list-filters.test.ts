/**
 * The console's list: each filter (statuses, priority, assignee, tag, text), each sort and
 * order, keyset pages with "load more", filters kept in the URL and restored from it (on load
 * and on Back), and no axe violations. Each test scopes its tickets with a word of its own.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { asAgent, cardOf, cards, choose, filtersOf, fill, openConsole, openTicket, server, setSearch, titles, uniqueWord, until, untilTitles } from '../support/console-browser.ts';

describe('console list: filters, sort, pages, URL', () => {
  afterEach(() => setSearch(''));

  it('filters by several statuses, a priority, an assignee (me, unassigned, a person) and a tag', async () => {
    const word = uniqueWord();
    const customer = await server.customer('Cleo');
    const me = await server.agent('Mia');
    const other = await server.agent('Otto');
    const tag = await asAgent(me.token, 'POST', '/tags', { name: `billing-${word}`, color: '#0a7d52' });
    const a = await openTicket(customer, `${word} alpha`);
    const b = await openTicket(customer, `${word} bravo`);
    const c = await openTicket(customer, `${word} charlie`);
    const d = await openTicket(customer, `${word} delta`);
    await asAgent(me.token, 'PATCH', `/tickets/${a.id}`, { status: 'in_progress', priority: 'urgent', assigneeId: me.id });
    await asAgent(me.token, 'PATCH', `/tickets/${b.id}`, { status: 'waiting_on_customer', priority: 'low', assigneeId: other.id });
    await asAgent(me.token, 'PATCH', `/tickets/${c.id}`, { status: 'resolved', priority: 'urgent' });
    await asAgent(me.token, 'PUT', `/tickets/${d.id}/tags/${tag.id}`);

    const { element, list } = await openConsole(me.token, { search: `q=${word}&sort=created_at&order=asc` });
    await untilTitles(list, [`${word} alpha`, `${word} bravo`, `${word} charlie`, `${word} delta`]);
    const form = filtersOf(element)!.shadowRoot!;
    const statusBox = (status: string) => form.querySelector<HTMLInputElement>(`input[name=status][value=${status}]`)!;

    statusBox('in_progress').click();
    await untilTitles(list, [`${word} alpha`], 'in progress only');
    statusBox('waiting_on_customer').click();
    await untilTitles(list, [`${word} alpha`, `${word} bravo`], 'two statuses at once');
    expect(new URL(location.href).searchParams.get('status')).to.equal('in_progress,waiting_on_customer');
    statusBox('in_progress').click();
    statusBox('waiting_on_customer').click();
    await untilTitles(list, [`${word} alpha`, `${word} bravo`, `${word} charlie`, `${word} delta`], 'no status filter');

    choose(form.querySelector('#priority')!, 'urgent');
    await untilTitles(list, [`${word} alpha`, `${word} charlie`], 'urgent ones');
    choose(form.querySelector('#priority')!, '');

    choose(form.querySelector('#assignee')!, 'me');
    await untilTitles(list, [`${word} alpha`], 'mine');
    choose(form.querySelector('#assignee')!, 'unassigned');
    await untilTitles(list, [`${word} charlie`, `${word} delta`], 'unassigned ones');
    await until(() => form.querySelector(`#assignee option[value="${other.id}"]`), 'the team in the assignee picker');
    choose(form.querySelector('#assignee')!, other.id);
    await untilTitles(list, [`${word} bravo`], "Otto's");
    choose(form.querySelector('#assignee')!, '');
    await untilTitles(list, [`${word} alpha`, `${word} bravo`, `${word} charlie`, `${word} delta`], 'anyone');

    await until(() => form.querySelector(`#tag option[value="${tag.id}"]`), 'the tag in the tag picker');
    choose(form.querySelector('#tag')!, tag.id);
    await untilTitles(list, [`${word} delta`], 'tagged');
    const tagBadge = cardOf(list, `${word} delta`).querySelector('.tag')!;
    expect(tagBadge.textContent).to.equal(`billing-${word}`);
    expect(getComputedStyle(tagBadge.querySelector('.dot')!).backgroundColor).to.equal('rgb(10, 125, 82)');
    await expect(list).to.be.accessible();
  });

  it('searches titles and descriptions as the agent types', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    await openTicket(customer, `${word} printer`, 'It jams.');
    await openTicket(customer, `${word} scanner`, `Paper ${word}x stuck.`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}` });
    await until(() => cards(list).length === 2, 'both tickets');
    const search = filtersOf(element)!.shadowRoot!.querySelector<HTMLInputElement>('input[type=search]')!;
    fill(search, `${word}x`);
    await untilTitles(list, [`${word} scanner`], 'the one whose description has the word');
    expect(new URL(location.href).searchParams.get('q')).to.equal(`${word}x`);
  });

  it('sorts by last activity, creation, priority and due date, either way', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    const first = await openTicket(customer, `${word} one`);
    const second = await openTicket(customer, `${word} two`);
    const third = await openTicket(customer, `${word} three`);
    await asAgent(agent.token, 'PATCH', `/tickets/${first.id}`, { priority: 'urgent', dueDate: '2031-01-03T00:00:00Z' });
    await asAgent(agent.token, 'PATCH', `/tickets/${second.id}`, { priority: 'low', dueDate: '2031-01-01T00:00:00Z' });
    await asAgent(agent.token, 'PATCH', `/tickets/${third.id}`, { priority: 'high', dueDate: null });
    // Last touched: third, then second, then first.
    const { element, list } = await openConsole(agent.token, { search: `q=${word}` });
    const form = filtersOf(element)!.shadowRoot!;
    await untilTitles(list, [`${word} three`, `${word} two`, `${word} one`], 'newest activity first');
    choose(form.querySelector('#sort')!, 'created_at');
    await untilTitles(list, [`${word} three`, `${word} two`, `${word} one`], 'newest first');
    choose(form.querySelector('#order')!, 'asc');
    await untilTitles(list, [`${word} one`, `${word} two`, `${word} three`], 'oldest first');
    choose(form.querySelector('#sort')!, 'priority');
    await untilTitles(list, [`${word} two`, `${word} three`, `${word} one`], 'lowest priority first');
    choose(form.querySelector('#order')!, 'desc');
    await untilTitles(list, [`${word} one`, `${word} three`, `${word} two`], 'most urgent first');
    choose(form.querySelector('#sort')!, 'due_date');
    choose(form.querySelector('#order')!, 'asc');
    await untilTitles(list, [`${word} two`, `${word} one`, `${word} three`], 'soonest due first, no due date last');
    expect(cardOf(list, `${word} two`).querySelector('.due')!.textContent).to.match(/^Due in \d+ years?$/);
    expect(new URL(location.href).searchParams.get('sort')).to.equal('due_date');
    expect(new URL(location.href).searchParams.get('order')).to.equal('asc');
  });

  it('loads the next pages with "load more", without repeating a ticket', async function () {
    this.timeout(40_000);
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    for (let i = 0; i < 27; i += 1) await openTicket(customer, `${word} ${String(i).padStart(2, '0')}`);
    const { list } = await openConsole(agent.token, { search: `q=${word}&sort=created_at&order=asc` });
    await until(() => cards(list).length === 25, 'the first page');
    expect(titles(list)[0]).to.equal(`${word} 00`);
    list.shadowRoot!.querySelector<HTMLButtonElement>('.more')!.click();
    await until(() => cards(list).length === 27, 'the second page');
    expect(titles(list).slice(24)).to.deep.equal([`${word} 24`, `${word} 25`, `${word} 26`]);
    expect(new Set(titles(list)).size).to.equal(27);
    expect(list.shadowRoot!.querySelector('.more')).to.equal(null);
  });

  it('keeps the filters in the URL: a reload shows the same view, and Back returns to the previous one', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    const open = await openTicket(customer, `${word} waiting`);
    await openTicket(customer, `${word} fresh`);
    await asAgent(agent.token, 'PATCH', `/tickets/${open.id}`, { status: 'waiting_on_customer', priority: 'high' });

    // As if the agent opened a shared link.
    const { element, list } = await openConsole(agent.token, { search: `q=${word}&status=waiting_on_customer&priority=high&sort=priority&order=asc` });
    await untilTitles(list, [`${word} waiting`]);
    const form = filtersOf(element)!.shadowRoot!;
    expect(form.querySelector<HTMLInputElement>('input[value=waiting_on_customer]')!.checked).to.equal(true);
    expect(form.querySelector<HTMLInputElement>('input[value=open]')!.checked).to.equal(false);
    expect(form.querySelector<HTMLSelectElement>('#priority')!.value).to.equal('high');
    expect(form.querySelector<HTMLSelectElement>('#sort')!.value).to.equal('priority');
    expect(form.querySelector<HTMLSelectElement>('#order')!.value).to.equal('asc');
    expect(form.querySelector<HTMLInputElement>('input[type=search]')!.value).to.equal(word);

    choose(form.querySelector('#priority')!, '');
    form.querySelector<HTMLInputElement>('input[value=waiting_on_customer]')!.click();
    await untilTitles(list, [`${word} fresh`, `${word} waiting`], 'both, medium before high');
    expect(new URL(location.href).searchParams.get('status')).to.equal(null);

    history.back();
    await until(() => new URL(location.href).searchParams.get('status') === 'waiting_on_customer', 'Back to the previous URL');
    await untilTitles(list, [`${word} waiting`], 'the previous view again');
    await until(() => form.querySelector<HTMLInputElement>('input[value=waiting_on_customer]')!.checked, 'the status box checked again');
  });
});
