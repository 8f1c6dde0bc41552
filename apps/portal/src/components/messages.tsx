/** What a page says after an action: success politely, failure at once (role="alert"). */
export interface Message {
  readonly kind: 'success' | 'error';
  readonly text: string;
}

export function MessageArea({ message }: { message?: Message }) {
  return (
    <>
      <div role="status" className="message-area">
        {message?.kind === 'success' && <p className="message succes">{message.text}</p>}
      </div>
      <div role="alert" className="message-area">
        {message?.kind === 'error' && <p className="message erreur">{message.text}</p>}
      </div>
    </>
  );
}

let flashed: Message | undefined;

/** A message for the next page (e.g. "document deleted", shown on the list it returns to). */
export function flash(message: Message): void {
  flashed = message;
}

export function takeFlash(): Message | undefined {
  const message = flashed;
  flashed = undefined;
  return message;
}
