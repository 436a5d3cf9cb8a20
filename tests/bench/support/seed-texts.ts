/** The words the seeds give tickets and messages, as SQL array literals to index into (1-based). */

const ticketTitles = [
  'Cannot sign in', 'Invoice is wrong', 'Widget does not load', 'Export fails', 'Password reset email missing',
  'Feature request', 'Slow dashboard', 'Webhook not firing', 'Refund request', 'Data looks stale',
];

const messageTexts = [
  'Thanks for the details, looking into it now.', 'It happens again this morning, same error.',
  'Could you send a screenshot of the settings page?', 'Attached the log from the browser console.',
  'We deployed a fix, please try again and let us know.', 'Still broken for two of our users.',
  'Escalated to engineering, they are reproducing it.', 'That worked, thank you!',
];

const sqlArray = (texts: string[]) => `array[${texts.map((t) => `'${t.replaceAll("'", "''")}'`).join(', ')}]`;

/** `array['Cannot sign in', …]`: 10 ticket titles. */
export const ticketTitlesSql = sqlArray(ticketTitles);
export const ticketTitleCount = ticketTitles.length;

/** `array['Thanks for the details, …', …]`: 8 message texts. */
export const messageTextsSql = sqlArray(messageTexts);
export const messageTextCount = messageTexts.length;
