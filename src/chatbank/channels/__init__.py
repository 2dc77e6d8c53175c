"""Third-party chat channels: the assistant and payments on Messenger and WhatsApp (issue 9)."""
