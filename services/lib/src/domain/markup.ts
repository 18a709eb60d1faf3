// Text put into HTML or XML: the five characters that could end an element or an attribute become
// numeric character references.
export const escapeMarkup = (value: string): string => value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
