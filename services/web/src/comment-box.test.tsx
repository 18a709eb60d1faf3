import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { render } from './test-render';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { User } from './api';
import { CommentBox } from './editor';

afterEach(cleanup);

const users = [
  { id: 'usr_1', name: 'Kari Nordmann', email: 'kari@example.com', role: 'agent', deactivated: false },
  { id: 'usr_2', name: 'Karl Berg', email: 'karl@example.com', role: 'agent', deactivated: false },
] as unknown as User[];

function Harness({ onChange }: { onChange: (text: string, ids: string[]) => void }) {
  const [value, setValue] = useState('');
  return (
    <CommentBox
      value={value}
      users={users}
      onChange={(text, ids) => {
        setValue(text);
        onChange(text, ids);
      }}
    />
  );
}

function typeAt(box: HTMLTextAreaElement, text: string, caret: number) {
  box.setSelectionRange(caret, caret);
  fireEvent.change(box, { target: { value: text, selectionStart: caret, selectionEnd: caret } });
  box.setSelectionRange(caret, caret);
}

describe('CommentBox', () => {
  it('puts the caret after a name picked mid-sentence before the next key can land', () => {
    const changes: [string, string[]][] = [];
    render(<Harness onChange={(text, ids) => changes.push([text, ids])} />);
    const box = screen.getByRole('textbox', { name: 'Comment' }) as HTMLTextAreaElement;
    typeAt(box, 'Over to @kari and back', 'Over to @kari'.length);
    const option = screen.getByRole('option', { name: /Kari Nordmann/ });
    act(() => {
      fireEvent.mouseDown(option);
    });
    expect(box.value).toBe('Over to @Kari Nordmann  and back');
    // No timer has run yet: typing now must land right after the name and its space.
    expect(box.selectionStart).toBe('Over to @Kari Nordmann '.length);
    expect(changes.at(-1)).toEqual(['Over to @Kari Nordmann  and back', ['usr_1']]);
  });

  it('narrows the list as the name is typed, and picks with Enter', () => {
    render(<Harness onChange={() => undefined} />);
    const box = screen.getByRole('textbox', { name: 'Comment' }) as HTMLTextAreaElement;
    typeAt(box, '@kar', 4);
    expect(screen.getAllByRole('option')).toHaveLength(2);
    typeAt(box, '@karl', 5);
    expect(screen.getAllByRole('option')).toHaveLength(1);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('@Karl Berg ');
    expect(box.selectionStart).toBe('@Karl Berg '.length);
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
