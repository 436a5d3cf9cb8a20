/** The admins' template calls on the console's client: list, create, change (fields replace all), delete; and the tag catalogue for default tags. */
import type { InferRequestType } from 'hono/client';
import type { ApiClient, TemplateView } from '../../api/types.ts';
import type { ConsoleClient } from '../api/console-client.ts';
import type { TagView } from '../detail/detail-api.ts';

export type TemplateInput = InferRequestType<ApiClient['templates']['$post']>['json'];
export type TemplateApi = ReturnType<typeof createTemplateApi>;

export function createTemplateApi({ client, call }: ConsoleClient) {
  return {
    list: () => call<{ items: TemplateView[] }>(() => client.templates.$get()).then((list) => list.items),
    tags: () => call<{ items: TagView[] }>(() => client.tags.$get()).then((list) => list.items),
    create: (input: TemplateInput) => call<TemplateView>(() => client.templates.$post({ json: input })),
    update: (id: string, input: TemplateInput) => call<TemplateView>(() => client.templates[':id'].$patch({ param: { id }, json: input })),
    remove: (id: string) => call<void>(() => client.templates[':id'].$delete({ param: { id } })),
  };
}
