"""Person-to-person payments in conversations (issue 7)."""
