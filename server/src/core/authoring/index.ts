/** Authoring: quick fixes, templates and completion as plain data (text edits with offsets). */
export { quickFixes, fixAllEdits } from './quickFixes';
export { templateActions } from './templates';
export { inputTemplateAction, namespaceActions, templateTarget, templatesFor, namespaceChoices, labelChoices, workloadChoices } from './inputTemplates';
export { cidrInputProblem, parsePortList, splitList, labelInputProblem, namespaceInputProblem } from './inputChecks';
export type { TemplateId, TemplateInput, TemplateTarget, InputTemplateResult, NamespaceChoice, LabelChoice, WorkloadChoice } from './inputTemplates';
export { knownClients, mergeClients } from './knownClients';
export type { KnownClient } from './knownClients';
export { completions } from './completion';
export { hoverAt, policyIndex } from './hover';
export type { HoverResult } from './hover';
export { overlayInventory } from './overlay';
export type { CompletionEntry, CompletionKind, SchemaNode } from './completion';
export type { AuthoringAction, AuthoringContext, ActionKind, NewPolicy } from './context';
export { applyEdits } from './textEdit';
export type { TextEdit } from './textEdit';
