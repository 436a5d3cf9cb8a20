/** The console's way to the server: the same transport as the widget's (widget/api/api-transport.ts). */
export { createApiTransport as createConsoleClient, type ApiTransport as ConsoleClient, type UploadProgress } from '../../api/api-transport.ts';
