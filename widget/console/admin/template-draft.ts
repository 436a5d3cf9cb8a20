/**
 * A template as the editor holds it while an admin changes it (options as lines of text), turned
 * into the API's body, and checked by the server's own rules first, with issues under the same
 * paths the server uses (`name`, `fields.2.key`), so both kinds of error land beside their field.
 */
import type { TemplateView } from '../../api/types.ts';
import type { FieldType, TemplateStrings } from './template-strings.ts';
import type { TemplateInput } from './template-api.ts';

export interface FieldDraft {
  /** Stable across reorders, for rendering. */
  uid: number;
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  options: string;
}

export interface TemplateDraft {
  id: string | undefined;
  name: string;
  description: string;
  defaultPriority: '' | 'low' | 'medium' | 'high' | 'urgent';
  defaultTagIds: string[];
  fields: FieldDraft[];
}

let nextUid = 1;

export const blankField = (): FieldDraft => ({ uid: nextUid++, key: '', label: '', type: 'text', required: false, options: '' });

export function toDraft(template?: TemplateView): TemplateDraft {
  return {
    id: template?.id,
    name: template?.name ?? '',
    description: template?.description ?? '',
    defaultPriority: template?.defaultPriority ?? '',
    defaultTagIds: [...(template?.defaultTagIds ?? [])],
    fields: (template?.fields ?? []).map((field) => ({ uid: nextUid++, key: field.key, label: field.label, type: field.type, required: field.required, options: (field.options ?? []).join('\n') })),
  };
}

const optionsOf = (field: FieldDraft) => field.options.split('\n').map((option) => option.trim()).filter(Boolean);

export function toInput(draft: TemplateDraft): TemplateInput {
  return {
    name: draft.name.trim(),
    description: draft.description.trim() || null,
    defaultPriority: draft.defaultPriority || null,
    defaultTagIds: draft.defaultTagIds,
    fields: draft.fields.map((field) => ({
      key: field.key.trim(),
      label: field.label.trim(),
      type: field.type,
      required: field.required,
      ...(field.type === 'select' ? { options: optionsOf(field) } : {}),
    })),
  };
}

/** What is wrong, by the server's path for it; empty when the draft may be sent. */
export function checkDraft(draft: TemplateDraft, t: TemplateStrings): Record<string, string> {
  const issues: Record<string, string> = {};
  const name = draft.name.trim();
  if (!name || name.length > 100) issues.name = t.invalid.name;
  if (draft.fields.length > 50) issues.fields = t.invalid.tooMany;
  const seen = new Set<string>();
  draft.fields.forEach((field, index) => {
    const key = field.key.trim();
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(key)) issues[`fields.${index}.key`] = t.invalid.key;
    else if (seen.has(key)) issues[`fields.${index}.key`] = t.invalid.duplicateKey;
    seen.add(key);
    const label = field.label.trim();
    if (!label || label.length > 100) issues[`fields.${index}.label`] = t.invalid.label;
    if (field.type === 'select') {
      const options = optionsOf(field);
      if (!options.length || new Set(options).size !== options.length || options.some((option) => option.length > 100)) issues[`fields.${index}.options`] = t.invalid.options;
    }
  });
  return issues;
}
