"""Replies fitted to each channel's documented limits (pure): lengths, button counts, titles.

Messenger: text ≤ 2000, quick replies ≤ 13 (title ≤ 20), button template text ≤ 640 with ≤ 3
buttons (title ≤ 20), receipt template. WhatsApp: text ≤ 4096, reply buttons ≤ 3 (title ≤ 20,
body ≤ 1024), list ≤ 10 rows (title ≤ 24), a call-to-action URL button per link.
"""

from __future__ import annotations

from typing import Any

from chatbank.channels.model import Choice, Outgoing, Receipt, Reply

MESSENGER_TEXT = 2000
MESSENGER_BUTTON_TEXT = 640
MESSENGER_BUTTONS = 3
MESSENGER_QUICK_REPLIES = 13
WHATSAPP_TEXT = 4096
WHATSAPP_INTERACTIVE_BODY = 1024
WHATSAPP_BUTTONS = 3
WHATSAPP_LIST_ROWS = 10
TITLE = 20
ROW_TITLE = 24
OPEN_IN_BROWSER = "Opens in your browser:"


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chunks(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, split at line ends where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return pieces + ([rest] if rest else [])


def receipt_text(receipt: Receipt) -> str:
    note = f" for {receipt.note}" if receipt.note else ""
    return (f"Payment completed: {receipt.display} to {receipt.payee_name}{note}.\n"
            f"Reference: {receipt.payment_id}")


def messenger_messages(outgoing: Outgoing) -> list[dict[str, Any]]:
    """The `message` objects (or a `sender_action`) to send to one Messenger user, in order."""
    if outgoing.typing:
        return [{"sender_action": "typing_on"}]
    if outgoing.receipt is not None:
        return [{"message": {"attachment": {"type": "template",
                                            "payload": receipt_template(outgoing.receipt)}}}]
    assert outgoing.reply is not None
    reply = outgoing.reply
    texts = chunks(reply.text, MESSENGER_TEXT) or [OPEN_IN_BROWSER]
    messages: list[dict[str, Any]] = [{"text": text} for text in texts]
    if reply.links:
        last = messages.pop() if len(texts[-1]) <= MESSENGER_BUTTON_TEXT else None
        buttons = [{"type": "web_url", "url": link.url, "title": fit(link.label, TITLE)}
                   for link in reply.links[:MESSENGER_BUTTONS]]
        buttons += [_postback(choice) for choice in
                    reply.choices[: MESSENGER_BUTTONS - len(buttons)]]
        messages.append({"attachment": {"type": "template", "payload": {
            "template_type": "button", "text": last["text"] if last else OPEN_IN_BROWSER,
            "buttons": buttons}}})
    elif reply.choices:
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": fit(choice.label, TITLE), "payload": choice.reply}
            for choice in reply.choices[:MESSENGER_QUICK_REPLIES]]
    return [{"message": message} for message in messages]


def _postback(choice: Choice) -> dict[str, str]:
    return {"type": "postback", "title": fit(choice.label, TITLE), "payload": choice.reply}


def receipt_template(receipt: Receipt) -> dict[str, Any]:
    """Messenger's receipt template; prices are decimal numbers at the edge only."""
    price = receipt.amount_minor / 100
    return {
        "template_type": "receipt", "recipient_name": receipt.payer_name,
        "order_number": receipt.payment_id, "currency": receipt.currency,
        "payment_method": "Bank transfer (approved at your bank)",
        "timestamp": str(receipt.paid_at_s),
        "elements": [{"title": fit(f"To {receipt.payee_name}", 80),
                      "subtitle": fit(receipt.note or "Payment", 80), "quantity": 1,
                      "price": price, "currency": receipt.currency}],
        "summary": {"total_cost": price},
    }


def whatsapp_messages(outgoing: Outgoing) -> list[dict[str, Any]]:
    """The message objects (without `to`) to send to one WhatsApp user, in order."""
    if outgoing.typing:
        return []  # the Cloud API has no typing indicator without a message id to mark read
    reply = (outgoing.reply if outgoing.receipt is None
             else Reply(receipt_text(outgoing.receipt), financial=True))
    assert reply is not None
    texts = chunks(reply.text, WHATSAPP_TEXT)
    interactive_needed = bool(reply.links or reply.choices)
    body = texts.pop() if interactive_needed and texts and len(
        texts[-1]) <= WHATSAPP_INTERACTIVE_BODY else OPEN_IN_BROWSER
    messages: list[dict[str, Any]] = [
        {"type": "text", "text": {"body": text, "preview_url": False}} for text in texts]
    for index, link in enumerate(reply.links):
        messages.append(_interactive(body if index == 0 else link.label, {
            "type": "cta_url", "action": {"name": "cta_url", "parameters": {
                "display_text": fit(link.label, TITLE), "url": link.url}}}))
    if reply.choices:
        choice_body = body if not reply.links else "Or answer here:"
        messages.append(_interactive(choice_body, _choices(reply.choices)))
    return messages


def _interactive(body: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "interactive", "interactive": {
        **content, "body": {"text": fit(body, WHATSAPP_INTERACTIVE_BODY)}}}


def _choices(choices: tuple[Choice, ...]) -> dict[str, Any]:
    if len(choices) <= WHATSAPP_BUTTONS:
        return {"type": "button", "action": {"buttons": [
            {"type": "reply", "reply": {"id": fit(choice.reply, 256),
                                        "title": fit(choice.label, TITLE)}}
            for choice in choices]}}
    return {"type": "list", "action": {"button": "Choose", "sections": [{
        "title": "Options", "rows": [{"id": fit(choice.reply, 200),
                                      "title": fit(choice.label, ROW_TITLE)}
                                     for choice in choices[:WHATSAPP_LIST_ROWS]]}]}}
