/**
 * A host page in a frame, for tests that reload it: puts an inline <ticket-widget> on the page
 * from the source modules, with `server` and `token` taken from the URL's hash.
 */
import '../../../widget/ticket-widget.ts';

const params = new URLSearchParams(location.hash.slice(1));
const widget = document.createElement('ticket-widget');
widget.setAttribute('mode', 'inline');
widget.setAttribute('server', params.get('server') ?? '');
widget.setAttribute('token', params.get('token') ?? '');
document.body.append(widget);
