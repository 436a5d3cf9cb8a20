/**
 * The detail pane's properties against the real server: status, priority, assignee (a pick and
 * "Assign to me") and due date each PATCH that field alone and tell the console; a refusal is
 * shown beside its control, which goes back to the server's value; a change someone else makes
 * while the agent is editing is shown rather than silently overwritten; keyboard and axe.
 */
/// <reference types="mocha" />
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ConsoleTicketControls } from '../../../widget/console/detail/detail-controls.ts';
import type { TicketSelectEvent } from '../../../widget/console/shell/ticket-select-event.ts';
import { choose, fill, leaveTeam, liveFeed, mountDetail, openTicket, part, press, server, ticketOf, until } from '../support/detail-browser.ts';

const controlsOf = (detail: HTMLElement) => detail.shadowRoot!.querySelector<ConsoleTicketControls>('console-ticket-controls')!;
const select = (detail: HTMLElement, id: string) => controlsOf(detail).shadowRoot!.querySelector<HTMLSelectElement>(`#${id}`)!;

describe('<console-ticket-detail> controls', () => {
  it('changes status, priority, assignee and due date, one field per PATCH, and tells the console', async () => {
    const customer = await server.customer('Cora');
    const agent = await server.agent('Ada');
    const colleague = await server.agent('Bo Colleague');
    const ticket = await openTicket(customer, 'Invoice shows the wrong VAT');
    const detail = await mountDetail(agent, ticket.id);
    const controls = controlsOf(detail);

    const changed = oneEvent(detail, 'ticket-changed');
    choose(select(detail, 'status'), 'in_progress');
    const { detail: payload } = await changed;
    expect(payload.ticket.status).to.equal('in_progress');
    expect((await ticketOf(agent.token, ticket.id)).status).to.equal('in_progress');

    choose(select(detail, 'priority'), 'urgent');
    await until(async () => (await ticketOf(agent.token, ticket.id)).priority === 'urgent', 'priority on the server');

    choose(select(detail, 'assignee'), colleague.id);
    await until(async () => (await ticketOf(agent.token, ticket.id)).assignee?.id === colleague.id, 'the colleague assigned');
    await until(() => detail.ticket?.assignee?.name === 'Bo Colleague', 'the pane to show the assignee');

    await press(detail, 'console-ticket-controls', '#assign-me');
    await until(async () => (await ticketOf(agent.token, ticket.id)).assignee?.id === agent.id, 'assigned to me');
    await until(() => !controls.shadowRoot!.querySelector('#assign-me'), '"Assign to me" gone once it is mine');

    const due = part<HTMLInputElement>(detail, 'console-ticket-controls', '#dueDate');
    due.focus();
    fill(due, '2031-03-14T09:30');
    await controls.updateComplete;
    await press(detail, 'console-ticket-controls', '#save-due');
    const expected = new Date('2031-03-14T09:30').toISOString();
    await until(async () => (await ticketOf(agent.token, ticket.id)).dueDate === expected, 'the due date on the server');

    await press(detail, 'console-ticket-controls', '#clear-due');
    await until(async () => (await ticketOf(agent.token, ticket.id)).dueDate === null, 'the due date cleared');

    const final = await ticketOf(agent.token, ticket.id);
    expect([final.status, final.priority, final.assignee.id]).to.deep.equal(['in_progress', 'urgent', agent.id]);
  });

  it("shows the server's refusal beside the control and goes back to the server's value", async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const leaving = await server.agent('Lee Leaving');
    const ticket = await openTicket(customer, 'Export times out');
    const detail = await mountDetail(agent, ticket.id);
    // The pane's team list still offers Lee, who is no longer on the team.
    await leaveTeam(leaving.id);

    choose(select(detail, 'assignee'), leaving.id);
    const error = await until(() => controlsOf(detail).shadowRoot!.querySelector('#assignee-error'), 'the refusal');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.contain('The server refused the value.');
    expect(error.textContent).to.contain('does not exist');
    expect(select(detail, 'assignee').getAttribute('aria-describedby')).to.equal('assignee-error');
    await until(() => select(detail, 'assignee').value === '', 'the control back on "Unassigned"');
    expect((await ticketOf(agent.token, ticket.id)).assignee).to.equal(null);
  });

  it('shows a change someone else made while the agent was editing, and PATCHes only what the agent changed', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const other = await server.agent('Alex');
    const ticket = await openTicket(customer, 'Dark mode flickers');
    const detail = await mountDetail(agent, ticket.id);
    const live = await liveFeed(agent.token, detail);
    try {
      const priority = select(detail, 'priority');
      priority.focus();
      expect(priority.value).to.equal('medium');

      await server.call('PATCH', `/tickets/${ticket.id}`, other.token, { priority: 'high', status: 'in_progress' });
      const notice = await until(() => controlsOf(detail).shadowRoot!.querySelector('[data-conflict=priority]'), 'the conflict notice');
      expect(notice.textContent).to.contain('Someone else changed the priority to High while you were editing.');
      // What the agent was looking at stays; the status, which they were not editing, follows the server.
      expect(priority.value).to.equal('medium');
      await until(() => select(detail, 'status').value === 'in_progress', 'the status updated in place');

      choose(priority, 'low');
      await until(async () => (await ticketOf(agent.token, ticket.id)).priority === 'low', 'the agent’s choice saved');
      const after = await ticketOf(agent.token, ticket.id);
      expect(after.status).to.equal('in_progress');
      await until(() => !controlsOf(detail).shadowRoot!.querySelector('[data-conflict]'), 'the notice gone');

      // A due date typed but not saved: someone sets another; "Use their value" takes theirs.
      const due = part<HTMLInputElement>(detail, 'console-ticket-controls', '#dueDate');
      due.focus();
      fill(due, '2032-01-01T08:00');
      await server.call('PATCH', `/tickets/${ticket.id}`, other.token, { dueDate: '2033-05-05T12:00:00.000Z' });
      const dueNotice = await until(() => controlsOf(detail).shadowRoot!.querySelector('[data-conflict=dueDate]'), 'the due-date conflict');
      expect(dueNotice.textContent).to.contain('changed the due date to');
      expect(due.value).to.equal('2032-01-01T08:00');
      dueNotice.querySelector('button')!.click();
      await until(() => new Date(due.value).toISOString() === '2033-05-05T12:00:00.000Z', 'their value shown');
      expect((await ticketOf(agent.token, ticket.id)).dueDate).to.equal('2033-05-05T12:00:00.000Z');
    } finally {
      live.stop();
    }
  });

  it('works from the keyboard', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Keyboard only');
    const detail = await mountDetail(agent, ticket.id);
    part<HTMLButtonElement>(detail, 'console-ticket-controls', '#assign-me').focus();
    await sendKeys({ press: 'Enter' });
    await until(async () => (await ticketOf(agent.token, ticket.id)).assignee?.id === agent.id, 'assigned with Enter');

    select(detail, 'priority').focus();
    await sendKeys({ press: 'ArrowDown' });
    await until(async () => (await ticketOf(agent.token, ticket.id)).priority === 'high', 'priority changed with the arrow key');
  });

  it("shows the customer and their other tickets, and asks the console to open one", async () => {
    const customer = await server.customer('Cleo Customer');
    const stranger = await server.customer('Sam Stranger');
    const agent = await server.agent('Ada');
    const older = await openTicket(customer, 'Older question');
    await openTicket(stranger, 'Not hers');
    const ticket = await openTicket(customer, 'Newest question');
    const detail = await mountDetail(agent, ticket.id);
    const panel = detail.shadowRoot!.querySelector('console-customer-panel')!;
    await until(() => panel.shadowRoot!.querySelector('li button'), 'the other tickets');
    expect(panel.shadowRoot!.querySelector('.who')!.textContent).to.contain('Cleo Customer');
    expect(panel.shadowRoot!.querySelector('.who a')!.textContent).to.equal(customer.email);
    const others = [...panel.shadowRoot!.querySelectorAll<HTMLButtonElement>('li button')];
    expect(others.map((button) => button.dataset.ticket)).to.deep.equal([older.id]);
    expect(others[0]!.textContent).to.contain('Older question');
    expect(others[0]!.textContent).to.contain('Open');
    const selected = new Promise<TicketSelectEvent>((resolve) => detail.addEventListener('console-ticket-select', resolve, { once: true }));
    others[0]!.click();
    expect((await selected).ticketId).to.equal(older.id);
    await expect(panel).to.be.accessible();
  });
});
