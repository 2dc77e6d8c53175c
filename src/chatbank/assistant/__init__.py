"""The banking assistant: NLU, dialogue and skills (issue 6)."""
