/**
 * The demo product page's own script (served compiled, under the page's strict CSP): draws the
 * dashboard's charts as SVG, lets the visitor switch between the two demo customers — each switch
 * hands <ticket-widget> a `tokenProvider` that asks the demo token endpoint, as a real page would
 * ask its own backend — and copies the embed snippet.
 */
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import { fetchDemoIdentities, demoTokenProvider, type DemoIdentityView } from './demo-client.ts';

const svgNs = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  parent.append(element);
  return element;
}

const months = ['Dec', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov'];
const revenue = [31.2, 29.8, 33.1, 35.6, 34.2, 37.9, 39.4, 41.2, 40.1, 43.8, 45.1, 47.3];
const lastYear = [28.4, 27.1, 29.0, 30.2, 31.5, 32.0, 33.8, 34.1, 35.6, 36.2, 38.9, 41.0];

function drawRevenue(root: SVGSVGElement): void {
  const [width, height, left, bottom, top] = [640, 240, 52, 28, 16];
  const max = 50;
  const x = (i: number) => left + (i * (width - left - 12)) / (months.length - 1);
  const y = (value: number) => top + (1 - value / max) * (height - top - bottom);
  for (const tick of [0, 10, 20, 30, 40, 50]) {
    svg('line', { x1: left, x2: width - 12, y1: y(tick), y2: y(tick), class: 'gridline' }, root);
    svg('text', { x: left - 8, y: y(tick) + 4, 'text-anchor': 'end', class: 'axis' }, root).textContent = `$${tick}k`;
  }
  months.forEach((month, i) => {
    if (i % 2 === 1) svg('text', { x: x(i), y: height - 8, 'text-anchor': 'middle', class: 'axis' }, root).textContent = month;
  });
  const path = (values: number[]) => values.map((value, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  svg('path', { d: `${path(revenue)} L${x(11)},${y(0)} L${x(0)},${y(0)} Z`, class: 'area' }, root);
  svg('path', { d: path(lastYear), class: 'line previous' }, root);
  svg('path', { d: path(revenue), class: 'line' }, root);
  revenue.forEach((value, i) => {
    const dot = svg('circle', { cx: x(i), cy: y(value), r: 3.5, class: 'point' }, root);
    svg('title', {}, dot).textContent = `${months[i]}: $${value.toFixed(1)}k`;
  });
}

const channels = [
  { name: 'Web', share: 48, className: 'c1' },
  { name: 'Mobile app', share: 31, className: 'c2' },
  { name: 'Marketplace', share: 14, className: 'c3' },
  { name: 'Stores', share: 7, className: 'c4' },
];

function drawChannels(root: SVGSVGElement, legend: HTMLUListElement): void {
  const [cx, cy, radius] = [160, 120, 84];
  let angle = -Math.PI / 2;
  for (const channel of channels) {
    const sweep = (channel.share / 100) * Math.PI * 2;
    const [x1, y1] = [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
    angle += sweep;
    const [x2, y2] = [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
    svg('path', { d: `M${x1.toFixed(1)},${y1.toFixed(1)} A${radius},${radius} 0 ${sweep > Math.PI ? 1 : 0} 1 ${x2.toFixed(1)},${y2.toFixed(1)}`, class: `arc ${channel.className}` }, root);
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${channel.className}`;
    item.append(swatch, `${channel.name} `, Object.assign(document.createElement('strong'), { textContent: `${channel.share}%` }));
    legend.append(item);
  }
  svg('text', { x: cx, y: cy - 2, 'text-anchor': 'middle', class: 'donut-value' }, root).textContent = '2,871';
  svg('text', { x: cx, y: cy + 18, 'text-anchor': 'middle', class: 'axis' }, root).textContent = 'orders';
}

function drawSpark(root: SVGSVGElement | null, values: number[]): void {
  if (!root) return;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const points = values.map((value, i) => `${((i * 116) / (values.length - 1) + 2).toFixed(1)},${(28 - ((value - min) / (max - min || 1)) * 24).toFixed(1)}`);
  svg('polyline', { points: points.join(' '), class: 'spark-line' }, root);
}

function showCustomer(identity: DemoIdentityView): void {
  const avatar = document.getElementById('customer-avatar');
  if (avatar) avatar.textContent = identity.name.split(' ').map((part) => part[0]).join('');
  const eyebrow = document.querySelector('.eyebrow');
  if (eyebrow && identity.company) eyebrow.textContent = `${identity.company} · Workspace`;
}

/** Fills the switcher at once, then hands the widget (once defined) the chosen customer's tokens. */
async function setUpCustomers(): Promise<void> {
  const select = document.getElementById('customer-switcher') as HTMLSelectElement;
  const customers = (await fetchDemoIdentities()).filter((identity) => identity.role === 'customer');
  const wanted = new URLSearchParams(location.search).get('as');
  for (const customer of customers) select.append(new Option(`${customer.name} (${customer.company})`, customer.key, false, customer.key === wanted));
  showCustomer(customers.find((customer) => customer.key === select.value) ?? customers[0]!);
  await customElements.whenDefined('ticket-widget');
  const widget = document.querySelector('ticket-widget') as TicketWidget;
  const choose = () => {
    const identity = customers.find((customer) => customer.key === select.value) ?? customers[0]!;
    showCustomer(identity);
    // A new provider is a new customer: the widget drops the previous one's view and state.
    widget.tokenProvider = demoTokenProvider(identity.key);
  };
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('as', select.value);
    history.replaceState(null, '', url);
    choose();
  });
  choose();
}

function setUpCopy(): void {
  const button = document.getElementById('copy-snippet')!;
  const status = document.getElementById('copy-status')!;
  const code = document.getElementById('snippet')!;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code.textContent ?? '');
      status.textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      getSelection()?.selectAllChildren(code);
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
}

drawRevenue(document.getElementById('revenue-chart') as unknown as SVGSVGElement);
drawChannels(document.getElementById('channel-chart') as unknown as SVGSVGElement, document.getElementById('channel-legend') as HTMLUListElement);
drawSpark(document.getElementById('spark-revenue') as SVGSVGElement | null, revenue);
drawSpark(document.getElementById('spark-orders') as SVGSVGElement | null, [610, 640, 655, 700, 690, 720, 760, 780, 770, 800, 830, 861]);
drawSpark(document.getElementById('spark-conversion') as SVGSVGElement | null, [4.1, 4.0, 4.2, 3.9, 4.0, 3.8, 3.9, 3.7, 3.8, 3.6, 3.7, 3.8]);
drawSpark(document.getElementById('spark-aov') as SVGSVGElement | null, [49, 50, 49.5, 50.2, 51, 50.6, 51.3, 51.8, 51.2, 52, 52.1, 52.4]);
setUpCopy();
await setUpCustomers();
