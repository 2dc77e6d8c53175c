"""The platform's messenger: people, conversations, messages and real-time delivery."""
