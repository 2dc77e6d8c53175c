"""What the assistant can do. Each skill reads bank data only through connect's gateway."""
