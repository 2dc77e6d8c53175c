"""`chatbank channels serve`: the platform with Messenger and/or WhatsApp connected."""

from __future__ import annotations

import typer
import uvicorn
from rich.console import Console

from chatbank.config import Settings
from chatbank.db.migrate import upgrade_to_head

channels_app = typer.Typer(help="Messenger and WhatsApp (docs/channels.md).",
                           no_args_is_help=True)
console = Console()


def webhook_summary(settings: Settings) -> list[str]:
    """What to enter in the Meta app dashboard, per connected channel."""
    base = settings.public_url.rstrip("/")
    lines = []
    if settings.messenger_page_token:
        lines.append(f"Messenger webhook: {base}/webhooks/messenger "
                     "(fields: messages, messaging_postbacks, message_reads)")
    if settings.whatsapp_token and settings.whatsapp_phone_number_id:
        lines.append(f"WhatsApp webhook:  {base}/webhooks/whatsapp (field: messages)")
    return lines


@channels_app.command("serve")
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run a platform instance answering Messenger and WhatsApp (set the CHATBANK_* settings)."""
    from chatbank.web.app import WEBSOCKET_SERVER_OPTIONS, create_app

    settings = Settings()
    lines = webhook_summary(settings)
    if not lines:
        console.print("[red]No channel configured:[/red] set CHATBANK_MESSENGER_PAGE_TOKEN "
                      "and/or CHATBANK_WHATSAPP_TOKEN with CHATBANK_WHATSAPP_PHONE_NUMBER_ID.")
        raise typer.Exit(2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    for line in lines:
        console.print(line)
    console.print("Verify token: the value of CHATBANK_CHANNEL_VERIFY_TOKEN; deliveries are "
                  "checked against CHATBANK_CHANNEL_APP_SECRET.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                **WEBSOCKET_SERVER_OPTIONS)
