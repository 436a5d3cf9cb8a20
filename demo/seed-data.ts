/**
 * What the demo starts with: the tag catalogue, two templates and six tickets of Lumen
 * Analytics' customers, one in every status, with threads, internal notes and a screenshot.
 * Times are hours before the seed ran, so the data looks lived in whenever it is seeded.
 */
import type { DemoIdentityKey, DemoTeamMember } from './identities.ts';

export interface SeedTag {
  name: string;
  color: string;
  description: string;
}

export interface SeedTemplate {
  name: string;
  description: string;
  defaultPriority: 'low' | 'medium' | 'high' | 'urgent';
  defaultTags: string[];
  fields: { key: string; label: string; type: 'text' | 'textarea' | 'select' | 'number' | 'checkbox' | 'email' | 'url'; required?: boolean; options?: string[] }[];
}

export interface SeedMessage {
  from: DemoIdentityKey;
  hoursAgo: number;
  text: string;
  internal?: boolean;
}

export interface SeedTicket {
  customer: 'customer-1' | 'customer-2';
  hoursAgo: number;
  title: string;
  description: string;
  template?: string;
  fields?: Record<string, unknown>;
  priority?: 'low' | 'medium' | 'high' | 'urgent';
  /** Attach the demo screenshot (demo/seed-image.ts) to the opening message. */
  screenshot?: boolean;
  tags?: string[];
  assignee?: DemoTeamMember['key'];
  thread: SeedMessage[];
  /** The status after the thread, set by the team when the rules have not already made it so. */
  status: 'open' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed';
  /** When the team set that status (defaults to the last message). */
  statusHoursAgo?: number;
}

export const seedTags: SeedTag[] = [
  { name: 'billing', color: '#b45309', description: 'Invoices, plans and payments' },
  { name: 'bug', color: '#c2410c', description: 'Something does not work as documented' },
  { name: 'dashboards', color: '#2554c7', description: 'Charts, widgets and sharing' },
  { name: 'integrations', color: '#7c3aed', description: 'Slack, webhooks, warehouse connectors' },
  { name: 'onboarding', color: '#0f766e', description: 'Getting a new workspace going' },
  { name: 'vip', color: '#be185d', description: 'Enterprise accounts: answer within the hour' },
];

export const seedTemplates: SeedTemplate[] = [
  {
    name: 'Report a problem',
    description: 'Something in Lumen is not working as expected. A screenshot helps a lot.',
    defaultPriority: 'high',
    defaultTags: ['bug'],
    fields: [
      { key: 'dashboard_url', label: 'Link to the dashboard', type: 'url' },
      { key: 'browser', label: 'Browser', type: 'select', required: true, options: ['Chrome', 'Firefox', 'Safari', 'Edge', 'Other'] },
      { key: 'blocking', label: 'This blocks my work', type: 'checkbox' },
    ],
  },
  {
    name: 'Billing question',
    description: 'Invoices, plan changes, payment methods.',
    defaultPriority: 'medium',
    defaultTags: ['billing'],
    fields: [
      { key: 'plan', label: 'Your plan', type: 'select', required: true, options: ['Starter', 'Growth', 'Enterprise'] },
      { key: 'invoice_number', label: 'Invoice number', type: 'text' },
    ],
  },
];

export const seedTickets: SeedTicket[] = [
  {
    customer: 'customer-2',
    hoursAgo: 240,
    title: 'CSV export times out for a full year',
    description: 'Exporting the "Bookings by channel" report as CSV for Jan–Dec spins for a minute and then fails with "Export failed". A single quarter works.',
    template: 'Report a problem',
    fields: { browser: 'Firefox', blocking: false },
    tags: ['dashboards'],
    assignee: 'agent-2',
    thread: [
      { from: 'agent-2', hoursAgo: 238, text: 'Long exports now run in the background: we email you a download link when the file is ready. Could you try once more and let me know if the email arrives?' },
      { from: 'customer-2', hoursAgo: 215, text: 'Got the email after about two minutes and the file has every row. Thanks!' },
      { from: 'agent-2', hoursAgo: 214, text: 'Glad it works. I will close this one; reply any time if it comes back.' },
    ],
    status: 'closed',
  },
  {
    customer: 'customer-1',
    hoursAgo: 120,
    title: 'How do I share a dashboard with a client?',
    description: 'We want our client to see the "Store performance" dashboard without giving them a Lumen seat. Is there a read-only link?',
    tags: ['onboarding', 'dashboards'],
    assignee: 'agent-1',
    thread: [
      { from: 'agent-1', hoursAgo: 118, text: 'Yes: open the dashboard, choose Share → Public link, and turn on "Require password". The link is read-only and you can revoke it at any time.' },
      { from: 'customer-1', hoursAgo: 96, text: 'Perfect, that worked. Our client is very happy.' },
    ],
    status: 'resolved',
    statusHoursAgo: 95,
  },
  {
    customer: 'customer-1',
    hoursAgo: 50,
    title: 'Invoice INV-20931 charged twice',
    description: 'Our card was charged twice for the October invoice (INV-20931), on the 1st and again on the 2nd. Please refund one of them.',
    template: 'Billing question',
    fields: { plan: 'Growth', invoice_number: 'INV-20931' },
    tags: ['vip'],
    assignee: 'agent-2',
    thread: [
      { from: 'agent-2', hoursAgo: 49, internal: true, text: 'Stripe shows two captures; the second came from a retried webhook. Refund needs the card owner to confirm.' },
      { from: 'agent-2', hoursAgo: 48, text: 'Sorry about that, Maya — I can see the double charge. Could you confirm the last four digits of the card, so I can refund the second payment?' },
    ],
    status: 'waiting_on_customer',
  },
  {
    customer: 'customer-1',
    hoursAgo: 26,
    title: 'Revenue chart stops at March 14',
    description: 'Since yesterday the "Monthly revenue" chart ends on March 14 although we have orders until today. Screenshot attached.',
    template: 'Report a problem',
    fields: { dashboard_url: 'https://app.lumen.test/d/store-performance', browser: 'Chrome', blocking: true },
    screenshot: true,
    tags: ['dashboards'],
    assignee: 'agent-1',
    thread: [
      { from: 'agent-1', hoursAgo: 25, internal: true, text: 'Reproduced on staging: the timezone offset drops the last bucket for workspaces east of UTC. Filed ENG-2291.' },
      { from: 'agent-1', hoursAgo: 24.5, text: 'Thanks for the screenshot, Maya. I can reproduce it and our engineers are on it. Your data is safe — only the chart is cut off.' },
      { from: 'customer-1', hoursAgo: 20, text: 'Thanks! Is there a workaround until then? We present these numbers on Friday.' },
      { from: 'agent-1', hoursAgo: 19, text: 'Switching the chart\'s time zone to UTC (chart menu → Time zone) shows every day. The fix ships tomorrow.' },
    ],
    status: 'in_progress',
  },
  {
    customer: 'customer-2',
    hoursAgo: 3,
    title: 'Slack alerts arrive twice',
    description: 'Every anomaly alert shows up twice in our #bookings channel, about ten seconds apart. We only have one Slack connection.',
    template: 'Report a problem',
    fields: { browser: 'Safari', blocking: false },
    tags: ['integrations'],
    thread: [],
    status: 'open',
  },
  {
    customer: 'customer-2',
    hoursAgo: 0.5,
    title: 'Moving to the Growth plan mid-cycle',
    description: 'If we upgrade to Growth today, do we pay the full month or only the rest of it?',
    template: 'Billing question',
    fields: { plan: 'Starter' },
    priority: 'low',
    thread: [],
    status: 'open',
  },
];
